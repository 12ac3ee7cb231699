import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testHost } from '../testing/host-fixture.ts';
import { PAYLOAD_CAP } from '../payload-cap.ts';
import { startBridge, type Bridge } from './bridge.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request, so the test can send what a browser would refuse to (a foreign Host, no cookie). */
function send(
  bridge: Bridge,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const { port } = new URL(bridge.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: { host: `127.0.0.1:${port}`, ...opts.headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('the browser harness bridge', () => {
  let host: Awaited<ReturnType<typeof testHost>>;
  let bridge: Bridge;
  let dir: string;
  let cookie: string;
  let scope: string;
  /** A path inside the harness's own prefix. */
  const at = (path: string) => `${scope}${path.replace(/^\//, '')}`;
  const rpc = (channel: string, body?: unknown, headers: Record<string, string> = {}) =>
    send(bridge, at(`/rpc/${channel}`), {
      method: 'POST',
      headers: { cookie, 'x-operator': '1', 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-'));
    mkdirSync(join(dir, 'dist', 'assets'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(dir, 'dist', 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), 'outside the renderer');
    host = await testHost();
    bridge = await startBridge(host, { staticDir: join(dir, 'dist') });
    scope = new URL(bridge.url).pathname;
    const first = await send(bridge, at(`/?token=${bridge.token}`));
    cookie = String(first.headers['set-cookie']).split(';')[0]!;
  });
  afterAll(async () => {
    await bridge.close();
    await host.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands the token over once as an HttpOnly, same-site cookie, with the page’s security policy', async () => {
    const first = await send(bridge, at(`/?token=${bridge.token}`));
    expect(first.status).toBe(200);
    expect(String(first.headers['set-cookie'])).toMatch(/^op_token_\d+=[\w-]+; HttpOnly; SameSite=Strict; Path=\/h\/[\w-]{16}\/$/);
    expect(first.headers['content-security-policy']).toContain("script-src 'self'");
    expect(first.headers['x-frame-options']).toBe('DENY');
  });

  it('turns away every request without the token, and a token in the URL of a call', async () => {
    expect((await send(bridge, at('/'))).status).toBe(401);
    expect((await send(bridge, at('/rpc/app.info'), { method: 'POST', headers: { 'x-operator': '1' } })).status).toBe(401);
    expect((await send(bridge, at(`/rpc/app.info?token=${bridge.token}`), { method: 'POST', headers: { 'x-operator': '1' } })).status).toBe(
      401,
    );
    expect((await send(bridge, at('/'), { headers: { cookie: `op_token_${new URL(bridge.url).port}=not-the-token` } })).status).toBe(401);
  });

  it('turns away a page on another host name that resolves here (DNS rebinding)', async () => {
    const { port } = new URL(bridge.url);
    expect(
      (await send(bridge, at('/rpc/app.info'), { method: 'POST', headers: { cookie, 'x-operator': '1', host: `evil.example:${port}` } }))
        .status,
    ).toBe(421);
  });

  it('answers a call only with the header a cross-site form cannot send', async () => {
    expect((await send(bridge, at('/rpc/app.info'), { method: 'POST', headers: { cookie } })).status).toBe(403);
    expect(JSON.parse((await rpc('app.info')).body)).toMatchObject({ ok: true, value: { version: '0.0.0-test' } });
  });

  it('never lets the page register a file by path', async () => {
    expect(JSON.parse((await rpc('files.register', { path: join(dir, 'secret.txt') })).body)).toMatchObject({
      ok: false,
      error: { kind: 'forbidden', reason: 'preload_only' },
    });
  });

  it('serves the renderer’s files and nothing outside them', async () => {
    expect((await send(bridge, at('/assets/app.js'), { headers: { cookie } })).body).toBe('console.log(1)');
    for (const path of ['/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e/secret.txt', '/..%2f..%2f..%2fsecret.txt']) {
      const answer = await send(bridge, at(path), { headers: { cookie } });
      expect(answer.body, path).not.toContain('outside the renderer');
    }
  });

  it('refuses a call body over the payload cap (an 8 MB word) and malformed JSON with a reply, not a crash', async () => {
    expect(
      JSON.parse(
        (
          await send(bridge, at('/rpc/templates.save'), {
            method: 'POST',
            headers: { cookie, 'x-operator': '1' },
            body: JSON.stringify({ name: 'big', body: 'x'.repeat(8 * 1024 * 1024) }),
          })
        ).body,
      ),
    ).toMatchObject({ ok: false, error: { kind: 'too_large', reason: 'request_too_large', limit: PAYLOAD_CAP } });
    expect(JSON.parse((await rpc('templates.list')).body)).toEqual({ ok: true, value: [] });
    expect(
      JSON.parse(
        (await send(bridge, at('/rpc/templates.save'), { method: 'POST', headers: { cookie, 'x-operator': '1' }, body: '{not json' })).body,
      ),
    ).toMatchObject({ ok: false, error: { reason: 'bad_json' } });
    expect(JSON.parse((await rpc('app.info')).body)).toMatchObject({ ok: true });
  });
  it('scopes its cookie to a secret path of its own, so other servers on 127.0.0.1 never receive it', async () => {
    const setCookie = String((await send(bridge, at(`/?token=${bridge.token}`))).headers['set-cookie']);
    const path = /Path=([^;]+)/.exec(setCookie)?.[1];
    // A browser sends a cookie only to paths under its Path (RFC 6265 §5.1.4), on any port: the
    // Path is this start's random prefix, which nothing outside this harness's own URLs contains.
    expect(path).toBe(scope);
    expect(scope).toMatch(/^\/h\/[\w-]{16}\/$/);
    expect(bridge.url).toBe(`http://127.0.0.1:${new URL(bridge.url).port}${scope}?token=${bridge.token}`);
    const other = await startBridge(host, { staticDir: join(dir, 'dist') });
    expect(new URL(other.url).pathname).not.toBe(scope);
    await other.close();
    // Outside the prefix the harness answers nothing, cookie or not.
    for (const p of ['/', '/rpc/app.info', `/?token=${bridge.token}`]) {
      expect((await send(bridge, p, { method: 'GET', headers: { cookie } })).status, p).toBe(404);
    }
  });

  it('answers 400 to a malformed percent-encoding, logs no stack, and keeps serving', async () => {
    const logged: unknown[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logged.push(args));
    try {
      expect((await send(bridge, at('/%E0%A4%A'), { headers: { cookie } })).status).toBe(400);
      expect((await send(bridge, at('/assets/%zz.js'), { headers: { cookie } })).status).toBe(400);
      expect((await send(bridge, at('/rpc/app.%E0'), { method: 'POST', headers: { cookie, 'x-operator': '1' } })).status).toBe(400);
    } finally {
      spy.mockRestore();
    }
    expect(logged).toEqual([]);
    expect(JSON.parse((await rpc('app.info')).body)).toMatchObject({ ok: true });
  });
});
