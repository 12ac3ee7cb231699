import type { JetStreamClient } from '@nats-io/jetstream';
import type { KV, KvEntry } from '@nats-io/kv';
import type { z } from 'zod';
import {
  templateValueSchema,
  type templateDeleteAnswerSchema,
  type templateDeleteRequestSchema,
  type templateSaveAnswerSchema,
  type templateSaveRequestSchema,
  type TemplateValue,
} from '../../protocol/messages.ts';
import { appendAudit } from './audit.ts';
import type { Caller } from './claims.ts';
import { isStaleWrite, raceAttempts } from './stale-write.ts';

type SaveAnswer = z.infer<typeof templateSaveAnswerSchema>;
type DeleteAnswer = z.infer<typeof templateDeleteAnswerSchema>;

function valueOf(entry: KvEntry | null): TemplateValue | undefined {
  if (entry?.operation !== 'PUT') return undefined;
  const v = templateValueSchema.safeParse(entry.json());
  return v.success ? v.data : undefined;
}

/** The version a save with this requestId made, if the bucket's history still holds it. */
async function savedBefore(templates: KV, id: string, requestId: string): Promise<number | undefined> {
  let found: number | undefined;
  for await (const e of await templates.history({ key: id })) {
    const v = valueOf(e);
    if (v && v.deletedBy === undefined && v.requestId === requestId) found = v.version;
  }
  return found;
}

/**
 * Saves only over the version the edit was made from: a newer version is never overwritten silently,
 * and the refusal carries its text and author for the operator to merge. A template a colleague
 * deleted meanwhile is refused naming who deleted it (its tombstone says), so the operator can keep
 * the text as a new one. A save retried after a lost answer is recognised by its requestId and
 * answered with the version it made, instead of conflicting with itself.
 */
export async function saveTemplate(
  js: JetStreamClient,
  templates: KV,
  me: Caller,
  req: z.infer<typeof templateSaveRequestSchema>,
): Promise<SaveAnswer> {
  for (let attempt = 0; attempt < raceAttempts; attempt++) {
    const entry = await templates.get(req.id);
    const current = valueOf(entry);
    const live = current && current.deletedBy === undefined ? current : undefined;
    if (live?.requestId === req.requestId) return { ok: true, version: live.version };
    if (!live && req.baseVersion > 0)
      return { ok: false, conflict: { version: 0, body: '', name: req.name, by: current?.deletedBy ?? '', deleted: true } };
    if (live && live.version !== req.baseVersion) {
      const mine = await savedBefore(templates, req.id, req.requestId);
      if (mine !== undefined) return { ok: true, version: mine };
      await appendAudit(js, {
        id: `conflict:template:${req.id}:${req.requestId}`,
        kind: 'conflict',
        subject: req.id,
        operatorId: me.operatorId,
        operatorName: me.operatorName,
        detail: { baseVersion: req.baseVersion, currentVersion: live.version },
        at: Date.now(),
      });
      return { ok: false, conflict: { version: live.version, body: live.body, name: live.name, by: live.updatedBy } };
    }
    // Over a tombstone the numbering goes on, so a template made again under a deleted one's id has
    // versions (and audit ids) of its own.
    const version = (current?.version ?? 0) + 1;
    const value: TemplateValue = {
      id: req.id,
      name: req.name,
      body: req.body,
      version,
      updatedBy: me.operatorName,
      updatedAt: Date.now(),
      requestId: req.requestId,
    };
    try {
      if (entry) await templates.update(req.id, JSON.stringify(value), entry.revision);
      else await templates.create(req.id, JSON.stringify(value));
    } catch (e) {
      if (isStaleWrite(e)) continue;
      throw e;
    }
    await appendAudit(js, {
      id: `template:${req.id}:${version}`,
      kind: 'template',
      subject: req.id,
      operatorId: me.operatorId,
      operatorName: me.operatorName,
      detail: { version },
      at: value.updatedAt,
    });
    return { ok: true, version };
  }
  throw new Error(`template ${req.id} kept changing under ${raceAttempts} attempts`);
}

/**
 * Anyone in the team may delete a team template, but only the version they saw: a newer one is refused
 * with its text. The delete leaves a tombstone naming who deleted which version (an edit made meanwhile
 * is told so) and an audit entry with the name it took away. Gone already: what was asked is true.
 */
export async function deleteTemplate(
  js: JetStreamClient,
  templates: KV,
  me: Caller,
  req: z.infer<typeof templateDeleteRequestSchema>,
): Promise<DeleteAnswer> {
  for (let attempt = 0; attempt < raceAttempts; attempt++) {
    const entry = await templates.get(req.id);
    const current = valueOf(entry);
    if (!entry || !current || current.deletedBy !== undefined) return { ok: true };
    if (current.version !== req.baseVersion)
      return { ok: false, conflict: { version: current.version, body: current.body, name: current.name, by: current.updatedBy } };
    const tombstone: TemplateValue = {
      id: req.id,
      name: current.name,
      body: '',
      version: current.version,
      updatedBy: me.operatorName,
      updatedAt: Date.now(),
      deletedBy: me.operatorName,
    };
    try {
      await templates.update(req.id, JSON.stringify(tombstone), entry.revision);
    } catch (e) {
      if (isStaleWrite(e)) continue;
      throw e;
    }
    await appendAudit(js, {
      id: `template-delete:${req.id}:${current.version}`,
      kind: 'template_delete',
      subject: req.id,
      operatorId: me.operatorId,
      operatorName: me.operatorName,
      detail: { version: current.version, name: current.name },
      at: tombstone.updatedAt,
    });
    return { ok: true };
  }
  throw new Error(`template ${req.id} kept changing under ${raceAttempts} attempts`);
}
