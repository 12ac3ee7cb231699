import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { events as contractEvents, preloadOnlyChannels, type EventName, type Reply } from '../../shared/contract.ts';
import { OperatorError, sendError } from '../../shared/operator-error.ts';
import type { Host } from '../host.ts';
import { PAYLOAD_CAP, payloadTooLarge } from '../payload-cap.ts';
import { contentSecurityPolicy } from '../security.ts';

/**
 * The browser harness's loopback bridge: the built renderer's files, `POST /rpc/<channel>` for
 * the contract's calls, `POST /upload` for dropped files and one event stream, all behind a
 * random token and bound to 127.0.0.1. A development and test tool: the packaged app never
 * contains it.
 */
export interface Bridge {
  url: string;
  token: string;
  server: Server;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: IncomingMessage, name: string): string {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === name && v && /^[A-Za-z0-9_-]+$/.test(v)) return v;
  }
  return '';
}

/** A percent-decoded path segment, or `undefined` for a malformed escape (answered 400, not a crash). */
function decoded(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export async function startBridge(host: Host, opts: { staticDir: string; port?: number; token?: string }): Promise<Bridge> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  /*
   * Where the token cookie may go. Cookies ignore ports (RFC 6265 §8.5): a plain `Path=/` cookie
   * from 127.0.0.1:5180 rides along to every other server on 127.0.0.1. `__Host-` or `Secure`
   * would need https, which a loopback harness does not have. So everything the harness serves
   * lives under a random path prefix chosen per start, and the cookie is scoped to that Path: the
   * browser attaches it only to requests under this secret prefix, which no other local port's
   * pages use or can learn (another origin cannot read this page or its URL). The cookie's name
   * carries the port too, so two harnesses on one machine never overwrite each other's token.
   */
  const scope = `/h/${randomBytes(12).toString('base64url')}/`;
  const root = normalize(opts.staticDir);
  let origin = '';
  const streams = new Set<ServerResponse>();

  const unsubscribes = (Object.keys(contractEvents) as EventName[]).map((name) =>
    host.on(name, (payload) => {
      const frame = `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;
      for (const s of streams) s.write(frame);
    }),
  );

  async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const rel = pathname === '/' ? 'index.html' : decoded(pathname.slice(1));
    if (rel === undefined) return json(res, 400, { error: 'malformed URL' });
    const file = normalize(join(root, rel));
    if (!file.startsWith(root + sep)) return json(res, 404, { error: 'not found' });
    const info = await stat(file).catch(() => undefined);
    const target = info?.isFile() ? file : join(root, 'index.html');
    const headers: Record<string, string> = {
      'content-type': TYPES[extname(target)] ?? 'application/octet-stream',
      'x-content-type-options': 'nosniff',
      'cache-control': target.endsWith('index.html') ? 'no-store' : 'public, max-age=31536000, immutable',
    };
    if (target.endsWith('.html')) {
      headers['content-security-policy'] = contentSecurityPolicy({ connectSelf: true });
      headers['x-frame-options'] = 'DENY';
    }
    res.writeHead(200, headers);
    createReadStream(target).pipe(res);
    void req;
  }

  const refusal = payloadTooLarge();
  async function readBody(req: IncomingMessage): Promise<string> {
    if (Number(req.headers['content-length'] ?? 0) > PAYLOAD_CAP) throw new OperatorError(refusal.error);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req as AsyncIterable<Buffer>) {
      size += c.length;
      // Counted as it arrives, before a byte is parsed: the same cap main applies to IPC.
      if (size > PAYLOAD_CAP) throw new OperatorError(refusal.error);
      chunks.push(c);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  const server = createServer((req, res) => {
    void (async () => {
      const u = URL.parse(req.url ?? '/', 'http://127.0.0.1');
      if (!u) return json(res, 400, { error: 'malformed URL' });
      // A page on another origin that resolves to 127.0.0.1 (DNS rebinding) is turned away.
      if (req.headers.host !== new URL(origin).host) return json(res, 421, { error: 'wrong host' });
      if (!u.pathname.startsWith(scope)) return json(res, 404, { error: 'not found' });
      const pathname = u.pathname.slice(scope.length - 1);
      const cookieName = `op_token_${new URL(origin).port}`;
      const queryToken = u.searchParams.get('token');
      if (queryToken && same(queryToken, token) && req.method === 'GET' && !pathname.startsWith('/rpc/')) {
        res.setHeader('set-cookie', `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=${scope}`);
      } else if (!same(cookieToken(req, cookieName), token)) {
        return json(res, 401, { error: 'The harness token is missing; open the URL printed by `npm run web`.' });
      }

      if (req.method === 'POST' && pathname.startsWith('/rpc/')) {
        // The cookie alone could ride along on a cross-site form; the header cannot.
        if (req.headers['x-operator'] !== '1') return json(res, 403, { error: 'missing x-operator header' });
        let input: unknown;
        try {
          const text = await readBody(req);
          input = text ? (JSON.parse(text) as unknown) : undefined;
        } catch (e) {
          // The rest of an oversized body is read and dropped, so the client hears the answer.
          req.resume();
          const error =
            e instanceof OperatorError ? e.error : sendError('invalid', 'The request body is not JSON.', { reason: 'bad_json' });
          return json(res, 200, { ok: false, error } satisfies Reply);
        }
        const channel = decoded(pathname.slice('/rpc/'.length));
        if (channel === undefined) return json(res, 400, { error: 'malformed URL' });
        if (preloadOnlyChannels.has(channel))
          return json(res, 200, {
            ok: false,
            error: sendError('forbidden', 'This call is not available to the page.', { reason: 'preload_only' }),
          } satisfies Reply);
        return json(res, 200, await host.dispatch(channel, input));
      }
      if (req.method === 'POST' && pathname === '/upload') {
        if (req.headers['x-operator'] !== '1') return json(res, 403, { error: 'missing x-operator header' });
        const name = (u.searchParams.get('name') ?? '').slice(0, 255) || 'file';
        const size = Number(req.headers['content-length'] ?? 0);
        try {
          const handle = await host.files.adopt(req as AsyncIterable<Uint8Array>, name, size);
          return json(res, 200, { ok: true, value: handle } satisfies Reply);
        } catch (e) {
          req.resume();
          const error =
            e instanceof OperatorError ? e.error : sendError('invalid', 'The file could not be stored.', { reason: 'file_unreadable' });
          return json(res, 200, { ok: false, error } satisfies Reply);
        }
      }
      if (req.method === 'GET' && pathname === '/events') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        res.write(': connected\n\n');
        streams.add(res);
        req.on('close', () => streams.delete(res));
        return;
      }
      if (req.method === 'GET') return serveStatic(req, res, pathname);
      return json(res, 405, { error: 'method not allowed' });
    })().catch((e: unknown) => {
      console.error('[bridge]', e);
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}${scope}?token=${token}`,
    token,
    server,
    async close() {
      for (const u of unsubscribes) u();
      for (const s of streams) s.end();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
