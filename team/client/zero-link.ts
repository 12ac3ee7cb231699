import { Zero, type TypedView } from '@rocicorp/zero';
import { z } from 'zod';
import type {
  ClaimResult,
  PushResult,
  TeamLink,
  TeamLinkFactory,
  TeamSendRow,
  TeamTrailEntry,
  TeamView,
  TemplateDeleteResult,
  TemplateSaveResult,
} from '../../electron/team/link.ts';
import { sendPreviewSchema } from '../../shared/send-labels-schema.ts';
import { mutators } from '../src/mutators.ts';
import { queries } from '../src/queries.ts';
import { schema, type TeamContext } from '../src/schema.ts';

/**
 * The desktop's side of Zero, run in the main process (Node): a Zero client with an in-memory
 * store, the team's synced queries materialised, and the custom mutators. What comes back from the
 * server is parsed here, at the edge, before the desktop sees it.
 */
const signIn = z.object({
  token: z.string(),
  expiresAt: z.number(),
  refreshToken: z.string(),
  operator: z.object({ id: z.string(), name: z.string(), teamId: z.string() }),
  zeroUrl: z.string(),
});
type SignIn = z.infer<typeof signIn>;

const appError = z.object({
  type: z.literal('error'),
  error: z.object({ type: z.string(), message: z.string().optional(), details: z.unknown().optional() }),
});
const claimedDetails = z.object({ reason: z.literal('claimed'), by: z.string(), since: z.number() });
const staleDetails = z.object({
  reason: z.literal('stale'),
  version: z.number(),
  body: z.string(),
  name: z.string(),
  by: z.string(),
  deleted: z.boolean().optional(),
});
const conflictOf = (d: z.infer<typeof staleDetails>) => ({
  version: d.version,
  body: d.body,
  name: d.name,
  by: d.by,
  ...(d.deleted ? { deleted: true as const } : {}),
});

async function post(server: string, path: string, body: unknown): Promise<SignIn> {
  const r = await fetch(new URL(path, server), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    // Sign-in hashes the password with scrypt: on a busy server that can take seconds.
    signal: AbortSignal.timeout(60_000),
  });
  if (r.status === 401) throw new Error('team_bad_credentials');
  if (!r.ok) throw new Error(`team_server_${r.status}`);
  return signIn.parse(await r.json());
}

const sendRowSchema = z.object({
  id: z.string(),
  provider: z.string(),
  account: z.string(),
  chat: z.string(),
  recipient: z.string(),
  preview: z.string(),
  // A preview a newer desktop shaped differently is read from the text instead (handlers.ts).
  previewData: sendPreviewSchema.nullish().catch(undefined),
  status: z.string(),
  providerMessageId: z.string().nullish(),
  createdAt: z.number(),
  updatedAt: z.number(),
  operatorId: z.string(),
  operatorName: z.string(),
  syncedAt: z.number(),
});
const claimSchema = z.object({
  chat: z.string(),
  operatorId: z.string(),
  operatorName: z.string(),
  claimedAt: z.number(),
  expiresAt: z.number(),
});
const templateSchema = z.object({
  id: z.string(),
  name: z.string(),
  body: z.string(),
  version: z.number(),
  updatedBy: z.string(),
  updatedAt: z.number(),
});
const presenceSchema = z.object({ id: z.string(), operatorName: z.string(), seenAt: z.number() });
const trailSchema = z.object({
  kind: z.enum(['send', 'status']),
  operatorName: z.string(),
  detail: z.object({ status: z.string() }).catch({ status: '' }),
  at: z.number(),
});
const auditSchema = z.object({
  id: z.string(),
  kind: z.string(),
  subject: z.string(),
  operatorName: z.string(),
  detail: z.record(z.string(), z.unknown()).catch({}),
  at: z.number(),
});

/**
 * A view's rows, parsed at the edge, each row object once. Zero keeps an unchanged row's object from
 * one snapshot to the next (its views are path-copied), so a change costs the rows it changed, not the
 * whole view: re-parsing the 2000 newest sends on every change, on every desktop, was most of what
 * the simulated desktops spent.
 */
function parsedRows<S extends z.ZodType, T>(rowSchema: S, shape: (row: z.output<S>) => T): (rows: readonly unknown[]) => T[] {
  const seen = new WeakMap<object, T>();
  return (rows) =>
    rows.map((row) => {
      if (typeof row !== 'object' || row === null) return shape(rowSchema.parse(row));
      let out = seen.get(row);
      if (out === undefined) {
        out = shape(rowSchema.parse(row));
        seen.set(row, out);
      }
      return out;
    });
}

/** How long a write may wait for the server before the desktop's journal keeps it for later. */
const serverWaitMs = 20_000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let t: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([p, new Promise<'timeout'>((r) => (t = setTimeout(() => r('timeout'), ms)))]).finally(() => clearTimeout(t));
}

export interface ZeroLinkOptions {
  /** Where to reach zero-cache, given the address the sign-in named (the simulation routes some desktops through a faulty relay). */
  cacheUrlOf?: (zeroUrl: string) => string;
}

export function zeroLinkFactory(opts: ZeroLinkOptions = {}): TeamLinkFactory {
  return (server, credentials) => connect(server, credentials, opts);
}

export const connectZeroLink: TeamLinkFactory = zeroLinkFactory();

async function connect(server: string, credentials: Parameters<TeamLinkFactory>[1], opts: ZeroLinkOptions): Promise<TeamLink> {
  let session = 'password' in credentials ? await post(server, '/v1/login', credentials) : await post(server, '/v1/refresh', credentials);
  const ctx: TeamContext = { operatorId: session.operator.id, operatorName: session.operator.name, teamId: session.operator.teamId };
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of listeners) l();
  };
  let view: TeamView = { sends: [], claims: [], templates: [], presence: [], conflicts: [] };
  let zero: Zero<typeof schema> | undefined;
  let connected = false;
  const cleanups: (() => void)[] = [];

  function open() {
    const zr = new Zero({
      cacheURL: opts.cacheUrlOf ? opts.cacheUrlOf(session.zeroUrl) : session.zeroUrl,
      userID: ctx.operatorId,
      auth: session.token,
      schema,
      mutators,
      context: ctx,
      kvStore: 'mem',
      logLevel: 'error',
      logSink: { log: () => {} },
      // No page to reload in the main process: a lost client state means a fresh client.
      onUpdateNeeded: () => {},
      onClientStateNotFound: () => {
        close();
        open();
      },
    });
    zero = zr;
    const watch = <T extends readonly unknown[]>(v: TypedView<T>, apply: (rows: readonly unknown[]) => void) => {
      v.addListener((rows) => {
        apply(rows);
        notify();
      });
      cleanups.push(() => v.destroy());
    };
    const sends = parsedRows(sendRowSchema, ({ providerMessageId, previewData, ...r }) => ({
      ...r,
      ...(providerMessageId ? { providerMessageId } : {}),
      ...(previewData ? { previewData } : {}),
    }));
    const claims = parsedRows(claimSchema, (c) => c);
    const templates = parsedRows(templateSchema, (t) => t);
    const presence = parsedRows(presenceSchema, (p) => ({ operatorId: p.id, operatorName: p.operatorName, seenAt: p.seenAt }));
    const conflicts = parsedRows(auditSchema, (c) => c);
    watch(zr.materialize(queries.recentSends({ limit: 2000 })), (rows) => {
      view = { ...view, sends: sends(rows) };
    });
    watch(zr.materialize(queries.claims()), (rows) => {
      view = { ...view, claims: claims(rows) };
    });
    watch(zr.materialize(queries.templates()), (rows) => {
      view = { ...view, templates: templates(rows) };
    });
    watch(zr.materialize(queries.presence()), (rows) => {
      view = { ...view, presence: presence(rows) };
    });
    watch(zr.materialize(queries.conflicts()), (rows) => {
      view = { ...view, conflicts: conflicts(rows) };
    });
    cleanups.push(
      zr.connection.state.subscribe((state) => {
        connected = state.name === 'connected';
        if (state.name === 'needs-auth') void reauth();
        // After a long outage (a restarted zero-cache can take a minute to come back) the client
        // stops trying on its own; the desktop keeps knocking.
        if (state.name === 'disconnected' || state.name === 'error') retryConnect(zr);
        notify();
      }),
    );
  }

  let retry: ReturnType<typeof setTimeout> | undefined;
  function retryConnect(zr: Zero<typeof schema>) {
    if (retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      if (zero === zr && !connected) void zr.connection.connect().catch(() => retryConnect(zr));
    }, 2_000);
  }

  async function reauth() {
    try {
      session = await post(server, '/v1/refresh', { refreshToken: session.refreshToken });
      await zero?.connection.connect({ auth: session.token });
    } catch {
      // Stays offline; the next needs-auth or goOnline tries again.
    }
  }

  function close() {
    if (retry) clearTimeout(retry);
    retry = undefined;
    for (const c of cleanups.splice(0)) c();
    const z0 = zero;
    zero = undefined;
    connected = false;
    void z0?.close();
  }

  /**
   * Writes Zero still holds, by key: a write that outlived its wait stays queued in the client and is
   * replayed by it on reconnect, so asking again joins that write instead of queueing a copy. Without
   * this, every retry of a slow drain added the whole batch again, and a server slowed by a restart
   * fell further behind with each round.
   */
  const inFlight = new Map<string, { zero: Zero<typeof schema>; server: Promise<unknown> }>();

  async function serverCall(
    run: (zr: Zero<typeof schema>) => { server: Promise<unknown> },
    key?: string,
  ): Promise<{ ok: true } | { ok: false; details: unknown; message: string } | 'unreachable'> {
    if (!zero || !connected) return 'unreachable';
    const zr = zero;
    let pending = key ? inFlight.get(key) : undefined;
    if (!pending || pending.zero !== zr) {
      const p = { zero: zr, server: run(zr).server };
      if (key) {
        inFlight.set(key, p);
        void p.server.finally(() => {
          if (inFlight.get(key) === p) inFlight.delete(key);
        });
      }
      pending = p;
    }
    const out = await withTimeout(pending.server, serverWaitMs);
    if (out === 'timeout') return 'unreachable';
    const err = appError.safeParse(out);
    if (!err.success) return { ok: true };
    // Only the server's own refusal ('app') is an answer; a 'zero' error means the client closed or
    // lost the connection before hearing one, and the write is tried again like any unreachable one.
    if (err.data.error.type !== 'app') return 'unreachable';
    return { ok: false, details: err.data.error.details, message: err.data.error.message ?? err.data.error.type };
  }

  /**
   * Zero settles a write whose answer was lost with the connection as a success once the reconnected
   * server's last mutation id covers it — even when the server refused it. For a claim or a template
   * save the view is the evidence: it is waited for (briefly) and believed over that success.
   */
  async function confirmed<T>(read: () => T | undefined, ms = 5_000): Promise<T | undefined> {
    const until = Date.now() + ms;
    for (;;) {
      const v = read();
      if (v !== undefined || Date.now() > until) return v;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  open();

  const link: TeamLink = {
    operator: session.operator,
    get refreshToken() {
      return session.refreshToken;
    },
    online: () => connected,
    view: () => view,
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    async pushSend(row: TeamSendRow): Promise<PushResult> {
      const r = await serverCall((zr) => zr.mutate(mutators.sends.upsert(row)), `send:${row.id}@${row.updatedAt}:${row.status}`);
      if (r === 'unreachable') return { ok: false, retry: true, reason: 'unreachable' };
      return r.ok ? r : { ok: false, retry: false, reason: r.message };
    },
    async claim(chat, ttlMs, offlineAt): Promise<ClaimResult> {
      const r = await serverCall((zr) =>
        zr.mutate(mutators.claims.take({ chat, ttlMs, ...(offlineAt !== undefined ? { offlineAt } : {}) })),
      );
      if (r === 'unreachable') throw new Error('team_unreachable');
      if (r.ok) {
        const mine = await confirmed(() => view.claims.find((c) => c.chat === chat && c.operatorId === ctx.operatorId));
        const other = mine ? undefined : view.claims.find((c) => c.chat === chat && c.expiresAt > Date.now());
        if (other) return { ok: false, by: other.operatorName, since: other.claimedAt };
        return r;
      }
      const d = claimedDetails.safeParse(r.details);
      return { ok: false, by: d.success ? d.data.by : '', since: d.success ? d.data.since : 0 };
    },
    async release(chat) {
      await serverCall((zr) => zr.mutate(mutators.claims.release({ chat })));
    },
    async saveTemplate(t): Promise<TemplateSaveResult> {
      const r = await serverCall((zr) => zr.mutate(mutators.templates.save(t)));
      if (r === 'unreachable') return { ok: false, offline: true };
      if (r.ok) {
        const row = await confirmed(() => view.templates.find((x) => x.id === t.id && x.version > t.baseVersion));
        if (row && row.version === t.baseVersion + 1 && (row.body !== t.body || row.name !== t.name))
          return { ok: false, conflict: { version: row.version, body: row.body, name: row.name, by: row.updatedBy } };
        return { ok: true, version: t.baseVersion + 1 };
      }
      const d = staleDetails.safeParse(r.details);
      if (!d.success) throw new Error(r.message);
      return { ok: false, conflict: conflictOf(d.data) };
    },
    async deleteTemplate(t): Promise<TemplateDeleteResult> {
      const r = await serverCall((zr) => zr.mutate(mutators.templates.delete(t)));
      if (r === 'unreachable') return { ok: false, offline: true };
      if (r.ok) {
        // A refusal whose answer was lost with the connection settles as a success: the view tells.
        const row = await confirmed(() => {
          const found = view.templates.find((x) => x.id === t.id);
          return found === undefined ? null : found.version > t.baseVersion ? found : undefined;
        });
        if (row) return { ok: false, conflict: { version: row.version, body: row.body, name: row.name, by: row.updatedBy } };
        return { ok: true };
      }
      const d = staleDetails.safeParse(r.details);
      if (!d.success) throw new Error(r.message);
      return { ok: false, conflict: conflictOf(d.data) };
    },
    async sendTrail(id): Promise<TeamTrailEntry[]> {
      const zr = zero;
      if (!zr) return [];
      const q = queries.sendTrail({ id });
      // Fresh from the server when connected; what this client holds otherwise.
      const rows = connected ? await withTimeout(zr.run(q, { type: 'complete' }), serverWaitMs) : await zr.run(q);
      const got = rows === 'timeout' ? await zr.run(q) : rows;
      return z
        .array(trailSchema)
        .parse(got)
        .map((e) => ({ kind: e.kind, status: e.detail.status, operatorName: e.operatorName, at: e.at }));
    },
    async beat() {
      await serverCall((zr) => zr.mutate(mutators.presence.beat()));
    },
    goOffline() {
      close();
      notify();
    },
    goOnline() {
      if (!zero) open();
    },
    async close() {
      close();
      listeners.clear();
    },
  };
  return link;
}
