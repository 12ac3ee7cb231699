import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AccountSettings } from '../../shared/accounts.ts';
import type { DiadocDocument, DiadocMessage } from '../../shared/messages/diadoc.ts';
import { DiadocSimulator } from '../sandbox/diadoc.ts';
import { TempFiles } from '../testing/temp-files.ts';
import { withFileNames } from '../../shared/messages/diadoc.ts';
import { diadocAdapter, fieldFromProviderText, planPostMessageBody, readDiadocError, streamPostMessageBody } from './diadoc.ts';
import type { AdapterAccount, AdapterContext, AttemptResult, LocalFile } from './types.ts';

const TOKEN = 'oidc-access-token-7f3a9c';
const CLIENT_ID = 'testClient-8ee1638deae84c86b8e2069955c2825a';
const FROM = 'db32772b-9256-49a8-a133-fda593fda38a';
const TO = '13254c424b4f74fd33240094aeb0f15a@diadoc.ru';
const CLOSED = 'closed-box@diadoc.ru';
const POST = '/V3/PostMessage';

const sim = new DiadocSimulator({ tokens: [TOKEN], legacyClientIds: [CLIENT_ID], boxes: [FROM], closedBoxes: [CLOSED] });
const files = new TempFiles('diadoc-adapter');
let base = '';

beforeAll(async () => {
  base = await sim.start();
});
afterAll(async () => {
  await sim.stop();
  files.dispose();
});
beforeEach(() => sim.server.clearFaults());

const addFile = (name: string, bytes: Buffer): LocalFile => files.add(name, bytes);
const addSparseFile = (name: string, size: number): LocalFile => files.addSparse(name, size);
const lookup = files.get;

function account(
  over: {
    settings?: Partial<Extract<AccountSettings, { provider: 'diadoc' }>>;
    secrets?: AdapterAccount['secrets'];
    baseUrl?: string;
  } = {},
): AdapterAccount {
  return {
    id: 'acc-diadoc',
    baseUrl: over.baseUrl ?? base,
    settings: { provider: 'diadoc', authScheme: 'bearer', ...over.settings },
    secrets: over.secrets ?? { token: TOKEN },
  };
}

function ctx(over: Partial<AdapterContext> = {}): AdapterContext {
  return { account: account(), file: lookup, idempotencyKey: randomUUID(), timeoutMs: 5_000, now: () => 1_000_000, ...over };
}

const pdf = addFile('dogovor.pdf', Buffer.from('%PDF-1.4\nДоговор поставки №42\n%%EOF'));
const sig = addFile('dogovor.pdf.sig', Buffer.from([0x30, 0x82, 0x01, 0x00, 0x06, 0x09]));
const doc = (over: Partial<DiadocDocument> = {}): DiadocDocument => ({
  file: pdf.id,
  signatureFile: sig.id,
  typeNamedId: 'Nonformalized',
  ...over,
});
const message = (over: Partial<DiadocMessage> = {}): DiadocMessage => ({
  provider: 'diadoc',
  fromBoxId: FROM,
  toBoxId: TO,
  documents: [doc()],
  ...over,
});

function lastBody(): Record<string, unknown> {
  return JSON.parse(sim.server.received.at(-1)!.body.toString('utf8')) as Record<string, unknown>;
}

function failedError(r: AttemptResult) {
  expect(r.kind).toBe('failed');
  return (r as Extract<AttemptResult, { kind: 'failed' }>).error;
}

function retry(r: AttemptResult) {
  expect(r.kind).toBe('retry');
  return r as Extract<AttemptResult, { kind: 'retry' }>;
}

describe('the Diadoc adapter: the request it sends', () => {
  it('posts every field of the message as MessageToPost JSON and reads the MessageId back', async () => {
    const key = randomUUID();
    const msg = message({
      lockPacket: true,
      documents: [
        doc({
          comment: 'Прошу подписать',
          customDocumentId: 'console-42',
          needRecipientSignature: true,
          metadata: [{ key: 'FileName', value: 'Договор №42.pdf' }],
        }),
        doc({ typeNamedId: 'UniversalTransferDocument', function: 'СЧФДОП', version: 'utd970_05_03_01' }),
      ],
    });
    const r = await diadocAdapter.send(ctx({ idempotencyKey: key }), msg);
    expect(r.kind).toBe('sent');
    const created = sim.messages.at(-1)!;
    expect(r).toMatchObject({ providerMessageId: created.messageId });
    expect(lastBody()).toEqual({
      FromBoxId: FROM,
      ToBoxId: TO,
      DocumentAttachments: [
        {
          SignedContent: { Content: readFileB64(pdf), Signature: readFileB64(sig) },
          TypeNamedId: 'Nonformalized',
          Metadata: [{ Key: 'FileName', Value: 'Договор №42.pdf' }],
          Comment: 'Прошу подписать',
          CustomDocumentId: 'console-42',
          NeedRecipientSignature: true,
        },
        {
          SignedContent: { Content: readFileB64(pdf), Signature: readFileB64(sig) },
          TypeNamedId: 'UniversalTransferDocument',
          Function: 'СЧФДОП',
          Version: 'utd970_05_03_01',
        },
      ],
      LockPacket: true,
    });
    expect(created.documents[0]).toMatchObject({ contentSha256: pdf.sha256, signatureSha256: sig.sha256 });
    expect(created).toMatchObject({ isDraft: false, lockPacket: true, delaySend: false, operationId: key });
  });

  it('sends a draft and a delayed message without signatures, with their flags', async () => {
    const unsigned = doc({ signatureFile: undefined });
    expect((await diadocAdapter.send(ctx(), message({ isDraft: true, documents: [unsigned] }))).kind).toBe('sent');
    expect(lastBody()).toMatchObject({ IsDraft: true, DocumentAttachments: [{ SignedContent: { Content: readFileB64(pdf) } }] });
    expect((await diadocAdapter.send(ctx(), message({ delaySend: true, documents: [unsigned] }))).kind).toBe('sent');
    expect(lastBody()).toMatchObject({ DelaySend: true });
    expect(sim.messages.at(-1)).toMatchObject({ delaySend: true });
  });

  it('sends the JSON headers, the operationId in the query and an exact Content-Length', async () => {
    const key = randomUUID();
    const msg = message();
    await diadocAdapter.send(ctx({ idempotencyKey: key }), msg);
    const req = sim.server.received.at(-1)!;
    expect(req.path).toBe(POST);
    expect(req.query.get('operationId')).toBe(key);
    expect(req.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(req.headers.accept).toBe('application/json');
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(Number(req.headers['content-length'])).toBe(req.body.length);
    expect(
      planPostMessageBody(
        withFileNames(msg, (id) => lookup(id).name),
        lookup,
      ).contentLength,
    ).toBe(req.body.length);
  });

  it('uses the legacy DiadocAuth header when the account is set to it', async () => {
    const r = await diadocAdapter.send(
      ctx({ account: account({ settings: { authScheme: 'legacy' }, secrets: { token: TOKEN, clientId: CLIENT_ID } }) }),
      message(),
    );
    expect(r.kind).toBe('sent');
    expect(sim.server.received.at(-1)!.headers.authorization).toBe(`DiadocAuth ddauth_api_client_id=${CLIENT_ID},ddauth_token=${TOKEN}`);
  });

  it('takes the account’s sender box when the message leaves it empty', async () => {
    const r = await diadocAdapter.send(ctx({ account: account({ settings: { fromBoxId: FROM } }) }), message({ fromBoxId: '' }));
    expect(r.kind).toBe('sent');
    expect(lastBody().FromBoxId).toBe(FROM);
  });

  it('keeps the token and the file bytes out of the recorded exchange', async () => {
    const r = await diadocAdapter.send(ctx(), message());
    const ex = r.exchanges[0]!;
    expect(ex.requestHeaders.authorization).toBe('Bearer ‹redacted›');
    expect(JSON.stringify(ex)).not.toContain(TOKEN);
    expect(ex.requestBody).not.toContain(readFileB64(pdf));
    expect(ex.requestBody).toContain(`‹dogovor.pdf, ${pdf.size} bytes as base64, sha256 ${pdf.sha256.slice(0, 16)}…›`);
    expect(ex.url).toMatch(/\/V3\/PostMessage\?operationId=/);
  });

  it('encodes files of every length modulo 3, across read-chunk boundaries, exactly as base64', async () => {
    for (const size of [1, 2, 3, 4, 5, 196_607, 196_608, 196_609, 393_217]) {
      const f = addFile(`f${size}.bin`, randomBytes(size));
      const r = await diadocAdapter.send(ctx(), message({ documents: [doc({ file: f.id })] }));
      expect(r.kind, String(size)).toBe('sent');
      expect(sim.messages.at(-1)!.documents[0]!.contentSha256, String(size)).toBe(f.sha256);
    }
  });

  it('streams 40 inline documents in small pieces, reports progress up to the exact total, and all arrive intact', async () => {
    const docs = Array.from({ length: 40 }, (_, i) =>
      doc({ file: addFile(`part${i}.pdf`, randomBytes(400_000)).id, customDocumentId: `part-${i}` }),
    );
    const msg = message({ documents: docs });
    const plan = planPostMessageBody(msg, lookup);
    let largest = 0;
    let streamed = 0;
    for await (const piece of streamPostMessageBody(plan)) {
      largest = Math.max(largest, piece.byteLength);
      streamed += piece.byteLength;
    }
    expect(streamed).toBe(plan.contentLength);
    expect(largest).toBeLessThanOrEqual(4 * 64 * 1024);

    const progress: [number, number][] = [];
    const r = await diadocAdapter.send(ctx({ onProgress: (sent, total) => progress.push([sent, total]) }), msg);
    expect(r.kind).toBe('sent');
    const sent = planPostMessageBody(
      withFileNames(msg, (id) => lookup(id).name),
      lookup,
    ).contentLength;
    expect(sim.messages.at(-1)!.documents.map((d) => d.contentSha256)).toEqual(docs.map((d) => files.get(d.file).sha256));
    expect(progress.at(-1)).toEqual([sent, sent]);
    expect(progress.every(([n], i) => i === 0 || n >= progress[i - 1]![0])).toBe(true);
    expect(progress.length).toBeGreaterThan(40);
  });
});

describe('the Diadoc adapter: large documents through the shelf (sheet §12.3)', () => {
  it('sends 40 documents of 2.5 MB each: every one on the shelf in 2 MiB parts, one small PostMessage naming them', async () => {
    const docs = Array.from({ length: 40 }, (_, i) =>
      doc({ file: addSparseFile(`scan-${i}.pdf`, 2_500_000).id, customDocumentId: `scan-${i}` }),
    );
    const before = sim.server.received.length;
    const progress: [number, number][] = [];
    const r = await diadocAdapter.send(ctx({ onProgress: (sent, total) => progress.push([sent, total]) }), message({ documents: docs }));
    expect(r.kind, JSON.stringify('error' in r ? r.error : '')).toBe('sent');
    const requests = sim.server.received.slice(before);
    expect(requests.filter((q) => q.path === '/ShelfUploadPartInit')).toHaveLength(40);
    expect(requests.filter((q) => q.path === '/ShelfUploadPart')).toHaveLength(40);
    expect(requests.filter((q) => q.path.startsWith('/ShelfUpload')).every((q) => q.body.length <= 2 * 1024 * 1024)).toBe(true);
    const post = requests.filter((q) => q.path === POST);
    expect(post).toHaveLength(1);
    expect(post[0]!.body.length).toBeLessThan(40 * 1024);
    const created = sim.messages.at(-1)!;
    expect(created.documents.map((d) => d.contentBytes)).toEqual(docs.map(() => 2_500_000));
    expect(created.documents.every((d) => d.nameOnShelf?.startsWith('dd-api-'))).toBe(true);
    expect(progress.at(-1)![0]).toBe(progress.at(-1)![1]);
  });

  it('names a shelf refusal as failed before any message was posted', async () => {
    sim.server.inject({ path: '/ShelfUploadPartInit', status: 403, body: 'API client is blocked' });
    const before = sim.server.received.length;
    const r = await diadocAdapter.send(ctx(), message({ documents: [doc({ file: addSparseFile('big.pdf', 700_000).id })] }));
    expect(failedError(r)).toMatchObject({ kind: 'forbidden', reason: 'shelf_refused', providerStatus: 403 });
    expect(sim.server.received.slice(before).some((q) => q.path === POST)).toBe(false);
  });

  it('repeats a shelf part after a 500 without starting over', async () => {
    const key = randomUUID();
    const big = addSparseFile('big2.pdf', 5_000_000);
    let failedOnce = false;
    sim.server.chooseFault = (req) => {
      if (failedOnce || req.path !== '/ShelfUploadPart') return undefined;
      failedOnce = true;
      return { status: 500, body: 'Unexpected error' };
    };
    const first = await diadocAdapter.send(ctx({ idempotencyKey: key }), message({ documents: [doc({ file: big.id })] }));
    expect(retry(first).error).toMatchObject({ reason: 'shelf_refused', providerStatus: 500 });
    const before = sim.server.received.length;
    expect((await diadocAdapter.send(ctx({ idempotencyKey: key }), message({ documents: [doc({ file: big.id })] }))).kind).toBe('sent');
    const again = sim.server.received.slice(before).filter((q) => q.path.startsWith('/ShelfUpload'));
    sim.server.chooseFault = undefined;
    expect(again.map((q) => q.query.get('partIndex'))).toEqual(['1', '2']);
  });
});

describe('the Diadoc adapter: refusals before any request', () => {
  it('refuses 41 documents without sending anything', async () => {
    const before = sim.server.received.length;
    const r = await diadocAdapter.send(ctx(), message({ documents: Array.from({ length: 41 }, () => doc()) }));
    expect(failedError(r)).toMatchObject({ kind: 'invalid', reason: 'too_many', field: 'documents', limit: 40 });
    expect(r.exchanges).toEqual([]);
    expect(sim.server.received.length).toBe(before);
  });

  it('refuses a document over the shelf’s 400 MB without sending anything, and lets large ones through to the shelf', async () => {
    const huge = addSparseFile('archive.pdf', 400_000_001);
    const before = sim.server.received.length;
    const r = await diadocAdapter.send(ctx(), message({ documents: [doc(), doc({ file: huge.id })] }));
    expect(failedError(r)).toMatchObject({ kind: 'too_large', reason: 'file_too_big', field: 'documents.1.file', limit: 400_000_000 });
    expect(sim.server.received.length).toBe(before);
    // 3 × 17.5 MB would be 70 000 000+ bytes as inline base64; through the shelf the request stays small.
    const parts = [0, 1, 2].map((i) => addSparseFile(`scan${i}.pdf`, 17_500_000));
    expect(diadocAdapter.check(message({ documents: parts.map((p) => doc({ file: p.id })) }), account(), lookup)).toEqual([]);
  });

  it('refuses a message its rules break, naming the field', async () => {
    const r = await diadocAdapter.send(ctx(), message({ documents: [doc(), doc(), doc(), doc({ comment: 'x'.repeat(5001) })] }));
    expect(failedError(r)).toMatchObject({ kind: 'invalid', field: 'documents.3.comment', reason: 'too_long', limit: 5000 });
  });

  it('refuses without a token, and legacy without a client id', async () => {
    expect(failedError(await diadocAdapter.send(ctx({ account: account({ secrets: {} }) }), message()))).toMatchObject({
      kind: 'unauthorized',
      reason: 'token_missing',
    });
    expect(
      failedError(
        await diadocAdapter.send(ctx({ account: account({ settings: { authScheme: 'legacy' }, secrets: { token: TOKEN } }) }), message()),
      ),
    ).toMatchObject({ kind: 'unauthorized', reason: 'client_id_missing' });
  });

  it('names the document whose file handle is unknown, or whose file changed on disk since it was attached', async () => {
    const gone = await diadocAdapter.send(ctx(), message({ documents: [doc(), doc({ signatureFile: 'f_nosuchhandle0' })] }));
    expect(failedError(gone)).toMatchObject({ kind: 'invalid', reason: 'file_unknown', field: 'documents.1.signatureFile' });
    const f = addFile('changing.pdf', Buffer.from('first version'));
    writeFileSync(f.path, 'a longer second version');
    const changed = await diadocAdapter.send(ctx(), message({ documents: [doc({ file: f.id })] }));
    expect(failedError(changed)).toMatchObject({ kind: 'invalid', reason: 'file_changed', field: 'documents.0.file' });
    expect(changed.exchanges).toEqual([]);
  });

  it('stops the body stream, naming the document, when a file changes size while it is read', async () => {
    const f = addFile('growing.pdf', Buffer.from('0123456789'));
    const plan = planPostMessageBody(message({ documents: [doc(), doc({ file: f.id })] }), lookup);
    writeFileSync(f.path, '0123456789 and more');
    const read = async () => {
      for await (const piece of streamPostMessageBody(plan)) void piece;
    };
    await expect(read()).rejects.toMatchObject({ field: 'documents.1.file', message: 'growing.pdf grew while it was being sent.' });
    writeFileSync(f.path, '01234');
    await expect(read()).rejects.toMatchObject({ field: 'documents.1.file', message: 'growing.pdf shrank while it was being sent.' });
  });
});

describe('the Diadoc adapter: 204 and the operationId', () => {
  it('answers 204 twice then 200: three attempts with one operationId create exactly one message', async () => {
    sim.server.inject({ path: POST, status: 204, headers: { 'Retry-After': '1' }, times: 2 });
    const key = randomUUID();
    const before = sim.messages.length;
    let now = 5_000_000;
    const attempt = () => diadocAdapter.send(ctx({ idempotencyKey: key, now: () => now }), message());

    const first = retry(await attempt());
    expect(first.retryAt).toBe(now + 1000);
    expect(first.error).toMatchObject({ reason: 'processing', providerStatus: 204 });
    now = first.retryAt;
    const second = retry(await attempt());
    expect(second.retryAt).toBe(now + 1000);
    now = second.retryAt;
    const third = await attempt();
    expect(third.kind).toBe('sent');

    expect(sim.messages.length).toBe(before + 1);
    expect(third).toMatchObject({ providerMessageId: sim.messages.at(-1)!.messageId });
    expect(sim.operationIds.slice(-3)).toEqual([key, key, key]);
  });

  it('a repeat after a lost reply gets the very message the first attempt created', async () => {
    sim.server.inject({ path: POST, acceptThenDrop: true });
    const key = randomUUID();
    const before = sim.messages.length;
    const lost = retry(await diadocAdapter.send(ctx({ idempotencyKey: key }), message()));
    expect(lost.error).toMatchObject({ kind: 'network', reason: 'connection_lost' });
    expect(sim.messages.length).toBe(before + 1);
    const again = await diadocAdapter.send(ctx({ idempotencyKey: key }), message());
    expect(again).toMatchObject({ kind: 'sent', providerMessageId: sim.messages.at(-1)!.messageId });
    expect(sim.messages.length).toBe(before + 1);
  });

  it('waits 5 s when 204 has no Retry-After, and keeps Retry-After between 1 s and 5 min', async () => {
    const now = 10_000_000;
    const cases: [Record<string, string>, number][] = [
      [{}, 5_000],
      [{ 'Retry-After': '0' }, 1_000],
      [{ 'Retry-After': '99999' }, 300_000],
      [{ 'Retry-After': '12' }, 12_000],
    ];
    for (const [headers, wait] of cases) {
      sim.server.inject({ path: POST, status: 204, headers });
      expect(retry(await diadocAdapter.send(ctx({ now: () => now }), message())).retryAt, JSON.stringify(headers)).toBe(now + wait);
    }
  });
});

describe('the Diadoc adapter: documented error statuses', () => {
  const table = [
    {
      status: 400,
      code: 'Http.BadRequest',
      text: 'Request body is malformed',
      kind: 'invalid',
      reason: 'provider_invalid',
      result: 'failed',
    },
    {
      status: 401,
      code: 'Http.Unauthorized',
      text: 'The access token is invalid or expired',
      kind: 'unauthorized',
      reason: 'token_rejected',
      result: 'failed',
    },
    {
      status: 402,
      code: 'Http.PaymentRequired',
      text: 'API subscription of the box has expired',
      kind: 'payment_required',
      reason: 'subscription_needed',
      result: 'failed',
    },
    {
      status: 403,
      code: 'Http.Forbidden',
      text: 'Access to the box is denied',
      kind: 'forbidden',
      reason: 'box_forbidden',
      result: 'failed',
    },
    {
      status: 405,
      code: 'Http.MethodNotAllowed',
      text: 'Method not allowed',
      kind: 'provider_error',
      reason: 'method_not_allowed',
      result: 'failed',
    },
    { status: 409, code: 'Http.Conflict', text: 'Duplicate message', kind: 'conflict', reason: 'provider_conflict', result: 'failed' },
    {
      status: 500,
      code: 'Http.InternalServerError',
      text: 'Unexpected error',
      kind: 'provider_error',
      reason: 'provider_generic',
      result: 'retry',
    },
  ] as const;

  it.each(table)(
    '$status → $kind ($reason), keeping X-Diadoc-ErrorCode and the provider’s words',
    async ({ status, code, text, kind, reason, result }) => {
      sim.server.inject({
        path: POST,
        status,
        headers: { 'X-Diadoc-ErrorCode': code, 'Content-Type': 'text/plain; charset=utf-8' },
        body: text,
      });
      const r = await diadocAdapter.send(ctx(), message());
      expect(r.kind).toBe(result);
      const error = (r as { error: { kind: string; message: string } }).error;
      expect(error).toMatchObject({ kind, reason, providerStatus: status, providerCode: code, providerText: text });
      expect(error.message).toMatch(/^[A-Z].+\.$/);
      expect(error.message).not.toContain(text);
    },
  );

  it('repeats a 500 with the same operationId after Retry-After, or after 30 s', async () => {
    sim.server.inject({ path: POST, status: 503, headers: { 'Retry-After': '20' }, body: 'Service Unavailable' });
    expect(retry(await diadocAdapter.send(ctx({ now: () => 0 }), message())).retryAt).toBe(20_000);
    sim.server.inject({ path: POST, status: 500, body: 'Unexpected error' });
    expect(retry(await diadocAdapter.send(ctx({ now: () => 0 }), message())).retryAt).toBe(30_000);
  });

  it('points a 400 at the composer field its text names', async () => {
    const r = await diadocAdapter.send(ctx(), message({ documents: [doc(), doc({ typeNamedId: 'LetterOfIntent' })] }));
    expect(failedError(r)).toMatchObject({
      kind: 'invalid',
      field: 'documents.1.typeNamedId',
      providerStatus: 400,
      providerCode: 'Http.BadRequest',
      providerText: 'DocumentAttachments[1].TypeNamedId: unknown document type LetterOfIntent',
    });
  });

  it('maps the simulator’s own refusals: a foreign sender box is 403, a closed recipient is 409 recipient_refuses', async () => {
    expect(failedError(await diadocAdapter.send(ctx(), message({ fromBoxId: 'not-mine@diadoc.ru' })))).toMatchObject({
      kind: 'forbidden',
      reason: 'box_forbidden',
      providerStatus: 403,
    });
    const closed = failedError(await diadocAdapter.send(ctx(), message({ toBoxId: CLOSED })));
    expect(closed).toMatchObject({ kind: 'conflict', reason: 'recipient_refuses', providerStatus: 409, providerCode: 'Http.Conflict' });
    expect(closed.message).toMatch(/counteragents/);
  });

  it('turns a wrong token into 401 token_rejected', async () => {
    expect(
      failedError(await diadocAdapter.send(ctx({ account: account({ secrets: { token: 'expired-token' } }) }), message())),
    ).toMatchObject({ kind: 'unauthorized', reason: 'token_rejected', providerStatus: 401 });
  });

  it('reads the XML <error> envelope seen in user reports', async () => {
    sim.server.inject({
      path: POST,
      status: 409,
      body: '<error><code>409</code><message>Conflict</message><description>Recipient forbids to receive messages from blocked senders</description></error>',
    });
    const error = failedError(await diadocAdapter.send(ctx(), message()));
    expect(error).toMatchObject({
      kind: 'conflict',
      reason: 'recipient_refuses',
      providerText: 'Conflict: Recipient forbids to receive messages from blocked senders',
    });
    expect(error.providerCode).toBeUndefined();
  });

  it('waits out a 409 "Request processing is in progress" like a 204', async () => {
    sim.server.inject({
      path: POST,
      status: 409,
      headers: { 'Retry-After': '3' },
      body: '<error><code>409</code><message>Conflict</message><description>Request processing is in progress. Please, retry later.</description></error>',
    });
    const r = retry(await diadocAdapter.send(ctx({ now: () => 0 }), message()));
    expect(r.retryAt).toBe(3_000);
    expect(r.error).toMatchObject({ reason: 'processing', providerStatus: 409 });
  });

  it('fails a send refused with 413 while its 26 MB body is still going out: the answer says nothing was created', async () => {
    // 40 documents just under the inline advice stay in the body (§10), so the answer comes mid-upload.
    const part = addFile('chast.pdf', randomBytes(490_000));
    sim.server.inject({ path: POST, status: 413, body: 'Request Entity Too Large', answerBeforeBody: true });
    const r = await diadocAdapter.send(
      ctx({ timeoutMs: 60_000 }),
      message({ documents: Array.from({ length: 40 }, () => doc({ file: part.id })) }),
    );
    expect(failedError(r)).toMatchObject({ kind: 'too_large', reason: 'request_too_large', providerStatus: 413 });
    expect(sim.server.faultsMet.at(-1)?.answerBeforeBody).toBe(true);
  });

  it('maps the unlisted 413 and 429', async () => {
    sim.server.inject({ path: POST, status: 413, body: 'Request Entity Too Large' });
    expect(failedError(await diadocAdapter.send(ctx(), message()))).toMatchObject({
      kind: 'too_large',
      reason: 'request_too_large',
      providerStatus: 413,
    });
    sim.server.inject({ path: POST, status: 429, headers: { 'Retry-After': '7' } });
    const r = retry(await diadocAdapter.send(ctx({ now: () => 0 }), message()));
    expect(r).toMatchObject({ retryAt: 7_000, error: { kind: 'rate_limited', reason: 'too_fast' } });
  });
});

describe('the Diadoc adapter: unreadable replies and transport failures', () => {
  it('turns an HTML gateway page into a readable provider_error, retried since 502 is a 5xx', async () => {
    sim.server.inject({ path: POST, html: true, status: 502 });
    const r = retry(await diadocAdapter.send(ctx(), message()));
    expect(r.error.kind).toBe('provider_error');
    expect(r.error.message).toMatch(/HTML page/);
    expect(r.error.providerText).toBe('502 Bad Gateway 502 Bad Gateway nginx');
  });

  it('refuses with the words of an HTML 400 page without pretending to know the field', async () => {
    sim.server.inject({ path: POST, html: true, status: 400 });
    const error = failedError(await diadocAdapter.send(ctx(), message()));
    expect(error).toMatchObject({ kind: 'invalid', providerStatus: 400 });
    expect(error.field).toBeUndefined();
  });

  it('asks again after a 200 it cannot read, because the operationId makes that safe', async () => {
    sim.server.inject({ path: POST, malformed: true, status: 200 });
    const r = retry(await diadocAdapter.send(ctx({ now: () => 0 }), message()));
    expect(r.retryAt).toBe(5_000);
    expect(r.error).toMatchObject({ kind: 'provider_error', reason: 'unreadable_reply', providerStatus: 200 });
    sim.server.inject({ path: POST, status: 200, headers: { 'content-type': 'application/json' }, body: '{"Entities":[]}' });
    expect(retry(await diadocAdapter.send(ctx(), message())).error.reason).toBe('unreadable_reply');
  });

  it('cuts off a huge reply and says so', async () => {
    sim.server.inject({ path: POST, hugeBytes: 3 * 1024 * 1024, status: 400 });
    const error = failedError(await diadocAdapter.send(ctx(), message()));
    expect(error.message).toMatch(/too large to read/);
    expect(error.providerText!.length).toBeLessThanOrEqual(301);
  });

  it('repeats after a timeout instead of leaving the outcome unknown', async () => {
    sim.server.inject({ path: POST, delayMs: 1_500 });
    const r = retry(await diadocAdapter.send(ctx({ timeoutMs: 300, now: () => 0 }), message()));
    expect(r.error).toMatchObject({ kind: 'network', reason: 'timeout' });
    expect(r.error.message).toMatch(/same operation id/);
    expect(r.retryAt).toBe(10_000);
  });

  it('repeats after a dropped connection', async () => {
    sim.server.inject({ path: POST, dropAfterBody: true });
    expect(retry(await diadocAdapter.send(ctx(), message())).error).toMatchObject({ kind: 'network', reason: 'connection_lost' });
  });

  it('repeats soon when the server cannot be reached at all', async () => {
    const port = await freePort();
    const r = retry(await diadocAdapter.send(ctx({ account: account({ baseUrl: `http://127.0.0.1:${port}` }), now: () => 0 }), message()));
    expect(r).toMatchObject({ retryAt: 2_000, error: { kind: 'network', reason: 'not_reached' } });
  });
});

describe('the Diadoc adapter: reading error bodies', () => {
  it('prefers the X-Diadoc-ErrorCode header and reads plain, XML and JSON bodies', () => {
    const h = (code?: string) => new Headers(code ? { 'X-Diadoc-ErrorCode': code } : {});
    expect(readDiadocError('Box not found', h('DocumentService.InvalidDocumentState'))).toEqual({
      code: 'DocumentService.InvalidDocumentState',
      text: 'Box not found',
      html: false,
    });
    expect(readDiadocError('<?xml version="1.0"?><error><code>Http.Conflict</code><message>Conflict</message></error>', h())).toEqual({
      code: 'Http.Conflict',
      text: 'Conflict',
      html: false,
    });
    expect(readDiadocError('{"Message":"Bad box id","Code":"Boxes.NotFound"}', h())).toEqual({
      code: 'Boxes.NotFound',
      text: 'Bad box id',
      html: false,
    });
    expect(readDiadocError('<!DOCTYPE html><html><body>oops</body></html>', h()).html).toBe(true);
    expect(readDiadocError('', h())).toEqual({ html: false });
  });

  it('maps proto paths in error texts to the composer’s fields', () => {
    expect(fieldFromProviderText('DocumentAttachments[3].Comment: too long')).toBe('documents.3.comment');
    expect(fieldFromProviderText('DocumentAttachments[0].SignedContent.Content: base64 bytes are expected')).toBe('documents.0.file');
    expect(fieldFromProviderText('DocumentAttachments[2].SignedContent.Signature: bad')).toBe('documents.2.signatureFile');
    expect(fieldFromProviderText('DocumentAttachments[1].Metadata[4].Value: must not be empty')).toBe('documents.1.metadata.4.value');
    expect(fieldFromProviderText('DocumentAttachments[5]: unknown')).toBe('documents.5');
    expect(fieldFromProviderText('ToBoxId: the recipient box is required')).toBe('toBoxId');
    expect(fieldFromProviderText('DocumentAttachments: 41 documents')).toBe('documents');
    expect(fieldFromProviderText('Something else went wrong')).toBeUndefined();
  });
});

describe('the Diadoc adapter: describe and checkConnection', () => {
  it('describes a send by recipient box, documents and their words', () => {
    const d = diadocAdapter.describe(
      message({
        documents: [
          doc({ comment: 'Акт за май', metadata: [{ key: 'DocumentNumber', value: 'А-17' }] }),
          doc({ customDocumentId: 'console-42' }),
          doc({ typeNamedId: 'Contract' }),
        ],
      }),
      lookup,
    );
    expect(d.to).toEqual({ kind: 'box', id: TO });
    expect(d.preview).toEqual({ kind: 'documents', count: 3, names: ['Акт за май', 'console-42', 'dogovor.pdf'] });
    for (const word of ['Акт за май', 'console-42', 'Contract', 'Nonformalized', 'dogovor.pdf', 'А-17', TO])
      expect(d.searchText).toContain(word);
    expect(diadocAdapter.describe(message()).preview).toEqual({ kind: 'documents', count: 1, names: ['Nonformalized'] });
  });

  it('says the adapter is idempotent, so the outbox may repeat it', () => {
    expect(diadocAdapter.idempotent).toBe(true);
    expect(diadocAdapter.provider).toBe('diadoc');
  });

  it('checks the connection with a read-only GetMyOrganizations that never auto-registers', async () => {
    const ok = await diadocAdapter.checkConnection!(ctx({ account: account({ settings: { fromBoxId: FROM } }) }));
    expect(ok).toMatchObject({ ok: true, reason: 'connected' });
    expect(ok.detail).toContain(FROM);
    const req = sim.server.received.at(-1)!;
    expect(req.method).toBe('GET');
    expect(req.path).toBe('/GetMyOrganizations');
    expect(req.query.get('autoRegister')).toBe('false');
  });

  it('reports a rejected token, a sender box the token cannot use, and an unreachable server', async () => {
    expect(await diadocAdapter.checkConnection!(ctx({ account: account({ secrets: { token: 'stale' } }) }))).toMatchObject({
      ok: false,
      reason: 'token_rejected',
    });
    expect(await diadocAdapter.checkConnection!(ctx({ account: account({ settings: { fromBoxId: 'other@diadoc.ru' } }) }))).toMatchObject({
      ok: false,
      reason: 'box_not_yours',
    });
    expect(
      await diadocAdapter.checkConnection!(
        ctx({ account: account({ settings: { authScheme: 'legacy' }, secrets: { token: TOKEN, clientId: CLIENT_ID } }) }),
      ),
    ).toMatchObject({ ok: true });
    const port = await freePort();
    expect(await diadocAdapter.checkConnection!(ctx({ account: account({ baseUrl: `http://127.0.0.1:${port}` }) }))).toMatchObject({
      ok: false,
      reason: 'not_reached',
    });
  });
});

function readFileB64(f: LocalFile): string {
  return readFileSync(f.path).toString('base64');
}

/** A port nothing listens on: bound, read, released. */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
