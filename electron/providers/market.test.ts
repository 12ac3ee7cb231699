import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { assert, afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OperatorError, sendError } from '../../shared/operator-error.ts';
import type { MarketMessage } from '../../shared/messages/market.ts';
import { MarketSimulator } from '../sandbox/market.ts';
import { marketAdapter } from './market.ts';
import type { AdapterAccount, AdapterContext, LocalFile } from './types.ts';

const TOKEN = 'ACMA:I4c4CxCSYaI41RSC2uYWP2qj3Rhhm4knMiBEga5K:151c0664a';
const READ_ONLY = 'ACMA:readonlyreadonlyreadonlyreadonly0000:0000000ro';
const NOW = Date.parse('2026-07-20T10:00:00Z');
const MiB5 = 5 * 1024 * 1024;

const dir = mkdtempSync(join(tmpdir(), 'market-adapter-'));
const files = new Map<string, LocalFile>();

function fileOf(name: string, bytes: Buffer, type = 'application/octet-stream'): LocalFile {
  const id = `f_${createHash('sha1')
    .update(name + bytes.length)
    .digest('hex')
    .slice(0, 16)}`;
  const path = join(dir, `${id}.bin`);
  writeFileSync(path, bytes);
  const f: LocalFile = { id, path, name, size: bytes.length, type, sha256: createHash('sha256').update(bytes).digest('hex') };
  files.set(id, f);
  return f;
}

function resolveFile(id: string): LocalFile {
  const f = files.get(id);
  if (!f)
    throw new OperatorError(
      sendError('invalid', 'The attached file is no longer available; attach it again.', { reason: 'file_unknown', field: 'file' }),
    );
  return f;
}

async function closedPortUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

const text = (over: Partial<MarketMessage> = {}): MarketMessage => ({
  provider: 'market',
  businessId: '100500',
  chatId: '42',
  kind: 'text',
  text: 'Здравствуйте! Заказ №42 передан в доставку.',
  ...over,
});
const attach = (f: LocalFile, over: Partial<MarketMessage> = {}): MarketMessage => ({
  provider: 'market',
  businessId: '100500',
  chatId: '42',
  kind: 'file',
  file: f.id,
  ...over,
});

function ctx(account: AdapterAccount, over: Partial<AdapterContext> = {}): AdapterContext {
  return { account, file: resolveFile, idempotencyKey: 'unused', timeoutMs: 2000, now: () => NOW, random: () => 0.5, ...over };
}

const sim = new MarketSimulator({
  tokens: [TOKEN, READ_ONLY],
  scopes: { [READ_ONLY]: ['PRICING'] },
  businesses: ['100500'],
  chats: ['42'],
});
let account: AdapterAccount;

beforeAll(async () => {
  account = { id: 'm1', baseUrl: await sim.start(), settings: { provider: 'market', businessId: '100500' }, secrets: { token: TOKEN } };
});
afterAll(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  sim.server.clearFaults();
  sim.server.received.length = 0;
});

describe('Market adapter: text', () => {
  it('posts {"message"} to the v2 path with the Api-Key header', async () => {
    const r = await marketAdapter.send(ctx(account), text());
    expect(r).toEqual({ kind: 'sent', providerMessageId: `market:42:${NOW}`, exchanges: [expect.objectContaining({ status: 200 })] });
    const req = sim.server.received.at(-1)!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v2/businesses/100500/chats/message');
    expect([...req.query]).toEqual([['chatId', '42']]);
    expect(req.headers['api-key']).toBe(TOKEN);
    expect(req.headers.authorization).toBeUndefined();
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.body.toString('utf8'))).toEqual({ message: 'Здравствуйте! Заказ №42 передан в доставку.' });
    expect(sim.messages.at(-1)).toMatchObject({ businessId: '100500', chatId: '42', text: 'Здравствуйте! Заказ №42 передан в доставку.' });
  });

  it('takes the account’s cabinet when the message has none, and ids pasted with spaces', async () => {
    await marketAdapter.send(ctx(account), text({ businessId: '', chatId: ' 4 2 ' }));
    expect(sim.server.received.at(-1)!.path).toBe('/v2/businesses/100500/chats/message');
    expect(sim.server.received.at(-1)!.query.get('chatId')).toBe('42');
    expect(marketAdapter.check(text({ businessId: '' }), account)).toEqual([]);
    expect(marketAdapter.check(text({ businessId: '' }), { ...account, settings: { provider: 'market' } })).toEqual([
      { field: 'businessId', reason: 'required' },
    ]);
  });

  it('keeps the token out of everything it records', async () => {
    const r = await marketAdapter.send(ctx(account), text());
    expect(JSON.stringify(r)).not.toContain(TOKEN);
    expect(r.exchanges[0]!.requestHeaders['api-key']).toBe('‹redacted›');
  });

  it('sends 4096 characters and refuses 4097 before any request', async () => {
    expect(await marketAdapter.send(ctx(account), text({ text: 'ж'.repeat(4096) }))).toMatchObject({ kind: 'sent' });
    sim.server.received.length = 0;
    expect(marketAdapter.check(text({ text: 'ж'.repeat(4097) }), account)).toEqual([{ field: 'text', reason: 'too_long', limit: 4096 }]);
    expect(await marketAdapter.send(ctx(account), text({ text: 'ж'.repeat(4097) }))).toMatchObject({
      kind: 'failed',
      exchanges: [],
      error: { kind: 'invalid', field: 'text', reason: 'too_long', limit: 4096, message: 'The text is longer than 4096 characters.' },
    });
    expect(sim.server.received).toEqual([]);
  });

  it('refuses to go without a token, or with one a header cannot carry', async () => {
    expect(await marketAdapter.send(ctx({ ...account, secrets: {} }), text())).toMatchObject({
      kind: 'failed',
      exchanges: [],
      error: { kind: 'unauthorized', reason: 'token_missing' },
    });
    expect(await marketAdapter.send(ctx({ ...account, secrets: { token: 'ключ с пробелами' } }), text())).toMatchObject({
      kind: 'failed',
      exchanges: [],
      error: { kind: 'unauthorized', reason: 'token_rejected' },
    });
    expect(sim.server.received).toEqual([]);
  });
});

describe('Market adapter: the simulator’s own refusals', () => {
  it('maps a wrong token, a missing scope, a foreign cabinet and an unknown chat', async () => {
    expect(await marketAdapter.send(ctx({ ...account, secrets: { token: 'ACMA:wrong:token' } }), text())).toMatchObject({
      kind: 'failed',
      error: {
        kind: 'unauthorized',
        reason: 'token_rejected',
        providerStatus: 401,
        providerCode: 'UNAUTHORIZED',
        providerText: 'UNAUTHORIZED: Api-Key token is invalid',
      },
    });
    expect(await marketAdapter.send(ctx({ ...account, secrets: { token: READ_ONLY } }), text())).toMatchObject({
      kind: 'failed',
      error: { kind: 'forbidden', reason: 'no_scope', providerStatus: 403 },
    });
    expect(await marketAdapter.send(ctx(account), text({ businessId: '777' }))).toMatchObject({
      kind: 'failed',
      error: { kind: 'forbidden', reason: 'access_denied', providerText: 'FORBIDDEN: Access denied' },
    });
    expect(await marketAdapter.send(ctx(account), text({ chatId: '999' }))).toMatchObject({
      kind: 'failed',
      error: { kind: 'not_found', reason: 'chat_not_found', field: 'chatId', providerCode: 'NOT_FOUND' },
    });
  });

  it('waits until X-RateLimit-Resource-Until when the hour’s quota is used up', async () => {
    const limited = new MarketSimulator({ tokens: [TOKEN], resourceLimit: 1 });
    const acc = { ...account, baseUrl: await limited.start() };
    try {
      expect(await marketAdapter.send(ctx(acc, { now: Date.now }), text())).toMatchObject({ kind: 'sent' });
      const r = await marketAdapter.send(ctx(acc, { now: Date.now }), text());
      expect(r).toMatchObject({
        kind: 'retry',
        error: { kind: 'rate_limited', reason: 'quota_exceeded', providerStatus: 420, providerCode: 'REQUEST_LIMIT_EXCEEDED' },
      });
      if (r.kind !== 'retry') return;
      const until = Date.parse(r.exchanges[0]!.responseHeaders!['x-ratelimit-resource-until']!);
      expect(r.retryAt).toBe(until);
      expect(r.error.retryAt).toBe(until);
      expect(r.error.providerText).toMatch(
        /^REQUEST_LIMIT_EXCEEDED: Hit rate limit of 1 requests per 1 hour for resource sendMessageToChat — Quota: limit 1, remaining 0, until .+ GMT$/,
      );
    } finally {
      await limited.stop();
    }
  });
});

describe('Market adapter: documented statuses', () => {
  const err = (code: string, message: string) => ({ status: 'ERROR', errors: [{ code, message }] });

  it.each([
    [400, 'BAD_REQUEST', 'Length of field (message) must be between 1 and 4096', 'invalid', 'provider_invalid', 'text'],
    [400, 'BAD_REQUEST', 'The request is too big: 600000 bytes', 'too_large', 'request_too_large', undefined],
    [400, 'BAD_REQUEST', 'File is too big: 6000000 bytes, at most 5 MB', 'too_large', 'file_too_big', 'file'],
    [400, 'BAD_REQUEST', 'Chat is closed', 'invalid', 'provider_invalid', 'chatId'],
    [401, 'UNAUTHORIZED', 'Api-Key token is revoked', 'unauthorized', 'token_rejected', undefined],
    [401, 'UNAUTHORIZED', 'Credentials are not specified', 'unauthorized', 'token_missing', undefined],
    [403, 'FORBIDDEN', 'Restrict access for business 100500 because it is not active', 'forbidden', 'business_inactive', undefined],
    [403, 'FORBIDDEN', 'Access denied', 'forbidden', 'access_denied', undefined],
    [404, 'NOT_FOUND', 'Not found', 'not_found', 'chat_not_found', undefined],
    [405, 'METHOD_NOT_ALLOWED', "Request method 'PUT' not supported", 'provider_error', 'provider_generic', undefined],
    [415, 'UNSUPPORTED_MEDIA_TYPE', 'Missing Content-Type', 'provider_error', 'provider_generic', undefined],
    [423, 'LOCKED', 'Business is in migration', 'conflict', 'business_locked', undefined],
  ] as const)('%i %s “%s” → failed %s (%s)', async (status, code, message, kind, reason, field) => {
    sim.server.inject({ status, body: err(code, message) });
    const r = await marketAdapter.send(ctx(account), text());
    expect(r.kind).toBe('failed');
    if (r.kind !== 'failed') return;
    expect(r.error).toMatchObject({ kind, reason, providerStatus: status, providerCode: code, providerText: `${code}: ${message}` });
    expect(r.error.field).toBe(field);
    expect(r.error.message).not.toContain('{');
  });

  it.each([
    [500, 'INTERNAL_ERROR', 'Internal error'],
    [502, 'BAD_GATEWAY', 'Bad gateway'],
    [503, 'SERVICE_UNAVAILABLE', 'Service temporarily unavailable. Please, try again later'],
    [504, 'GATEWAY_TIMEOUT', 'Gateway timeout'],
  ] as const)('%i %s on the send → unknown: Market may have posted the message first', async (status, code, message) => {
    sim.server.inject({ status, body: err(code, message) });
    const r = await marketAdapter.send(ctx(account), text());
    expect(r).toMatchObject({
      kind: 'unknown',
      error: {
        kind: 'outcome_unknown',
        reason: 'server_error',
        providerStatus: status,
        providerCode: code,
        providerText: `${code}: ${message}`,
      },
    });
  });

  it('reads an error reply whose errors list is null, as the schema allows', async () => {
    sim.server.inject({ status: 400, body: { status: 'ERROR', errors: null } });
    const r = await marketAdapter.send(ctx(account), text());
    expect(r).toMatchObject({ kind: 'failed', error: { kind: 'invalid', reason: 'provider_invalid', providerStatus: 400 } });
    assert(r.kind === 'failed');
    expect(r.error.providerText).toBeUndefined();
  });

  it('calls a 499 an unknown outcome: Market saw the request before the client left', async () => {
    sim.server.inject({ status: 499, body: err('CLIENT_CLOSED_REQUEST', 'Client closed request') });
    expect(await marketAdapter.send(ctx(account), text())).toMatchObject({
      kind: 'unknown',
      error: { kind: 'outcome_unknown', reason: 'connection_lost', providerStatus: 499 },
    });
  });

  it('waits on 420 until X-RateLimit-Resource-Until and says what the quota headers say', async () => {
    sim.server.inject({
      status: 420,
      headers: {
        'x-ratelimit-resource-limit': '1000',
        'x-ratelimit-resource-remaining': '0',
        'x-ratelimit-resource-until': 'Mon, 20 Jul 2026 10:42:42 GMT',
      },
      body: err('REQUEST_LIMIT_EXCEEDED', 'Hit rate limit of 1000 requests per 1 hour for resource 210'),
    });
    const r = await marketAdapter.send(ctx(account), text());
    expect(r).toMatchObject({
      kind: 'retry',
      retryAt: Date.parse('2026-07-20T10:42:42Z'),
      error: {
        kind: 'rate_limited',
        reason: 'quota_exceeded',
        providerText:
          'REQUEST_LIMIT_EXCEEDED: Hit rate limit of 1000 requests per 1 hour for resource 210 — Quota: limit 1000, remaining 0, until Mon, 20 Jul 2026 10:42:42 GMT',
      },
    });
  });

  it('without X-RateLimit-Resource-Until waits the hour’s window, or a few seconds for the parallel cap', async () => {
    sim.server.inject({ status: 420, body: err('REQUEST_LIMIT_EXCEEDED', 'Hit rate limit of 1000 requests per 1 hour for resource 210') });
    expect(await marketAdapter.send(ctx(account), text())).toMatchObject({ kind: 'retry', retryAt: NOW + 3_600_000 });
    sim.server.inject({ status: 420, body: err('REQUEST_LIMIT_EXCEEDED', 'Hit rate limit of 4 parallel requests for businessId 100500') });
    expect(await marketAdapter.send(ctx(account), text())).toMatchObject({
      kind: 'retry',
      retryAt: NOW + 5000,
      error: { reason: 'too_fast' },
    });
  });

  it('never waits into the past, however old the Until date', async () => {
    sim.server.inject({
      status: 420,
      headers: { 'x-ratelimit-resource-until': 'Thu, 10 Jul 2018 00:42:42 GMT' },
      body: err('REQUEST_LIMIT_EXCEEDED', 'Hit rate limit'),
    });
    expect(await marketAdapter.send(ctx(account), text())).toMatchObject({ kind: 'retry', retryAt: NOW + 1000 });
  });
});

describe('Market adapter: unreadable replies and lost connections', () => {
  it('keeps a gateway’s HTML 502 readable, and unknown', async () => {
    sim.server.inject({ html: true, status: 502 });
    const r = await marketAdapter.send(ctx(account), text());
    expect(r).toMatchObject({ kind: 'unknown', error: { kind: 'outcome_unknown', reason: 'server_error', providerStatus: 502 } });
    assert(r.kind === 'unknown');
    expect(r.error.providerText).toContain('502 Bad Gateway');
  });

  it('turns a cut-off JSON body and a huge body into readable outcomes', async () => {
    sim.server.inject({ malformed: true, status: 500 }, { hugeBytes: 3 * 1024 * 1024, status: 400 });
    expect(await marketAdapter.send(ctx(account), text())).toMatchObject({
      kind: 'unknown',
      error: { kind: 'outcome_unknown', reason: 'server_error', providerStatus: 500 },
    });
    const huge = await marketAdapter.send(ctx(account), text());
    expect(huge).toMatchObject({ kind: 'failed', error: { kind: 'provider_error', reason: 'unreadable_reply' } });
    assert(huge.kind === 'failed');
    expect(huge.error.message).toContain('oversized');
  });

  it('calls a 200 it cannot read an unknown outcome, never a failure to repeat', async () => {
    sim.server.inject({ malformed: true, status: 200 }, { status: 200, body: { status: 'ERROR' } }, { status: 204 });
    for (let i = 0; i < 3; i++)
      expect(await marketAdapter.send(ctx(account), text())).toMatchObject({
        kind: 'unknown',
        error: { kind: 'outcome_unknown', reason: 'unreadable_success' },
      });
  });

  it('calls a timeout after the body was sent an unknown outcome', async () => {
    sim.server.inject({ delayMs: 800 });
    expect(await marketAdapter.send(ctx(account, { timeoutMs: 200 }), text())).toMatchObject({
      kind: 'unknown',
      error: { kind: 'outcome_unknown', reason: 'timeout' },
    });
  });

  it('calls a connection dropped after the body an unknown outcome', async () => {
    sim.server.inject({ dropAfterBody: true });
    expect(await marketAdapter.send(ctx(account), text())).toMatchObject({
      kind: 'unknown',
      error: { kind: 'outcome_unknown', reason: 'connection_lost' },
    });
  });

  it('retries a refused connection: nothing reached the provider', async () => {
    const r = await marketAdapter.send(ctx({ ...account, baseUrl: await closedPortUrl() }), text());
    expect(r).toMatchObject({ kind: 'retry', retryAt: NOW + 2000, error: { kind: 'network', reason: 'not_reached' } });
  });
});

describe('Market adapter: files', () => {
  it('streams the file as the multipart part “file” with its name and type', async () => {
    const f = fileOf('Счёт №5 от 20.07.pdf', Buffer.from('%PDF-1.7 содержимое счёта'), 'application/pdf');
    const r = await marketAdapter.send(ctx(account), attach(f));
    expect(r).toMatchObject({ kind: 'sent', providerMessageId: `market:42:${NOW}` });
    const req = sim.server.received.at(-1)!;
    expect(req.path).toBe('/v2/businesses/100500/chats/file/send');
    expect(req.query.get('chatId')).toBe('42');
    expect(req.headers['api-key']).toBe(TOKEN);
    expect(req.headers['content-type']).toMatch(/^multipart\/form-data; boundary=----OperatorConsole[0-9a-f]{24}$/);
    expect(Number(req.headers['content-length'])).toBe(req.body.length);
    expect(req.headers['transfer-encoding']).toBeUndefined();
    expect(sim.files.at(-1)).toMatchObject({
      chatId: '42',
      name: 'Счёт №5 от 20.07.pdf',
      contentType: 'application/pdf',
      size: f.size,
      sha256: f.sha256,
    });
  });

  it('records the file in history by name, size and SHA-256, never its bytes', async () => {
    const f = fileOf('secret-report.txt', Buffer.from('TOP-SECRET-CONTENT'), 'text/plain');
    const r = await marketAdapter.send(ctx(account), attach(f));
    expect(r.exchanges[0]!.requestBody).toBe(
      `multipart/form-data; part "file": ‹secret-report.txt, text/plain, 18 bytes, sha256 ${f.sha256}›`,
    );
    expect(JSON.stringify(r)).not.toContain('TOP-SECRET-CONTENT');
  });

  it('escapes quotes and line breaks in the file name as browsers do', async () => {
    const f = fileOf('акт "итог"\r\n.txt', Buffer.from('x'));
    await marketAdapter.send(ctx(account), attach(f));
    expect(sim.files.at(-1)!.name).toBe('акт %22итог%22%0D%0A.txt');
  });

  it('sends a file of exactly 5 MB (5 × 1024 × 1024 bytes) with progress up to the total', async () => {
    const f = fileOf('ровно-5-МБ.bin', Buffer.alloc(MiB5, 0x5a));
    const seen: [number, number][] = [];
    const r = await marketAdapter.send(ctx(account, { onProgress: (sent, total) => seen.push([sent, total]) }), attach(f));
    expect(r).toMatchObject({ kind: 'sent' });
    expect(sim.files.at(-1)).toMatchObject({ size: MiB5, sha256: f.sha256 });
    const total = sim.server.received.at(-1)!.body.length;
    expect(seen.every(([, t]) => t === total)).toBe(true);
    expect(seen.at(-1)).toEqual([total, total]);
    expect(seen.length).toBeGreaterThan(10);
    expect(seen.every(([s], i) => i === 0 || s > seen[i - 1]![0])).toBe(true);
  });

  it('refuses a 5 MB + 1 byte file before any request', async () => {
    const f = fileOf('на-байт-больше.bin', Buffer.alloc(MiB5 + 1, 0x5a));
    expect(marketAdapter.check(attach(f), account, resolveFile)).toEqual([{ field: 'file', reason: 'file_too_big', limit: MiB5 }]);
    const r = await marketAdapter.send(ctx(account), attach(f));
    expect(r).toMatchObject({
      kind: 'failed',
      exchanges: [],
      error: { kind: 'too_large', reason: 'file_too_big', field: 'file', limit: MiB5 },
    });
    expect(sim.server.received).toEqual([]);
  });

  it('goes by the size on disk: a file that grew past 5 MB after attaching is refused without a request', async () => {
    const f = fileOf('вырос.bin', Buffer.alloc(10));
    writeFileSync(f.path, Buffer.alloc(MiB5 + 1));
    expect(await marketAdapter.send(ctx(account), attach(f))).toMatchObject({
      kind: 'failed',
      exchanges: [],
      error: { kind: 'too_large', reason: 'file_too_big' },
    });
    writeFileSync(f.path, Buffer.alloc(11));
    expect(await marketAdapter.send(ctx(account), attach(f))).toMatchObject({
      kind: 'failed',
      exchanges: [],
      error: { kind: 'invalid', reason: 'file_changed', field: 'file' },
    });
    rmSync(f.path);
    expect(await marketAdapter.send(ctx(account), attach(f))).toMatchObject({
      kind: 'failed',
      exchanges: [],
      error: { kind: 'invalid', reason: 'file_unreadable', field: 'file' },
    });
    expect(sim.server.received).toEqual([]);
  });

  it('answers an unknown handle with the registry’s own error', async () => {
    const msg = attach({ id: 'f_gone0000gone' } as LocalFile);
    expect(marketAdapter.check(msg, account, resolveFile)).toEqual([{ field: 'file', reason: 'file_unknown' }]);
    expect(await marketAdapter.send(ctx(account), msg)).toMatchObject({
      kind: 'failed',
      exchanges: [],
      error: { kind: 'invalid', reason: 'file_unknown', field: 'file' },
    });
  });

  it('maps the simulator’s refusal of a file to the file field', async () => {
    sim.server.inject({ status: 400, body: { status: 'ERROR', errors: [{ code: 'BAD_REQUEST', message: 'Unsupported file type' }] } });
    const f = fileOf('virus.exe', Buffer.from('MZ'));
    expect(await marketAdapter.send(ctx(account), attach(f))).toMatchObject({
      kind: 'failed',
      error: { kind: 'invalid', field: 'file', providerText: 'BAD_REQUEST: Unsupported file type' },
    });
  });
});

describe('Market adapter: pace, history text and the connection check', () => {
  it('paces each method by its own 1 000-per-hour quota per cabinet', () => {
    const f = fileOf('a.txt', Buffer.from('a'));
    expect(marketAdapter.rateRules!(text({ businessId: '' }), account)).toEqual([
      { key: 'market:100500:sendMessageToChat', limit: 1000, windowMs: 3_600_000 },
    ]);
    expect(marketAdapter.rateRules!(attach(f), account)).toEqual([
      { key: 'market:100500:sendFileToChat', limit: 1000, windowMs: 3_600_000 },
    ]);
  });

  it('describes a text by its words and a file by its name', () => {
    const f = fileOf('накладная.pdf', Buffer.from('%PDF'));
    expect(marketAdapter.describe(text({ chatId: ' 42 ' }))).toEqual({
      to: { kind: 'chat', id: '42' },
      preview: { kind: 'text', text: 'Здравствуйте! Заказ №42 передан в доставку.' },
      searchText: 'Здравствуйте! Заказ №42 передан в доставку.',
    });
    expect(marketAdapter.describe(attach(f), resolveFile)).toEqual({
      to: { kind: 'chat', id: '42' },
      preview: { kind: 'files', count: 1, names: ['накладная.pdf'] },
      searchText: 'накладная.pdf',
    });
    // A file whose handle is gone is still one file, unnamed.
    expect(marketAdapter.describe(attach(f))).toMatchObject({ preview: { kind: 'files', count: 1, names: [] } });
  });

  it('checks the connection with the token’s scopes and the cabinet’s settings', async () => {
    expect(await marketAdapter.checkConnection!(ctx(account))).toEqual({
      ok: true,
      reason: 'connected',
      detail: 'Token “Sandbox token”: ALL_METHODS. Cabinet “Кабинет 100500” (100500).',
    });
    expect(sim.server.received.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v2/auth/token', 'POST /v2/businesses/100500/settings']);
    expect(await marketAdapter.checkConnection!(ctx({ ...account, secrets: { token: READ_ONLY } }))).toMatchObject({
      ok: false,
      reason: 'no_scope',
    });
    expect(await marketAdapter.checkConnection!(ctx({ ...account, secrets: { token: 'ACMA:wrong:token' } }))).toMatchObject({
      ok: false,
      reason: 'token_rejected',
    });
    expect(await marketAdapter.checkConnection!(ctx({ ...account, settings: { provider: 'market', businessId: '777' } }))).toMatchObject({
      ok: false,
      reason: 'access_denied',
    });
    expect(await marketAdapter.checkConnection!(ctx({ ...account, secrets: {} }))).toMatchObject({ ok: false, reason: 'token_missing' });
    expect(await marketAdapter.checkConnection!(ctx({ ...account, baseUrl: await closedPortUrl() }))).toMatchObject({
      ok: false,
      reason: 'not_reached',
    });
  });
});

/**
 * Memory while a 5 MB file goes out. The simulator runs in a child process, so this process holds
 * only the adapter's side; a full GC before each sample leaves only live memory, so garbage
 * chunks awaiting collection cannot hide (or fake) a whole file held in memory.
 */
describe('Market adapter: memory', () => {
  let child: ChildProcess;
  let remote: AdapterAccount;
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const live = () => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };

  beforeAll(async () => {
    const simUrl = new URL('../sandbox/market.ts', import.meta.url).href;
    const script = `const { MarketSimulator } = await import(process.argv[1]);
const sim = new MarketSimulator({ tokens: [process.argv[2]] });
console.log(await sim.start());
process.stdin.on('end', () => sim.stop().then(() => process.exit(0)));
process.stdin.resume();`;
    child = spawn(process.execPath, ['--input-type=module', '-e', script, simUrl, TOKEN], { stdio: ['pipe', 'pipe', 'inherit'] });
    const url = await new Promise<string>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the simulator process exited (${code})`)));
      child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
    });
    remote = { ...account, baseUrl: url };
  });
  afterAll(() => {
    child.stdin!.end();
  });

  it('holds far less than the file while sending 5 MB', async () => {
    const f = fileOf('память.bin', Buffer.alloc(MiB5, 0x33));
    expect(await marketAdapter.send(ctx(remote), attach(f))).toMatchObject({ kind: 'sent' });
    const before = live();
    let peak = before;
    let calls = 0;
    const r = await marketAdapter.send(
      ctx(remote, {
        onProgress: () => {
          if (++calls % 4 === 0) peak = Math.max(peak, live());
        },
      }),
      attach(f),
    );
    expect(r).toMatchObject({ kind: 'sent' });
    const growth = peak - before;
    console.info(`market 5 MB upload: live heap+arrayBuffers grew by ${(growth / 1024).toFixed(0)} KiB at peak (${calls} progress events)`);
    expect(calls).toBeGreaterThan(40);
    expect(growth).toBeLessThan(f.size / 4);
  });
});
