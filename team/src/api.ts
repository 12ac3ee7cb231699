import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { mustGetMutator, mustGetQuery } from '@rocicorp/zero';
import { handleMutateRequest, handleQueryRequest } from '@rocicorp/zero/server';
import { zeroPostgresJS } from '@rocicorp/zero/server/adapters/postgresjs';
import postgres from 'postgres';
import { z } from 'zod';
import { natsKeySchema } from '../protocol/messages.ts';
import { accessTtlMs, refreshTtlMs, signToken, verifyPassword, verifyToken, type TokenClaims } from './auth.ts';
import { mutators } from './mutators.ts';
import { queries } from './queries.ts';
import { schema, type TeamContext } from './schema.ts';

/**
 * The team server's HTTP API: sign-in and refresh, which hand the desktop a NATS user JWT for its own
 * key in its team's account (protocol/messages.ts, signInAnswerSchema). The team in the token,
 * verified here, is the only team a request can read or write. While Zero is still being replaced,
 * the two endpoints zero-cache calls with the desktop's token (mutate, query) stay.
 */
export interface ApiOptions {
  databaseUrl: string;
  tokenKey: Buffer;
  nats: NatsSignIn;
  /** HTTPS with this certificate and key (required outside loopback, see exposure.ts). */
  tls?: { cert: Buffer; key: Buffer };
  /** Only while Zero is still in place: the address desktops use for zero-cache, returned at sign-in. */
  zeroUrl?: () => string;
  /** How long an access token (and the NATS JWT with it) lives; tests shorten it to see a refresh. */
  accessTtlMs?: number;
}

/** What sign-in needs of NATS: where desktops reach it, and a user JWT for a desktop's key. */
export interface NatsSignIn {
  url(): string;
  /** Sets the team up on first need; the JWT expires at `expiresAt`. */
  userJwt(input: { teamId: string; operatorId: string; operatorName: string; publicKey: string; expiresAt: number }): Promise<string>;
}

/** `natsKey` is the desktop's public NATS user key; only a legacy Zero desktop signs in without one. */
const loginSchema = z.object({
  login: z.string().min(1).max(200),
  password: z.string().min(1).max(1000),
  natsKey: natsKeySchema.optional(),
});
const refreshSchema = z.object({ refreshToken: z.string().min(1).max(4000), natsKey: natsKeySchema.optional() });
const maxBody = 8 * 1024 * 1024;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > maxBody) throw new Error('too large');
    chunks.push(c as Buffer);
  }
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export interface Api {
  server: Server;
  sql: postgres.Sql;
  close(): Promise<void>;
}

export function createApi(opts: ApiOptions): Api {
  const sql = postgres(opts.databaseUrl, {
    max: 8,
    onnotice: () => {},
    idle_timeout: 30,
    // A transaction left waiting on this process is ended by PostgreSQL rather than holding its locks
    // for ever: the push fails, zero-cache tells the desktop, and the desktop tries again.
    connection: { idle_in_transaction_session_timeout: 30_000 },
  });
  const db = zeroPostgresJS(schema, sql);

  function bearer(req: IncomingMessage): TeamContext | undefined {
    const h = req.headers.authorization ?? '';
    const token = h.startsWith('Bearer ') ? h.slice(7) : '';
    const claims = token ? verifyToken(opts.tokenKey, token, 'access') : undefined;
    if (!claims) return undefined;
    const ctx: TeamContext = { operatorId: claims.op, teamId: claims.team, operatorName: claims.name };
    // Only noted here: the mutator that refuses still holds its transaction (and its row locks), and
    // waiting inside it for another connection of the same pool deadlocks once the pool is full of
    // such transactions — which is how every desktop's sync stopped under load after a restart.
    // The notes are written by `writeConflicts` once the request's transactions are over.
    const noted: { id: string; subject: string; detail: Record<string, unknown>; at: number }[] = [];
    conflictsOf.set(ctx, noted);
    ctx.recordConflict = async (id, subject, detail) => {
      noted.push({ id, subject, detail, at: Date.now() });
    };
    return ctx;
  }

  const conflictsOf = new WeakMap<TeamContext, { id: string; subject: string; detail: Record<string, unknown>; at: number }[]>();

  async function writeConflicts(ctx: TeamContext) {
    for (const c of conflictsOf.get(ctx)?.splice(0) ?? [])
      await sql`insert into team_audit (id, team_id, operator_id, operator_name, kind, subject, detail, at)
        values (${c.id}, ${ctx.teamId}, ${ctx.operatorId}, ${ctx.operatorName}, 'conflict', ${c.subject}, ${sql.json(c.detail as postgres.JSONValue)}, ${c.at})
        on conflict (id) do nothing`;
  }

  async function issue(c: Omit<TokenClaims, 'kind' | 'exp'>, natsKey: string | undefined) {
    const now = Date.now();
    const expiresAt = now + (opts.accessTtlMs ?? accessTtlMs);
    const nats = natsKey
      ? {
          url: opts.nats.url(),
          jwt: await opts.nats.userJwt({ teamId: c.team, operatorId: c.op, operatorName: c.name, publicKey: natsKey, expiresAt }),
        }
      : undefined;
    return {
      token: signToken(opts.tokenKey, { ...c, kind: 'access', exp: expiresAt }),
      expiresAt,
      refreshToken: signToken(opts.tokenKey, { ...c, kind: 'refresh', exp: now + refreshTtlMs }),
      operator: { id: c.op, name: c.name, teamId: c.team },
      ...(nats ? { nats } : {}),
      ...(opts.zeroUrl ? { zeroUrl: opts.zeroUrl() } : {}),
    };
  }
  // Without Zero, a sign-in is only of use with a NATS key to sign.
  const keyMissing = (natsKey: string | undefined) => !natsKey && !opts.zeroUrl;

  async function route(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/v1/health') return send(res, 200, { ok: true });
    if (req.method !== 'POST') return send(res, 404, { error: 'not_found' });
    let body: unknown;
    try {
      body = await readJson(req);
    } catch {
      return send(res, 400, { error: 'bad_json' });
    }
    if (url.pathname === '/v1/login') {
      const input = loginSchema.safeParse(body);
      if (!input.success || keyMissing(input.data.natsKey)) return send(res, 400, { error: 'invalid' });
      const [op] = await sql<{ id: string; team_id: string; name: string; password_hash: string; disabled: boolean }[]>`
        select id, team_id, name, password_hash, disabled from team_operator where login = ${input.data.login}`;
      // The hash is computed even for an unknown login, so timing does not tell which logins exist.
      const ok = await verifyPassword(input.data.password, op?.password_hash ?? 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA');
      if (!op || !ok || op.disabled) return send(res, 401, { error: 'bad_credentials' });
      return send(res, 200, await issue({ op: op.id, team: op.team_id, name: op.name }, input.data.natsKey));
    }
    if (url.pathname === '/v1/refresh') {
      const input = refreshSchema.safeParse(body);
      if (input.success && keyMissing(input.data.natsKey)) return send(res, 400, { error: 'invalid' });
      const claims = input.success ? verifyToken(opts.tokenKey, input.data.refreshToken, 'refresh') : undefined;
      if (!claims) return send(res, 401, { error: 'bad_token' });
      const [op] = await sql<{ disabled: boolean; team_id: string }[]>`select disabled, team_id from team_operator where id = ${claims.op}`;
      if (!op || op.disabled || op.team_id !== claims.team) return send(res, 401, { error: 'bad_token' });
      return send(res, 200, await issue({ op: claims.op, team: claims.team, name: claims.name }, input.data?.natsKey));
    }
    const ctx = bearer(req);
    if (url.pathname === '/zero/mutate' || url.pathname === '/zero/query') {
      // 401 puts the Zero client in its needs-auth state: the desktop signs in again.
      if (!ctx) return send(res, 401, { error: 'bad_token' });
      if (url.pathname === '/zero/mutate') {
        const out = await handleMutateRequest({
          dbProvider: db,
          userID: ctx.operatorId,
          query: url.searchParams,
          body: body as never,
          handler: (transact) => transact((tx, name, args) => mustGetMutator(mutators, name).fn({ tx, args: args as never, ctx })),
          // A refused claim or a stale template save is an answer, not a fault: at 'info' Zero logged each
          // twice with its stack, and so did a mutation replayed after a reconnect (which it drops by design).
          logLevel: 'error',
        });
        await writeConflicts(ctx);
        return send(res, 200, out);
      }
      const out = await handleQueryRequest({
        schema,
        userID: ctx.operatorId,
        query: url.searchParams,
        body: body as never,
        handler: (name, args) => mustGetQuery(queries, name).fn({ args: args as never, ctx }),
      });
      return send(res, 200, out);
    }
    return send(res, 404, { error: 'not_found' });
  }

  const handler: RequestListener = (req, res) => {
    route(req, res).catch((e: unknown) => {
      console.error('[team-api]', e instanceof Error ? e.message : e);
      if (!res.headersSent) send(res, 500, { error: 'internal' });
      else res.end();
    });
  };
  const server: Server = opts.tls ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, handler) : createServer(handler);
  return {
    server,
    sql,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await sql.end({ timeout: 2 });
    },
  };
}
