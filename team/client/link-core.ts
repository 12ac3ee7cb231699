import { randomUUID } from 'node:crypto';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { PermissionViolationError, type NatsConnection } from '@nats-io/transport-node';
import type { z } from 'zod';
import type {
  ClaimResult,
  PushResult,
  TeamLink,
  TeamOperator,
  TeamSendRow,
  TeamTrailEntry,
  TemplateConflict,
  TemplateDeleteResult,
  TemplateSaveResult,
} from '../../electron/team/link.ts';
import {
  claimAnswerSchema,
  claimRequestSchema,
  releaseAnswerSchema,
  releaseRequestSchema,
  sendMsgId,
  sendRecordSchema,
  templateDeleteAnswerSchema,
  templateDeleteRequestSchema,
  templateSaveAnswerSchema,
  templateSaveRequestSchema,
} from '../protocol/messages.ts';
import { buckets, subjects, type ServiceMethod } from '../protocol/subjects.ts';
import { followTeam, type Following } from './follow.ts';
import { readSendTrail } from './send-trail.ts';
import { parsedJson, TeamViewState } from './team-view.ts';

/** How long a write may wait for the server before the desktop's journal keeps it for later. */
export const serverWaitMs = 20_000;
/** One attempt of a service request: a lost request is asked again within the same wait. */
const attemptMs = 10_000;
const redialMs = 1_000;
/**
 * The followers' requests (stream info, consumer create) wait less than a write: one lost to a dead
 * connection or asked while JetStream is still starting is asked again soon instead of holding the view.
 */
const followWaitMs = 5_000;

/** What the link needs from the sign-in: who the operator is, and a way to open a connection as them. */
export interface LinkSession {
  operator: TeamOperator;
  refreshToken(): string;
  /** Opens a NATS connection (rejects when it cannot); called again after goOnline or a lost connection. */
  dial(): Promise<NatsConnection>;
  /** The link is closed: stop refreshing the sign-in. */
  closed?(): void;
}

export interface LinkOptions {
  log?: (message: string) => void;
}

interface Live {
  nc: NatsConnection;
  js: JetStreamClient;
  following: Following;
  presence?: Promise<KV>;
  /** Between a disconnect and the reconnect (or for good once closed). */
  down: boolean;
  /** Told when the connection is lost: the writes waiting for an answer on it. */
  onLost: Set<() => void>;
}

function lose(l: Live) {
  l.down = true;
  for (const tell of l.onLost) tell();
  l.onLost.clear();
}

/**
 * Settles with 'lost' if the connection is lost before `done()`; `done()` forgets it, so a connection
 * that lives for days does not keep one waiter per write it ever made.
 */
function untilLost(l: Live): { settled: Promise<'lost'>; done(): void } {
  let tell!: () => void;
  const settled = new Promise<'lost'>((r) => (tell = () => r('lost')));
  if (l.down) tell();
  else l.onLost.add(tell);
  return { settled, done: () => void l.onLost.delete(tell) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let t: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([p, new Promise<'timeout'>((r) => (t = setTimeout(() => r('timeout'), ms)))]).finally(() => clearTimeout(t));
}

const conflictOf = (c: TemplateConflict): TemplateConflict => ({
  version: c.version,
  body: c.body,
  name: c.name,
  by: c.by,
  ...(c.deleted ? { deleted: true as const } : {}),
});

/**
 * The desktop's team link over NATS, after the sign-in: the view folded from the team's stream and
 * buckets, writes as stream publishes (sends) and service requests (claims, templates). "Could not
 * reach the server" is always told apart from "the server refused": the uplink keeps the first in
 * its journal and retries, and records the second.
 */
export function openNatsLink(session: LinkSession, opts: LinkOptions = {}): TeamLink {
  const log = opts.log ?? ((m: string) => console.warn(m));
  const me = session.operator.id;
  const state = new TeamViewState(log);
  const listeners = new Set<() => void>();
  let live: Live | undefined;
  let connected = false;
  /** Bumped by every goOffline/goOnline: a dial or a connection of an older generation is let go. */
  let generation = 0;
  let dialing = false;
  let closed = false;

  let notifyQueued = false;
  /** A burst of records (a replay, a reconnect) tells the listeners once, not once per record. */
  const changed = () => {
    if (notifyQueued) return;
    notifyQueued = true;
    setImmediate(() => {
      notifyQueued = false;
      for (const l of listeners) l();
    });
  };

  /** Publishes the server refused by permissions, by subject: the refusal comes as a status, not as the publish's answer. */
  const refusedBy = new Map<string, Set<(e: PermissionViolationError) => void>>();

  async function open(gen: number) {
    if (dialing) return;
    dialing = true;
    try {
      while (gen === generation && !closed) {
        let nc: NatsConnection;
        try {
          nc = await session.dial();
        } catch (e) {
          log(`team link: no connection (${e instanceof Error ? e.message : String(e)})`);
          await sleep(redialMs);
          continue;
        }
        if (gen !== generation || closed) {
          void nc.close();
          return;
        }
        attach(nc, gen);
        return;
      }
    } finally {
      dialing = false;
      // goOnline may have asked for a newer generation while this dial was running.
      if (!closed && live === undefined && gen !== generation) void open(generation);
    }
  }

  function attach(nc: NatsConnection, gen: number) {
    const js = jetstream(nc, { timeout: serverWaitMs });
    // No API check (an account info request) before each bucket is opened: four of them per reconnect
    // of every desktop, all at once after nats-server's restart, and a bucket that is not there fails its watch anyway.
    const following = followTeam(nc, jetstream(nc, { timeout: followWaitMs, checkAPI: false }), state, changed, log);
    const l: Live = { nc, js, following, down: false, onLost: new Set() };
    live = l;
    connected = true;
    changed();
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') {
          connected = false;
          lose(l);
        } else if (s.type === 'reconnect') {
          connected = true;
          l.down = false;
        } else if (s.type === 'error' && s.error instanceof PermissionViolationError && s.error.operation === 'publish') {
          for (const reject of refusedBy.get(s.error.subject) ?? []) reject(s.error);
        } else continue;
        changed();
      }
    })();
    void nc.closed().then(() => {
      lose(l);
      following.stop();
      if (live?.nc !== nc) return;
      live = undefined;
      connected = false;
      changed();
      // Closed by the client itself (it gave up): dial again, unless the operator went offline meanwhile.
      if (gen === generation && !closed) void open(gen);
    });
  }

  function disconnect() {
    generation++;
    const l = live;
    live = undefined;
    connected = false;
    if (l) lose(l);
    l?.following.stop();
    void l?.nc.close();
  }

  const onlineNow = (): Live | undefined => (connected && live && !live.nc.isClosed() ? live : undefined);

  /** Publishes joined by message id: a retry of a write still waiting for its answer waits for the same answer. */
  const inFlight = new Map<string, Promise<PushResult>>();

  async function publish(l: Live, subject: string, data: string, msgID: string): Promise<PushResult> {
    let refuse: ((e: PermissionViolationError) => void) | undefined;
    const refused = new Promise<PermissionViolationError>((r) => (refuse = r));
    const waiting = refusedBy.get(subject) ?? new Set();
    waiting.add(refuse!);
    refusedBy.set(subject, waiting);
    const lost = untilLost(l);
    try {
      // A publish on the wire when the connection goes has lost its answer with it: without the race it
      // would wait out the whole 20 s, holding the journal's drain (and every row behind it) that long
      // after the link is live again. Published again under the same message id, it is stored once.
      const out = await Promise.race([
        l.js.publish(subject, data, { msgID, timeout: serverWaitMs }).then(() => 'ok' as const),
        refused,
        lost.settled,
      ]);
      if (out === 'ok') return { ok: true };
      if (out === 'lost') return { ok: false, retry: true, reason: 'unreachable' };
      return { ok: false, retry: false, reason: `refused: ${out.message}` };
    } catch {
      // No answer in time, no connection, no stream: the journal keeps it and tries again.
      return { ok: false, retry: true, reason: 'unreachable' };
    } finally {
      lost.done();
      waiting.delete(refuse!);
      if (!waiting.size) refusedBy.delete(subject);
    }
  }

  /**
   * One request to the team server's service, its answer parsed. 'unreachable' when there was no
   * answer within the wait (no connection, nobody serving, the request or its answer lost); a lost
   * one is asked again within the same wait with the same body, which the service recognises.
   */
  async function ask<S extends z.ZodType>(method: ServiceMethod, body: unknown, answer: S): Promise<z.output<S> | 'unreachable'> {
    const until = Date.now() + serverWaitMs;
    const payload = JSON.stringify(body);
    for (let first = true; ; first = false) {
      const l = onlineNow();
      if (!l) {
        if (first) return 'unreachable';
      } else {
        const lost = untilLost(l);
        try {
          // A request on the wire when the connection goes is asked again once it is back, not after its whole attempt.
          const m = await Promise.race([
            l.nc.request(subjects.service(me, method), payload, {
              timeout: Math.max(1, Math.min(attemptMs, until - Date.now())),
            }),
            lost.settled.then(() => Promise.reject(new Error('connection lost'))),
          ]);
          const parsed = answer.safeParse(parsedJson(m.data));
          if (parsed.success) return parsed.data;
          // The service could not serve it (or answered something this desktop cannot read): kept for later.
          log(`team link: ${method} answered ${m.string().slice(0, 200)}`);
          return 'unreachable';
        } catch {
          // Asked again below while the wait lasts.
        } finally {
          lost.done();
        }
      }
      if (Date.now() + 250 >= until) return 'unreachable';
      await sleep(250);
    }
  }

  async function presenceBucket(l: Live): Promise<KV> {
    l.presence ??= new Kvm(l.nc).open(buckets.presence).catch((e: unknown) => {
      l.presence = undefined;
      throw e;
    });
    return l.presence;
  }

  /** The trails read while online, for the detail pane when the desktop is not. */
  const trails = new Map<string, TeamTrailEntry[]>();

  void open(generation);

  return {
    operator: session.operator,
    get refreshToken() {
      return session.refreshToken();
    },
    online: () => onlineNow() !== undefined,
    view: () => state.view(),
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    async pushSend(row: TeamSendRow): Promise<PushResult> {
      const record = sendRecordSchema.safeParse(row);
      if (!record.success) return { ok: false, retry: false, reason: `invalid: ${record.error.message.slice(0, 200)}` };
      if (state.holds(row.id, me, row.updatedAt, row.status)) return { ok: true };
      const l = onlineNow();
      if (!l) return { ok: false, retry: true, reason: 'unreachable' };
      const msgID = sendMsgId(row);
      let pending = inFlight.get(msgID);
      if (!pending) {
        pending = publish(l, subjects.send(me, row.id), JSON.stringify(record.data), msgID);
        inFlight.set(msgID, pending);
        const p = pending;
        void p.finally(() => {
          if (inFlight.get(msgID) === p) inFlight.delete(msgID);
        });
      }
      return pending;
    },
    async claim(chat, ttlMs, offlineAt): Promise<ClaimResult> {
      const body = claimRequestSchema.parse({ chat, ttlMs, ...(offlineAt !== undefined ? { offlineAt } : {}) });
      const r = await ask('claim', body, claimAnswerSchema);
      if (r === 'unreachable') throw new Error('team_unreachable');
      return r.ok ? { ok: true } : { ok: false, by: r.by, since: r.since };
    },
    async release(chat) {
      await ask('release', releaseRequestSchema.parse({ chat }), releaseAnswerSchema);
    },
    async saveTemplate(t): Promise<TemplateSaveResult> {
      // One request id for this save, however often it is asked: a save whose answer was lost is not its own conflict.
      const body = templateSaveRequestSchema.parse({ ...t, requestId: randomUUID() });
      const r = await ask('template-save', body, templateSaveAnswerSchema);
      if (r === 'unreachable') return { ok: false, offline: true };
      return r.ok ? { ok: true, version: r.version } : { ok: false, conflict: conflictOf(r.conflict) };
    },
    async deleteTemplate(t): Promise<TemplateDeleteResult> {
      const r = await ask('template-delete', templateDeleteRequestSchema.parse(t), templateDeleteAnswerSchema);
      if (r === 'unreachable') return { ok: false, offline: true };
      return r.ok ? { ok: true } : { ok: false, conflict: conflictOf(r.conflict) };
    },
    async sendTrail(id): Promise<TeamTrailEntry[]> {
      const l = onlineNow();
      if (l) {
        try {
          const trail = await readSendTrail(l.js, id, (op) => state.nameOfOperator(op), serverWaitMs);
          if (trail.length) {
            trails.set(id, trail);
            if (trails.size > 200) trails.delete(trails.keys().next().value!);
            return trail;
          }
        } catch (e) {
          log(`team link: the trail of ${id} could not be read (${e instanceof Error ? e.message : String(e)})`);
        }
      }
      // Offline (or unread): what this desktop has — the trail read before, else the record the view holds.
      const known = trails.get(id);
      if (known) return known;
      const send = state.send(id);
      return send ? [{ kind: 'send', status: send.status, operatorName: send.operatorName, at: send.syncedAt }] : [];
    },
    async beat() {
      const l = onlineNow();
      if (!l) return;
      const kv = await withTimeout(presenceBucket(l), serverWaitMs);
      if (kv === 'timeout') return;
      await withTimeout(kv.put(me, JSON.stringify({ seenAt: Date.now() })), serverWaitMs);
    },
    goOffline() {
      disconnect();
      changed();
    },
    goOnline() {
      if (live || closed) return;
      void open(generation);
    },
    async close() {
      closed = true;
      const l = live;
      disconnect();
      listeners.clear();
      session.closed?.();
      await l?.nc.close().catch(() => {});
    },
  };
}
