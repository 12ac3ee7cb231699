import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MarketSimulator } from './market.ts';
import { parseMultipart } from './multipart.ts';

const TOKEN = 'ACMA:I4c4CxCSYaI41RSC2uYWP2qj3Rhhm4knMiBEga5K:151c0664a';
const READ_ONLY = 'ACMA:readonlyreadonlyreadonlyreadonly0000:0000000ro';
const OAUTH = 'y0_AgAAAABkZXByZWNhdGVkLW9hdXRoLXRva2Vu';

const sim = new MarketSimulator({
  tokens: [TOKEN, READ_ONLY],
  scopes: { [READ_ONLY]: ['ALL_METHODS_READ_ONLY'] },
  oauthTokens: [OAUTH],
  businesses: ['100500'],
  chats: ['42', '43'],
});
let base = '';

beforeAll(async () => {
  base = await sim.start();
});
afterAll(() => sim.stop());
beforeEach(() => {
  sim.server.clearFaults();
  sim.server.received.length = 0;
  sim.resourceLimit = 1000;
});

interface Answer {
  status: number;
  headers: Headers;
  json: { status?: string; errors?: { code: string; message?: string }[]; result?: unknown };
}

async function call(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array } = {},
): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? 'POST',
    headers: init.headers ?? {},
    ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : new Uint8Array(init.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: JSON.parse(text) as Answer['json'] };
}

const json = { 'api-key': TOKEN, 'content-type': 'application/json' };
const say = (message: unknown, path = '/v2/businesses/100500/chats/message?chatId=42', headers: Record<string, string> = json) =>
  call(path, { headers, body: JSON.stringify({ message }) });

function multipart(
  parts: { name: string; filename?: string; type?: string; data: Buffer | string }[],
  boundary = 'XyZ-boundary-1',
): { body: Buffer; type: string } {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`,
      ),
    );
    chunks.push(Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

const upload = (m: { body: Buffer; type: string }, path = '/v2/businesses/100500/chats/file/send?chatId=42', key = TOKEN) =>
  call(path, { headers: { 'api-key': key, 'content-type': m.type }, body: m.body });

describe('Market simulator: text messages', () => {
  it('posts a message and answers 200 {"status":"OK"} with the quota headers', async () => {
    const r = await say('Здравствуйте!');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ status: 'OK' });
    expect(sim.messages.at(-1)).toMatchObject({ businessId: '100500', chatId: '42', text: 'Здравствуйте!' });
    expect(r.headers.get('x-ratelimit-resource-limit')).toBe('1000');
    expect(Number(r.headers.get('x-ratelimit-resource-remaining'))).toBeLessThan(1000);
    expect(Date.parse(r.headers.get('x-ratelimit-resource-until')!)).toBeGreaterThan(Date.now());
  });

  it('takes 4096 characters and refuses 4097 and an empty text', async () => {
    expect((await say('ы'.repeat(4096))).status).toBe(200);
    for (const bad of ['ы'.repeat(4097), '']) {
      const r = await say(bad);
      expect(r.status).toBe(400);
      expect(r.json).toEqual({
        status: 'ERROR',
        errors: [{ code: 'BAD_REQUEST', message: 'Length of field (message) must be between 1 and 4096' }],
      });
    }
  });

  it('refuses a body that is not the documented object', async () => {
    expect(
      (await call('/v2/businesses/100500/chats/message?chatId=42', { headers: json, body: '{"message": ' })).json.errors![0]!.message,
    ).toMatch(/^JSON: /);
    expect((await call('/v2/businesses/100500/chats/message?chatId=42', { headers: json, body: '["hi"]' })).status).toBe(400);
    expect(
      (await call('/v2/businesses/100500/chats/message?chatId=42', { headers: json, body: '{"text":"hi"}' })).json.errors![0]!.message,
    ).toBe('Missing field: message');
    expect((await say(42)).status).toBe(400);
    expect((await call('/v2/businesses/100500/chats/message?chatId=42', { headers: json, body: '' })).json.errors![0]!.message).toBe(
      'Unexpected end of content',
    );
  });

  it('refuses bodies over the general 512 KB cap', async () => {
    const r = await call('/v2/businesses/100500/chats/message?chatId=42', {
      headers: json,
      body: JSON.stringify({ message: 'hi', pad: 'x'.repeat(512 * 1024) }),
    });
    expect(r.status).toBe(400);
    expect(r.json.errors![0]!.message).toMatch(/^The request is too big/);
  });

  it('checks the content type: 415 when missing or not JSON', async () => {
    const missing = await call('/v2/businesses/100500/chats/message?chatId=42', {
      headers: { 'api-key': TOKEN },
      body: new TextEncoder().encode('{"message":"hi"}'),
    });
    expect(missing).toMatchObject({
      status: 415,
      json: { status: 'ERROR', errors: [{ code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Missing Content-Type' }] },
    });
    const form = await say('hi', undefined, { 'api-key': TOKEN, 'content-type': 'application/x-www-form-urlencoded' });
    expect(form).toMatchObject({
      status: 415,
      json: { errors: [{ message: "Content type 'application/x-www-form-urlencoded' not supported" }] },
    });
  });

  it('needs businessId and chatId as positive integers, one chatId only', async () => {
    expect((await say('hi', '/v2/businesses/100500/chats/message')).json.errors).toEqual([
      { code: 'MISSING_PARAM', message: 'Missing field: chatId' },
    ]);
    for (const path of [
      '/v2/businesses/100500/chats/message?chatId=0',
      '/v2/businesses/100500/chats/message?chatId=abc',
      '/v2/businesses/100500/chats/message?chatId=42&chatId=43',
      '/v2/businesses/0/chats/message?chatId=42',
      '/v2/businesses/-1/chats/message?chatId=42',
    ]) {
      expect((await say('hi', path)).status, path).toBe(400);
    }
  });

  it('answers 404 for an unknown chat and 403 for a cabinet the token cannot use', async () => {
    expect(await say('hi', '/v2/businesses/100500/chats/message?chatId=999')).toMatchObject({
      status: 404,
      json: { errors: [{ code: 'NOT_FOUND' }] },
    });
    expect(await say('hi', '/v2/businesses/777/chats/message?chatId=42')).toMatchObject({
      status: 403,
      json: { errors: [{ code: 'FORBIDDEN', message: 'Access denied' }] },
    });
  });

  it('does not answer the unversioned path nor other HTTP methods', async () => {
    expect(await say('hi', '/businesses/100500/chats/message?chatId=42')).toMatchObject({ status: 404, json: { status: 'ERROR' } });
    expect(await call('/v2/businesses/100500/chats/message?chatId=42', { method: 'GET', headers: { 'api-key': TOKEN } })).toMatchObject({
      status: 405,
      json: { errors: [{ message: "Request method 'GET' not supported" }] },
    });
    expect(sim.messages.filter((m) => m.businessId === '100500' && m.text === 'hi' && m.chatId === '42')).toHaveLength(0);
  });
});

describe('Market simulator: authorization', () => {
  it.each([
    [{}, 401, 'Credentials are not specified'],
    [{ 'api-key': 'ACMA:wrong:token' }, 401, 'Api-Key token is invalid'],
    [{ 'api-key': `Bearer ${TOKEN}` }, 401, 'Api-Key token prefix invalid'],
    [{ authorization: `OAuth2 ${TOKEN}` }, 401, 'Unsupported authorization type specified in Authorization header'],
    [{ authorization: 'Bearer' }, 401, 'Authorization header has invalid syntax'],
    [{ authorization: `Bearer ${TOKEN}` }, 403, 'OAuth token is invalid'],
    [{ 'api-key': READ_ONLY }, 403, 'Token does not have any of the scopes to access the API method: all-methods, communication'],
  ] as const)('refuses %j with %i', async (auth, status, message) => {
    const r = await say('hi', undefined, { ...auth, 'content-type': 'application/json' });
    expect(r).toMatchObject({ status, json: { status: 'ERROR', errors: [{ message }] } });
  });

  it('still takes a deprecated OAuth token it knows, as Authorization: Bearer', async () => {
    expect((await say('hi', undefined, { authorization: `Bearer ${OAUTH}`, 'content-type': 'application/json' })).status).toBe(200);
  });

  it('tells the token’s scopes (Api-Key only) and a cabinet’s settings', async () => {
    expect(await call('/v2/auth/token', { headers: { 'api-key': READ_ONLY } })).toMatchObject({
      status: 200,
      json: { status: 'OK', result: { apiKey: { authScopes: ['ALL_METHODS_READ_ONLY'] } } },
    });
    expect((await call('/v2/auth/token', { headers: { authorization: `Bearer ${OAUTH}` } })).status).toBe(400);
    expect(await call('/v2/businesses/100500/settings', { headers: { 'api-key': TOKEN } })).toMatchObject({
      status: 200,
      json: { result: { info: { id: 100500 } } },
    });
    expect((await call('/v2/businesses/777/settings', { headers: { 'api-key': TOKEN } })).status).toBe(403);
  });
});

describe('Market simulator: files', () => {
  it('stores the file part with its name, type, size and SHA-256', async () => {
    const data = Buffer.from('%PDF-1.7 счёт');
    const r = await upload(multipart([{ name: 'file', filename: 'Счёт №5.pdf', type: 'application/pdf', data }]));
    expect(r).toMatchObject({ status: 200, json: { status: 'OK' } });
    expect(sim.files.at(-1)).toMatchObject({
      businessId: '100500',
      chatId: '42',
      name: 'Счёт №5.pdf',
      contentType: 'application/pdf',
      size: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
    });
  });

  it('keeps bytes that look like delimiters inside the file', async () => {
    const data = Buffer.from('line\r\n--XyZ-boundary\r\n--XyZ-boundary-10\r\nend');
    expect((await upload(multipart([{ name: 'file', filename: 'tricky.txt', data }]))).status).toBe(200);
    expect(sim.files.at(-1)!.sha256).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('takes exactly 5 × 1024 × 1024 bytes and refuses one more', async () => {
    expect((await upload(multipart([{ name: 'file', filename: 'big.bin', data: Buffer.alloc(5 * 1024 * 1024, 7) }]))).status).toBe(200);
    const over = await upload(multipart([{ name: 'file', filename: 'big.bin', data: Buffer.alloc(5 * 1024 * 1024 + 1, 7) }]));
    expect(over).toMatchObject({
      status: 400,
      json: { errors: [{ code: 'BAD_REQUEST', message: 'File is too big: 5242881 bytes, at most 5 MB' }] },
    });
    const huge = await upload(multipart([{ name: 'file', filename: 'huge.bin', data: Buffer.alloc(6 * 1024 * 1024, 7) }]));
    expect(huge.json.errors![0]!.message).toMatch(/^The request is too big/);
  });

  it.each([
    ['no file part', multipart([{ name: 'document', filename: 'a.txt', data: 'a' }]), 'Missing field: file'],
    [
      'two file parts',
      multipart([
        { name: 'file', filename: 'a.txt', data: 'a' },
        { name: 'file', filename: 'b.txt', data: 'b' },
      ]),
      'Only one file may be sent at a time',
    ],
    ['a text field named file', multipart([{ name: 'file', data: 'a' }]), 'Field (file) must be a file'],
    ['an empty file', multipart([{ name: 'file', filename: 'empty.txt', data: '' }]), 'File is empty'],
    [
      'a cut body',
      {
        ...multipart([{ name: 'file', filename: 'a.txt', data: 'abc' }]),
        body: Buffer.from('--XyZ-boundary-1\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nabc'),
      },
      'Could not parse multipart request: Unexpected end of content',
    ],
    ['no boundary', { body: Buffer.from('x'), type: 'multipart/form-data' }, 'Could not parse multipart request: no boundary'],
  ])('refuses %s', async (_what, m, message) => {
    expect(await upload(m)).toMatchObject({ status: 400, json: { status: 'ERROR', errors: [{ message }] } });
  });

  it('wants multipart/form-data, not a raw body', async () => {
    const r = await call('/v2/businesses/100500/chats/file/send?chatId=42', {
      headers: { 'api-key': TOKEN, 'content-type': 'application/pdf' },
      body: Buffer.from('%PDF'),
    });
    expect(r).toMatchObject({ status: 415, json: { errors: [{ code: 'UNSUPPORTED_MEDIA_TYPE' }] } });
  });

  it('parses quoted boundaries, escaped names and filename*', () => {
    const body = Buffer.from(
      '--a"b\r\nContent-Disposition: form-data; name="file"; filename="x.txt"; filename*=UTF-8\'\'%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82.txt\r\n\r\nhi\r\n--a"b\r\nContent-Disposition: form-data; name="note"\r\n\r\nsay \\"hi\\"\r\n--a"b--',
    );
    const parts = parseMultipart(body, 'a"b');
    expect(parts).toEqual([
      { name: 'file', filename: 'привет.txt', data: Buffer.from('hi') },
      { name: 'note', data: Buffer.from('say \\"hi\\"') },
    ]);
  });
});

describe('Market simulator: resource quota', () => {
  it('answers 420 once the hour’s requests are used, counting 4xx answers too', async () => {
    const limited = new MarketSimulator({ tokens: [TOKEN], resourceLimit: 2 });
    const url = await limited.start();
    try {
      const post = (chatId: string) =>
        fetch(`${url}/v2/businesses/5/chats/message?chatId=${chatId}`, { method: 'POST', headers: json, body: '{"message":"hi"}' });
      expect((await post('1')).status).toBe(200);
      const refused = await post('0');
      expect(refused.status).toBe(400);
      expect(refused.headers.get('x-ratelimit-resource-remaining')).toBe('0');
      const r = await post('1');
      expect(r.status).toBe(420);
      expect(await r.json()).toEqual({
        status: 'ERROR',
        errors: [{ code: 'REQUEST_LIMIT_EXCEEDED', message: 'Hit rate limit of 2 requests per 1 hour for resource sendMessageToChat' }],
      });
      expect(r.headers.get('x-ratelimit-resource-limit')).toBe('2');
      expect(Date.parse(r.headers.get('x-ratelimit-resource-until')!)).toBeGreaterThan(Date.now());
      // Files are another resource with their own quota.
      const m = multipart([{ name: 'file', filename: 'a.txt', data: 'a' }]);
      expect(
        (
          await fetch(`${url}/v2/businesses/5/chats/file/send?chatId=1`, {
            method: 'POST',
            headers: { 'api-key': TOKEN, 'content-type': m.type },
            body: new Uint8Array(m.body),
          })
        ).status,
      ).toBe(200);
    } finally {
      await limited.stop();
    }
  });

  it('opens a new window after an hour', async () => {
    let now = Date.parse('2026-07-20T10:00:00Z');
    const limited = new MarketSimulator({ tokens: [TOKEN], resourceLimit: 1, now: () => now });
    const url = await limited.start();
    try {
      const post = () =>
        fetch(`${url}/v2/businesses/5/chats/message?chatId=1`, { method: 'POST', headers: json, body: '{"message":"hi"}' });
      expect((await post()).status).toBe(200);
      const r = await post();
      expect(r.status).toBe(420);
      expect(r.headers.get('x-ratelimit-resource-until')).toBe('Mon, 20 Jul 2026 11:00:00 GMT');
      now += 3_600_000;
      expect((await post()).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });
});
