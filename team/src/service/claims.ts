import { createHash } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { KV, KvEntry } from '@nats-io/kv';
import type { z } from 'zod';
import { claimValueSchema, type claimAnswerSchema, type claimRequestSchema, type ClaimValue } from '../../protocol/messages.ts';
import { keyOf } from '../../protocol/subjects.ts';
import { appendAudit } from './audit.ts';
import { untilServerAnswers } from './server-return.ts';
import { isStaleWrite, raceAttempts } from './stale-write.ts';

export interface Caller {
  operatorId: string;
  operatorName: string;
}

type ClaimAnswer = z.infer<typeof claimAnswerSchema>;

/**
 * A chat as it appears in audit ids (at most 600 characters with the rest of the id): its bucket key
 * when short, else a digest of it — deterministic either way, so the trail still never doubles.
 */
export function chatRef(chat: string): string {
  const key = keyOf(chat);
  return key.length <= 200 ? key : `h_${createHash('sha256').update(chat).digest('base64url')}`;
}

function holderOf(entry: KvEntry | null): ClaimValue | undefined {
  if (entry?.operation !== 'PUT') return undefined;
  const v = claimValueSchema.safeParse(entry.json());
  return v.success ? v.data : undefined;
}

/**
 * One operator answers a chat. The bucket's compare-and-set is the lock: the claim is written only at
 * the revision it was read at, so of two operators racing exactly one write lands and the other reads
 * the winner. The holder's own claim is renewed keeping its `claimedAt`, which also keeps its audit id:
 * a claim sent twice is one entry in the trail. An offline claim is settled here: refused, it leaves a
 * conflict entry, since the operator may already have answered the chat.
 */
export async function takeClaim(
  js: JetStreamClient,
  claims: KV,
  me: Caller,
  req: z.infer<typeof claimRequestSchema>,
): Promise<ClaimAnswer> {
  const key = keyOf(req.chat);
  for (let attempt = 0; attempt < raceAttempts; attempt++) {
    const entry = await claims.get(key);
    const holder = holderOf(entry);
    const now = Date.now();
    if (holder && holder.operatorId !== me.operatorId && holder.expiresAt > now) {
      if (req.offlineAt !== undefined)
        await appendAudit(js, {
          id: `conflict:claim:${chatRef(req.chat)}:${me.operatorId}:${req.offlineAt}`,
          kind: 'conflict',
          subject: req.chat,
          operatorId: me.operatorId,
          operatorName: me.operatorName,
          detail: { offlineAt: req.offlineAt, heldBy: holder.operatorName },
          at: now,
        });
      return { ok: false, by: holder.operatorName, since: holder.claimedAt };
    }
    const claimedAt = holder?.operatorId === me.operatorId ? holder.claimedAt : now;
    const value: ClaimValue = {
      chat: req.chat,
      operatorId: me.operatorId,
      operatorName: me.operatorName,
      claimedAt,
      expiresAt: now + req.ttlMs,
    };
    try {
      if (entry) await claims.update(key, JSON.stringify(value), entry.revision);
      else await claims.create(key, JSON.stringify(value));
    } catch (e) {
      if (isStaleWrite(e)) continue;
      // The answer was lost (nats-server went away): whether the claim landed is read back once it
      // answers, so a claim that did land is in the trail like any other.
      const after = holderOf(await untilServerAnswers(() => claims.get(key)));
      if (after?.operatorId !== me.operatorId || after.expiresAt !== value.expiresAt) throw e;
    }
    await appendAudit(js, {
      id: `claim:${chatRef(req.chat)}:${me.operatorId}:${claimedAt}`,
      kind: 'claim',
      subject: req.chat,
      operatorId: me.operatorId,
      operatorName: me.operatorName,
      detail: { offline: req.offlineAt !== undefined },
      at: now,
    });
    return { ok: true };
  }
  throw new Error(`the claim on ${key} kept changing under ${raceAttempts} attempts`);
}

/** Only the holder releases; anyone else's release (or a second one) changes nothing and says ok. */
export async function releaseClaim(js: JetStreamClient, claims: KV, me: Caller, chat: string): Promise<{ ok: true }> {
  const key = keyOf(chat);
  for (let attempt = 0; attempt < raceAttempts; attempt++) {
    const entry = await claims.get(key);
    const holder = holderOf(entry);
    if (!entry || holder?.operatorId !== me.operatorId) return { ok: true };
    try {
      await claims.delete(key, { previousSeq: entry.revision });
    } catch (e) {
      if (isStaleWrite(e)) continue;
      // The answer was lost: only a chat's holder deletes its key, and this chat's requests are queued
      // here one at a time, so a delete marker after the revision read is this release, landed — and a
      // release the desktop does not ask again (it sees the chat free) must still reach the trail.
      const after = await untilServerAnswers(() => claims.get(key));
      if (after?.operation === 'PUT' || !after || after.revision <= entry.revision) throw e;
    }
    await appendAudit(js, {
      id: `release:${chatRef(chat)}:${me.operatorId}:${holder.claimedAt}`,
      kind: 'release',
      subject: chat,
      operatorId: me.operatorId,
      operatorName: me.operatorName,
      detail: {},
      at: Date.now(),
    });
    return { ok: true };
  }
  throw new Error(`the claim on ${key} kept changing under ${raceAttempts} attempts`);
}
