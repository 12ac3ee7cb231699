import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import postgres from 'postgres';
import { z } from 'zod';
import { natsKeySchema } from '../protocol/messages.ts';
import { accessTtlMs, refreshTtlMs, signToken, verifyPassword, verifyToken, type TokenClaims } from './auth.ts';

/**
 * The team server's HTTP API: sign-in and refresh, which hand the desktop a NATS user JWT for its own
 * key in its team's account (protocol/messages.ts, signInAnswerSchema). The team in the token,
 * verified here, is the only team a request can read or write.
 */
export interface ApiOptions {
  databaseUrl: string;
  /** Where a request that failed inside is said, one line each (stderr unless given). */
  log?: (message: string) => void;
  tokenKey: Buffer;
  nats: NatsSignIn;
  /** HTTPS with this certificate and key (required outside loopback, see exposure.ts). */
  tls?: { cert: Buffer; key: Buffer };
  /** How long an access token (and the NATS JWT with it) lives; tests shorten it to see a refresh. */
  accessTtlMs?: number;
}

/** What sign-in needs of NATS: where desktops reach it, and a user JWT for a desktop's key. */
export interface NatsSignIn {
  url(): string;
  /** Sets the team up on first need; the JWT expires at `expiresAt`. */
  userJwt(input: { teamId: string; operatorId: string; operatorName: string; publicKey: string; expiresAt: number }): Promise<string>;
}

/** `natsKey` is the desktop's public NATS user key: a sign-in is of use only with one to sign. */
const loginSchema = z.object({
  login: z.string().min(1).max(200),
  password: z.string().min(1).max(1000),
  natsKey: natsKeySchema,
});
const refreshSchema = z.object({ refreshToken: z.string().min(1).max(4000), natsKey: natsKeySchema });
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
    // A transaction left waiting on this process is ended by PostgreSQL rather than holding its locks for ever.
    connection: { idle_in_transaction_session_timeout: 30_000 },
  });

  async function issue(c: Omit<TokenClaims, 'kind' | 'exp'>, natsKey: string) {
    const now = Date.now();
    const expiresAt = now + (opts.accessTtlMs ?? accessTtlMs);
    return {
      token: signToken(opts.tokenKey, { ...c, kind: 'access', exp: expiresAt }),
      expiresAt,
      refreshToken: signToken(opts.tokenKey, { ...c, kind: 'refresh', exp: now + refreshTtlMs }),
      operator: { id: c.op, name: c.name, teamId: c.team },
      nats: {
        url: opts.nats.url(),
        jwt: await opts.nats.userJwt({ teamId: c.team, operatorId: c.op, operatorName: c.name, publicKey: natsKey, expiresAt }),
      },
    };
  }

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
      if (!input.success) return send(res, 400, { error: 'invalid' });
      const [op] = await sql<{ id: string; team_id: string; name: string; password_hash: string; disabled: boolean }[]>`
        select id, team_id, name, password_hash, disabled from team_operator where login = ${input.data.login}`;
      // The hash is computed even for an unknown login, so timing does not tell which logins exist.
      const ok = await verifyPassword(input.data.password, op?.password_hash ?? 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA');
      if (!op || !ok || op.disabled) return send(res, 401, { error: 'bad_credentials' });
      return send(res, 200, await issue({ op: op.id, team: op.team_id, name: op.name }, input.data.natsKey));
    }
    if (url.pathname === '/v1/refresh') {
      const input = refreshSchema.safeParse(body);
      if (!input.success) return send(res, 400, { error: 'invalid' });
      const claims = verifyToken(opts.tokenKey, input.data.refreshToken, 'refresh');
      if (!claims) return send(res, 401, { error: 'bad_token' });
      const [op] = await sql<{ disabled: boolean; team_id: string }[]>`select disabled, team_id from team_operator where id = ${claims.op}`;
      if (!op || op.disabled || op.team_id !== claims.team) return send(res, 401, { error: 'bad_token' });
      return send(res, 200, await issue({ op: claims.op, team: claims.team, name: claims.name }, input.data.natsKey));
    }
    return send(res, 404, { error: 'not_found' });
  }

  const handler: RequestListener = (req, res) => {
    route(req, res).catch((e: unknown) => {
      (opts.log ?? console.error)(`[team-api] ${e instanceof Error ? e.message : String(e)}`);
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
