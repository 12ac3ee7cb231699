import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketMessage } from '../../shared/messages/market.ts';
import { MarketSimulator } from '../sandbox/market.ts';
import type { ReceivedRequest } from '../sandbox/server.ts';
import { OpenApiSpec, type SpecOperation } from '../testing/openapi-spec.ts';
import { marketAdapter } from './market.ts';
import type { AdapterAccount, AdapterContext, LocalFile } from './types.ts';

/**
 * The adapter and the simulator held against Yandex Market's own OpenAPI (shared/specs/yandex-market):
 * every request the adapter sends must pass the published parameter and body schemas of the two
 * chat methods, every answer the simulator gives must match the published response schemas, and
 * every request those schemas refuse, the simulator refuses too.
 */
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const spec = new OpenApiSpec(new URL('../../../shared/specs/yandex-market/openapi/openapi.yaml', import.meta.url));

type Json = unknown;
type Operation = SpecOperation & {
  requestBody: NonNullable<SpecOperation['requestBody']>;
  responses: NonNullable<SpecOperation['responses']>;
};

function operation(path: string): Operation {
  const op = spec.operation('POST', path);
  if (!op?.requestBody || !op.responses) throw new Error(`POST ${path} is not published with a body and responses`);
  return { ...op, requestBody: op.requestBody, responses: op.responses };
}
const MESSAGE_PATH = '/v2/businesses/{businessId}/chats/message';
const FILE_PATH = '/v2/businesses/{businessId}/chats/file/send';
const ops = { message: operation(MESSAGE_PATH), file: operation(FILE_PATH) };

const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));

function paramsValidator(op: Operation, where: 'path' | 'query'): ValidateFunction {
  const ps = op.parameters.filter((p) => p.in === where);
  return ajv.compile({
    type: 'object',
    required: ps.filter((p) => p.required).map((p) => p.name),
    properties: Object.fromEntries(ps.map((p) => [p.name, p.schema])),
  });
}

/** The schemas of one operation, compiled once. */
function compiled(op: Operation, contentType: string) {
  return {
    path: paramsValidator(op, 'path'),
    query: paramsValidator(op, 'query'),
    body: ajv.compile(op.requestBody.content[contentType]!.schema as object),
    bodyRequired: op.requestBody.required === true,
    responses: Object.fromEntries(
      Object.entries(op.responses).map(([status, r]) => [status, ajv.compile(r.content!['application/json']!.schema as object)]),
    ),
  };
}
const schemas = { message: compiled(ops.message, 'application/json'), file: compiled(ops.file, 'multipart/form-data') };

/** Path and query values arrive as text; an all-digits value is the integer the schema speaks of. */
const typed = (v: string): string | number => (/^-?\d+$/.test(v) ? Number(v) : v);

/** A multipart body as the schema sees it: each part by name, a file part as its (binary) string. */
async function formAsObject(req: ReceivedRequest): Promise<{ value: Record<string, Json>; files: Record<string, File> } | undefined> {
  try {
    const form = await new Response(new Uint8Array(req.body), {
      headers: { 'content-type': String(req.headers['content-type']) },
    }).formData();
    const value: Record<string, Json> = {};
    const found: Record<string, File> = {};
    for (const [name, v] of form) {
      value[name] = typeof v === 'string' ? v : '‹binary›';
      if (typeof v !== 'string') found[name] = v;
    }
    return { value, files: found };
  } catch {
    return undefined;
  }
}

/** Every schema violation of one request against the published operation; `[]` when it conforms. */
async function violations(req: ReceivedRequest): Promise<string[]> {
  const m = /^\/v2\/businesses\/([^/]+)\/chats\/(message|file\/send)$/.exec(req.path);
  if (!m || req.method !== 'POST') return [`${req.method} ${req.path} is not a published chat operation`];
  const s = m[2] === 'message' ? schemas.message : schemas.file;
  const out: string[] = [];
  const check = (v: ValidateFunction, data: Json, what: string) => {
    if (!v(data)) out.push(...(v.errors ?? []).map((e) => `${what}${e.instancePath} ${e.message}`));
  };
  check(s.path, { businessId: typed(decodeURIComponent(m[1]!)) }, 'path');
  const query: Record<string, Json> = {};
  for (const [k, v] of req.query) query[k] = k in query ? [query[k], typed(v)] : typed(v);
  check(s.query, query, 'query');
  const apiKey = spec.securitySchemes.ApiKey!;
  if (apiKey.in === 'header' && !req.headers[apiKey.name!.toLowerCase()]) out.push(`header ${apiKey.name} missing`);
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim();
  if (m[2] === 'message') {
    if (type !== 'application/json') out.push(`content type ${type} is not application/json`);
    let body: Json;
    try {
      body = JSON.parse(req.body.toString('utf8'));
    } catch {
      out.push('body is not JSON');
      return out;
    }
    check(s.body, body, 'body');
  } else {
    if (type !== 'multipart/form-data') out.push(`content type ${type} is not multipart/form-data`);
    const form = await formAsObject(req);
    if (!form) out.push('body is not multipart/form-data');
    else {
      check(s.body, form.value, 'body');
      // The schema's own description: "Максимальный размер файла — 5 Мбайт".
      if (form.files.file && form.files.file.size > 5 * 1024 * 1024) out.push('body/file is over 5 MB');
    }
  }
  return out;
}

/** Checks the simulator's answer against the response schema the operation publishes for its status. */
function answerViolations(req: ReceivedRequest, status: number, body: string): string[] {
  const s = req.path.endsWith('/message') ? schemas.message : schemas.file;
  const v = s.responses[String(status)];
  if (!v) return [`status ${status} is not published for ${req.path}`];
  return v(JSON.parse(body)) ? [] : (v.errors ?? []).map((e) => `response${e.instancePath} ${e.message}`);
}

// ---------------------------------------------------------------------------------------------

const TOKEN = 'ACMA:I4c4CxCSYaI41RSC2uYWP2qj3Rhhm4knMiBEga5K:151c0664a';
const dir = mkdtempSync(join(tmpdir(), 'market-conformance-'));
const localFiles = new Map<string, LocalFile>();
const sim = new MarketSimulator({ tokens: [TOKEN], businesses: ['100500', '9223372036854775807'] });
let account: AdapterAccount;

function fileOf(name: string, bytes: Buffer, type: string): LocalFile {
  const id = `f_${createHash('sha1').update(name).digest('hex').slice(0, 16)}`;
  const path = join(dir, id);
  writeFileSync(path, bytes);
  const f = { id, path, name, size: bytes.length, type, sha256: createHash('sha256').update(bytes).digest('hex') };
  localFiles.set(id, f);
  return f;
}

const ctx = (): AdapterContext => ({
  account,
  file: (id) => localFiles.get(id)!,
  idempotencyKey: 'unused',
  timeoutMs: 5000,
  now: Date.now,
});

beforeAll(async () => {
  account = { id: 'm1', baseUrl: await sim.start(), settings: { provider: 'market', businessId: '100500' }, secrets: { token: TOKEN } };
});
afterAll(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Market requests against the published OpenAPI', () => {
  it('finds both chat operations with their parameters and bodies in the spec', () => {
    expect(ops.message.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(['path:businessId', 'query:chatId']);
    expect(ops.file.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(['path:businessId', 'query:chatId']);
    expect(Object.keys(ops.message.requestBody.content)).toEqual(['application/json']);
    expect(Object.keys(ops.file.requestBody.content)).toEqual(['multipart/form-data']);
    expect(Object.keys(ops.message.responses).sort()).toEqual(['200', '400', '401', '403', '404', '420', '500']);
  });

  it('every request the adapter sends conforms, and every answer matches the published response', async () => {
    sim.server.received.length = 0;
    const texts: MarketMessage[] = [
      'Здравствуйте!',
      'я'.repeat(4096),
      '😀'.repeat(2048),
      // maxLength counts code points: 4096 emoji are 4096 characters (8192 UTF-16 units).
      '😀'.repeat(4096),
      'кавычки " и \\ и\nперевод строки\t',
      '<b>не HTML</b> & {"json":"нет"}',
    ].map((t) => ({ provider: 'market', businessId: '', chatId: '42', kind: 'text', text: t }));
    texts.push({ provider: 'market', businessId: '9223372036854775807', chatId: '9223372036854775807', kind: 'text', text: 'max ids' });
    const attachments = [
      fileOf('Счёт №5.pdf', Buffer.from('%PDF-1.7'), 'application/pdf'),
      fileOf('фото заказа.jpeg', Buffer.alloc(300_000, 0xff), 'image/jpeg'),
      fileOf('без типа', Buffer.from('plain'), ''),
      fileOf('ровно 5 МБ.bin', Buffer.alloc(5 * 1024 * 1024, 1), 'application/octet-stream'),
    ].map((f): MarketMessage => ({ provider: 'market', businessId: '100500', chatId: '42', kind: 'file', file: f.id }));
    const results = [];
    for (const msg of [...texts, ...attachments]) results.push(await marketAdapter.send(ctx(), msg));
    expect(results.map((r) => r.kind)).toEqual(Array(results.length).fill('sent'));
    expect(sim.server.received).toHaveLength(texts.length + attachments.length);
    for (const req of sim.server.received) expect(await violations(req), `${req.path}?${req.query}`).toEqual([]);
    results.forEach((r, i) =>
      expect(answerViolations(sim.server.received[i]!, r.exchanges[0]!.status!, r.exchanges[0]!.responseBody!)).toEqual([]),
    );
  });
});

describe('Requests the spec refuses, the simulator refuses too', () => {
  const json = { 'api-key': TOKEN, 'content-type': 'application/json' };
  const form = (body: string, boundary = 'b0undary') => ({
    headers: { 'api-key': TOKEN, 'content-type': `multipart/form-data; boundary=${boundary}` },
    body,
  });
  const filePart = (name: string, content: string, filename?: string) =>
    `--b0undary\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}\r\n\r\n${content}\r\n`;

  const cases: [string, string, { headers: Record<string, string>; body: string }][] = [
    ['no message', '/v2/businesses/100500/chats/message?chatId=42', { headers: json, body: '{}' }],
    ['an empty message', '/v2/businesses/100500/chats/message?chatId=42', { headers: json, body: '{"message":""}' }],
    [
      '4097 characters',
      '/v2/businesses/100500/chats/message?chatId=42',
      { headers: json, body: JSON.stringify({ message: 'ы'.repeat(4097) }) },
    ],
    [
      '4097 emoji (code points, as maxLength counts)',
      '/v2/businesses/100500/chats/message?chatId=42',
      { headers: json, body: JSON.stringify({ message: '😀'.repeat(4097) }) },
    ],
    ['a number as message', '/v2/businesses/100500/chats/message?chatId=42', { headers: json, body: '{"message":42}' }],
    ['a null message', '/v2/businesses/100500/chats/message?chatId=42', { headers: json, body: '{"message":null}' }],
    ['an array body', '/v2/businesses/100500/chats/message?chatId=42', { headers: json, body: '[{"message":"hi"}]' }],
    ['a string body', '/v2/businesses/100500/chats/message?chatId=42', { headers: json, body: '"hi"' }],
    ['no chatId', '/v2/businesses/100500/chats/message', { headers: json, body: '{"message":"hi"}' }],
    ['chatId 0', '/v2/businesses/100500/chats/message?chatId=0', { headers: json, body: '{"message":"hi"}' }],
    ['a negative chatId', '/v2/businesses/100500/chats/message?chatId=-7', { headers: json, body: '{"message":"hi"}' }],
    ['a chatId that is not a number', '/v2/businesses/100500/chats/message?chatId=abc', { headers: json, body: '{"message":"hi"}' }],
    ['a fractional chatId', '/v2/businesses/100500/chats/message?chatId=4.2', { headers: json, body: '{"message":"hi"}' }],
    ['businessId 0', '/v2/businesses/0/chats/message?chatId=42', { headers: json, body: '{"message":"hi"}' }],
    ['a businessId that is not a number', '/v2/businesses/shop/chats/message?chatId=42', { headers: json, body: '{"message":"hi"}' }],
    [
      'a file upload without a file part',
      '/v2/businesses/100500/chats/file/send?chatId=42',
      form(`${filePart('document', 'abc', 'a.txt')}--b0undary--\r\n`),
    ],
    ['an empty form', '/v2/businesses/100500/chats/file/send?chatId=42', form('--b0undary--\r\n')],
    ['a file upload without chatId', '/v2/businesses/100500/chats/file/send', form(`${filePart('file', 'abc', 'a.txt')}--b0undary--\r\n`)],
    [
      'a file upload to businessId -1',
      '/v2/businesses/-1/chats/file/send?chatId=42',
      form(`${filePart('file', 'abc', 'a.txt')}--b0undary--\r\n`),
    ],
    [
      'a file over 5 MB',
      '/v2/businesses/100500/chats/file/send?chatId=42',
      form(`${filePart('file', 'x'.repeat(5 * 1024 * 1024 + 1), 'big.txt')}--b0undary--\r\n`),
    ],
  ];

  it.each(cases)('%s', async (_what, path, init) => {
    sim.server.received.length = 0;
    const res = await fetch(`${account.baseUrl}${path}`, { method: 'POST', headers: init.headers, body: init.body });
    const body = await res.text();
    const req = sim.server.received.at(-1)!;
    expect((await violations(req)).length, 'the spec itself must refuse this request').toBeGreaterThan(0);
    expect(res.status).toBe(400);
    expect(answerViolations(req, res.status, body)).toEqual([]);
    expect(JSON.parse(body)).toMatchObject({ status: 'ERROR', errors: [{ code: expect.any(String) }] });
  });

  it('accepts what the spec accepts beyond the adapter’s habits: extra JSON fields, a charset, a second form field', async () => {
    const ok = [
      await fetch(`${account.baseUrl}/v2/businesses/100500/chats/message?chatId=42`, {
        method: 'POST',
        headers: { 'api-key': TOKEN, 'content-type': 'application/json; charset=utf-8' },
        body: '{"message":"hi","extra":true}',
      }),
      await fetch(`${account.baseUrl}/v2/businesses/100500/chats/file/send?chatId=42`, {
        method: 'POST',
        ...form(`${filePart('note', 'n')}${filePart('file', 'abc', 'a.txt')}--b0undary--\r\n`),
      }),
    ];
    expect(ok.map((r) => r.status)).toEqual([200, 200]);
    for (const req of sim.server.received.slice(-2)) expect(await violations(req)).toEqual([]);
  });
});
