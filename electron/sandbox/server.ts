import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the simulator received it, kept for test assertions. */
export interface ReceivedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
  at: number;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string or bytes as they are. */
  body?: unknown;
}

/**
 * A fault a test injects for the next matching request(s). Faults are consumed in order;
 * `times` repeats one (default 1). The request is always read in full first, so
 * `dropAfterBody` models "the provider got the body and the connection died".
 */
export interface Fault {
  /** Only requests whose path contains this string consume the fault. */
  path?: string;
  times?: number;
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  delayMs?: number;
  dropAfterBody?: boolean;
  /** Drop the connection after the body was read, but still act on the request (it "arrived"). */
  acceptThenDrop?: boolean;
  /** Act on the request, then answer this status instead (a gateway's 5xx after the backend did the work). */
  statusAfterProcessing?: number;
  malformed?: boolean;
  html?: boolean;
  hugeBytes?: number;
  /**
   * Answer `status` as soon as the headers are in, while the client is still sending the body, and
   * read the rest of the body away so the client can finish writing and read the answer: what a
   * front server does with a request over its size limit (nginx's 413 after `Content-Length`).
   */
  answerBeforeBody?: boolean;
}

export type Handler = (req: ReceivedRequest, params: Record<string, string>) => SimResponse | Promise<SimResponse>;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

/** Bodies above this are refused before they are buffered (real APIs cap requests too). */
const MAX_BODY = 80 * 1024 * 1024;

/**
 * How long an idle kept-alive connection stays open: nginx's default `keepalive_timeout`, far above
 * the 5 s Node's server would use. Node's fetch keeps an idle connection for the server's
 * `Keep-Alive: timeout` less 2 s, but counts that on a clock that advances by ticks of the event
 * loop, so in a process starved of CPU it keeps the connection long after 5 s of wall time. It
 * then wrote its next request onto a connection whose idle timer (wall time) fired before the
 * server read a byte of it, and the server's close reset the upload: the 70 MB test's ECONNRESET
 * under a load average of 30. Closing an idle connection is the client's call here, as it is
 * the side that knows when it will write again.
 */
const IDLE_CONNECTION_MS = 75_000;

/** How much of what arrived a server keeps: the last `requests` requests, each body cut at `bodyBytes`. */
export interface RecordLimits {
  requests: number;
  bodyBytes: number;
}

/** Enough for any test to read back what it sent; a long-running sandbox asks for less. */
export const DEFAULT_RECORD_LIMITS: RecordLimits = { requests: 1000, bodyBytes: 8 * 1024 * 1024 };

/**
 * A strict loopback HTTP server that a provider simulator is built on: routes, a record of
 * every request, and fault injection. Listens on 127.0.0.1 only.
 */
export class SimServer {
  /** The last requests that arrived, oldest first (a ring of `limits.requests`); bodies cut at `limits.bodyBytes`. */
  readonly received: ReceivedRequest[] = [];
  private limits: RecordLimits = DEFAULT_RECORD_LIMITS;
  private readonly routes: Route[] = [];
  private faults: Fault[] = [];
  /** Consulted for every request the queue has no fault for: a test's own fault plan (random mixes). */
  chooseFault: ((req: ReceivedRequest) => Fault | undefined) | undefined;
  /** Which fault (if any) each received request met, index for index with `received`. */
  readonly faultsMet: (Fault | undefined)[] = [];
  private server: Server | undefined;
  private url = '';
  /**
   * A provider's own cap on a request: a body over it is drained, not kept (a 70 MB refusal must not
   * cost the test process 70 MB per copy), and answered by `refuse` without reaching a route.
   */
  bodyLimit: { bytes: number; refuse: () => SimResponse } | undefined;

  /** Keeps at most this much of what arrives from now on. */
  keepAtMost(limits: RecordLimits): void {
    this.limits = limits;
    this.trim();
  }

  private trim(): void {
    const excess = this.received.length - this.limits.requests;
    if (excess > 0) {
      this.received.splice(0, excess);
      this.faultsMet.splice(0, excess);
    }
  }

  /** The record of a request: the handler still reads the whole body, the record keeps its head. */
  private remember(req: ReceivedRequest): void {
    const body = req.body.byteLength > this.limits.bodyBytes ? Buffer.from(req.body.subarray(0, this.limits.bodyBytes)) : req.body;
    this.received.push(body === req.body ? req : { ...req, body });
  }

  route(method: string, path: string, handler: Handler): void {
    const keys: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{(\w+)\\?\}|:(\w+)/g, (_m, a: string, b: string) => {
        keys.push(a ?? b);
        return '([^/]+)';
      })}$`,
    );
    this.routes.push({ method, pattern, keys, handler });
  }

  inject(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  clearFaults(): void {
    this.faults = [];
  }

  get baseUrl(): string {
    if (!this.url) throw new Error('simulator is not started');
    return this.url;
  }

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = IDLE_CONNECTION_MS;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    const { port: actual } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${actual}`;
    return this.url;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private takeEarlyFault(req: IncomingMessage): Fault | undefined {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const next = this.faults.find((f) => !f.path || path.includes(f.path));
    return next?.answerBeforeBody ? this.takeFault(path) : undefined;
  }

  /** The request is recorded without its body: the answer went out before the body arrived. */
  private answerBeforeBody(req: IncomingMessage, res: ServerResponse, fault: Fault): void {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    this.remember({
      method: req.method ?? 'GET',
      path: u.pathname,
      query: u.searchParams,
      headers: req.headers,
      body: Buffer.alloc(0),
      at: Date.now(),
    });
    this.faultsMet.push(fault);
    this.trim();
    send(res, { status: fault.status ?? 413, headers: fault.headers ?? {}, body: fault.body ?? '' });
    // Read away, not kept: a refused body may be as large as the client likes.
    req.resume();
  }

  private takeFault(path: string): Fault | undefined {
    const i = this.faults.findIndex((f) => !f.path || path.includes(f.path));
    if (i < 0) return undefined;
    const f = this.faults[i]!;
    if (f.times && f.times > 1) this.faults[i] = { ...f, times: f.times - 1 };
    else this.faults.splice(i, 1);
    return f;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const early = this.takeEarlyFault(req);
    if (early) return this.answerBeforeBody(req, res, early);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    const cap = Math.min(MAX_BODY, this.bodyLimit?.bytes ?? MAX_BODY);
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > cap) {
          tooBig = true;
          chunks.length = 0;
        } else chunks.push(chunk);
      }
    } catch {
      // The client went away mid-body (a killed host): the request never arrived whole.
      return;
    }
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const received: ReceivedRequest = {
      method: req.method ?? 'GET',
      path: u.pathname,
      query: u.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks),
      at: Date.now(),
    };
    this.remember(received);
    if (tooBig) {
      this.faultsMet.push(undefined);
      this.trim();
    }
    if (tooBig)
      return send(
        res,
        this.bodyLimit?.refuse() ?? { status: 413, body: 'Request Entity Too Large', headers: { 'content-type': 'text/plain' } },
      );

    const fault = this.takeFault(u.pathname) ?? this.chooseFault?.(received);
    this.faultsMet.push(fault);
    this.trim();
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.dropAfterBody) return void res.socket?.destroy();
    if (fault?.html)
      return send(res, {
        status: fault.status ?? 502,
        headers: { 'content-type': 'text/html' },
        body: '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>',
      });
    if (fault?.malformed)
      return send(res, { status: fault.status ?? 200, headers: { 'content-type': 'application/json' }, body: '{"messages": [ {"id": ' });
    if (fault?.hugeBytes)
      return send(res, {
        status: fault.status ?? 500,
        headers: { 'content-type': 'application/json' },
        body: Buffer.alloc(fault.hugeBytes, 0x61),
      });
    if (fault && fault.status !== undefined && !fault.acceptThenDrop)
      return send(res, { status: fault.status, headers: fault.headers ?? {}, body: fault.body ?? '' });

    const route = this.routes.find((r) => r.method === received.method && r.pattern.test(u.pathname));
    let answer: SimResponse;
    if (!route) answer = { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' };
    else {
      const m = route.pattern.exec(u.pathname)!;
      const params = Object.fromEntries(route.keys.map((k, i) => [k, decodeURIComponent(m[i + 1] ?? '')]));
      try {
        answer = await route.handler(received, params);
      } catch (e) {
        answer = { status: 500, headers: { 'content-type': 'text/plain' }, body: `simulator error: ${(e as Error).message}` };
      }
    }
    if (fault?.acceptThenDrop) return void res.socket?.destroy();
    if (fault?.statusAfterProcessing)
      return send(res, { status: fault.statusAfterProcessing, headers: { 'content-type': 'text/plain' }, body: 'Bad Gateway' });
    send(res, answer);
  }
}

function send(res: ServerResponse, r: SimResponse): void {
  const headers: Record<string, string> = { ...r.headers };
  let payload: string | Buffer = '';
  if (Buffer.isBuffer(r.body) || typeof r.body === 'string') payload = r.body;
  else if (r.body !== undefined) {
    payload = JSON.stringify(r.body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  res.writeHead(r.status, headers);
  res.end(payload);
}

/** Helpers the provider simulators share for strict checks. */
export function header(req: ReceivedRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function mediaType(req: ReceivedRequest): string {
  return (header(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

export function jsonBody(req: ReceivedRequest): unknown {
  try {
    return JSON.parse(req.body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
