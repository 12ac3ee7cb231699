import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DiadocSimulator } from './diadoc.ts';

const TOKEN = 'oidc-access-token-1';
const CLIENT_ID = 'testClient-8ee1638deae84c86b8e2069955c2825a';
const FROM = 'db32772b-9256-49a8-a133-fda593fda38a';
const TO = '13254c424b4f74fd33240094aeb0f15a@diadoc.ru';
const CLOSED = 'closed-box@diadoc.ru';

const sim = new DiadocSimulator({
  tokens: [TOKEN],
  legacyClientIds: [CLIENT_ID],
  boxes: [FROM, 'second-box@diadoc.ru'],
  closedBoxes: [CLOSED],
});
let base = '';
beforeAll(async () => {
  base = await sim.start();
});
afterAll(() => sim.stop());
beforeEach(() => sim.server.clearFaults());

const pdf = Buffer.from('%PDF-1.4 договор поставки');
const sig = Buffer.from([0x30, 0x82, 0x01, 0x00]);
const attachment = (over: Record<string, unknown> = {}) => ({
  SignedContent: { Content: pdf.toString('base64'), Signature: sig.toString('base64') },
  TypeNamedId: 'Nonformalized',
  Metadata: [{ Key: 'FileName', Value: 'договор.pdf' }],
  ...over,
});
const utd = (over: Record<string, unknown> = {}) =>
  attachment({ TypeNamedId: 'UniversalTransferDocument', Function: 'СЧФДОП', Metadata: undefined, ...over });
const body = (over: Record<string, unknown> = {}) => ({ FromBoxId: FROM, ToBoxId: TO, DocumentAttachments: [attachment()], ...over });
const json = { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' };

async function post(
  payload: unknown,
  opts: { operationId?: string | null; headers?: Record<string, string>; raw?: string | Uint8Array<ArrayBuffer> } = {},
) {
  const q = opts.operationId === null ? '' : `?operationId=${encodeURIComponent(opts.operationId ?? crypto.randomUUID())}`;
  const res = await fetch(`${base}/V3/PostMessage${q}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, ...json, ...opts.headers },
    body: opts.raw ?? JSON.stringify(payload),
  });
  return { status: res.status, code: res.headers.get('x-diadoc-errorcode'), text: await res.text() };
}

describe('the Diadoc simulator: who may post', () => {
  it('accepts a known Bearer token and refuses a missing, unknown or foreign-scheme one with 401', async () => {
    expect((await post(body())).status).toBe(200);
    for (const authorization of ['', 'Bearer nope', `Basic ${TOKEN}`, `bearer ${TOKEN}`]) {
      const r = await post(body(), { headers: { authorization } });
      expect(r.status, authorization).toBe(401);
      expect(r.code).toBe('Http.Unauthorized');
    }
  });

  it('accepts the legacy DiadocAuth header with or without a space after the comma', async () => {
    for (const authorization of [
      `DiadocAuth ddauth_api_client_id=${CLIENT_ID},ddauth_token=${TOKEN}`,
      `DiadocAuth ddauth_api_client_id=${CLIENT_ID}, ddauth_token=${TOKEN}`,
    ]) {
      expect((await post(body(), { headers: { authorization } })).status).toBe(200);
    }
  });

  it('refuses DiadocAuth with an unknown client id, without a token, or with a wrong token', async () => {
    const cases = {
      [`DiadocAuth ddauth_api_client_id=someone-else,ddauth_token=${TOKEN}`]: /client_id/,
      [`DiadocAuth ddauth_api_client_id=${CLIENT_ID}`]: /ddauth_token is missing/,
      [`DiadocAuth ddauth_api_client_id=${CLIENT_ID},ddauth_token=stale`]: /invalid or expired/,
    };
    for (const [authorization, words] of Object.entries(cases)) {
      const r = await post(body(), { headers: { authorization } });
      expect(r.status).toBe(401);
      expect(r.text).toMatch(words);
    }
  });

  it('answers 403 when the sender box is not one of the token’s boxes', async () => {
    const r = await post(body({ FromBoxId: 'someone-elses-box@diadoc.ru' }));
    expect(r).toMatchObject({ status: 403, code: 'Http.Forbidden' });
    expect(r.text).toContain('someone-elses-box@diadoc.ru');
  });
});

describe('the Diadoc simulator: what a request must look like', () => {
  it('speaks JSON only: protobuf (no content type) and other types get 415, a charset other than utf-8 too', async () => {
    for (const ct of ['', 'application/x-protobuf', 'application/octet-stream', 'application/json; charset=windows-1251']) {
      const r = await post(body(), { headers: { 'content-type': ct } });
      expect(r.status, ct).toBe(415);
      expect(r.text).toMatch(/JSON only/);
    }
    expect((await post(body(), { headers: { 'content-type': 'application/json' } })).status).toBe(200);
  });

  it('needs Accept: application/json, since otherwise Diadoc would answer in protobuf', async () => {
    expect((await post(body(), { headers: { accept: '' } })).status).toBe(406);
    expect((await post(body(), { headers: { accept: 'text/html, application/json;q=0.9' } })).status).toBe(200);
  });

  it('answers 405 to any method but POST', async () => {
    const r = await fetch(`${base}/V3/PostMessage?operationId=x`, {
      headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' },
    });
    expect(r.status).toBe(405);
    expect(r.headers.get('x-diadoc-errorcode')).toBe('Http.MethodNotAllowed');
  });

  it('refuses a body that is not JSON', async () => {
    expect(await post(null, { raw: '{"FromBoxId": ' })).toMatchObject({ status: 400, text: 'The request body is not valid JSON' });
  });

  it.each([
    ['an unknown top-level field', body({ Recipient: TO }), 'Recipient: MessageToPost has no such field'],
    [
      'a camelCase name',
      { fromBoxId: FROM, ToBoxId: TO, DocumentAttachments: [attachment()] },
      'fromBoxId: MessageToPost has no such field',
    ],
    [
      'an unknown attachment field',
      body({ DocumentAttachments: [attachment({ FileName: 'a.pdf' })] }),
      'DocumentAttachments[0].FileName: DocumentAttachment has no such field',
    ],
    ['a missing FromBoxId', { ToBoxId: TO, DocumentAttachments: [attachment()] }, 'FromBoxId: required field of MessageToPost is missing'],
    [
      'a missing SignedContent',
      body({ DocumentAttachments: [{ TypeNamedId: 'Nonformalized' }] }),
      'DocumentAttachments[0].SignedContent: required field of DocumentAttachment is missing',
    ],
    [
      'a missing TypeNamedId',
      body({ DocumentAttachments: [{ SignedContent: { Content: 'AAAA', Signature: 'AAAA' } }] }),
      'DocumentAttachments[0].TypeNamedId: required field of DocumentAttachment is missing',
    ],
    ['a number for a string', body({ ToBoxId: 42 }), 'ToBoxId: a string is expected'],
    ['a string for a bool', body({ IsDraft: 'true' }), 'IsDraft: true or false is expected'],
    ['a single attachment instead of a list', body({ DocumentAttachments: attachment() }), 'DocumentAttachments: a list is expected'],
    [
      'content that is not base64',
      body({ DocumentAttachments: [attachment({ SignedContent: { Content: 'not base64!' } })] }),
      'DocumentAttachments[0].SignedContent.Content: base64 bytes are expected',
    ],
    [
      'a metadata item without a value',
      body({ DocumentAttachments: [attachment({ Metadata: [{ Key: 'FileName' }] })] }),
      'DocumentAttachments[0].Metadata[0].Value: required field of MetadataItem is missing',
    ],
    ['an unknown LockMode', body({ LockMode: 'Closed' }), 'LockMode: one of Unknown, None, Send, Full is expected'],
    ['null for a field', body({ ToDepartmentId: null }), 'ToDepartmentId: null is not a value'],
    [
      'an obsolete typed list',
      body({ NonformalizedDocuments: [] }),
      'NonformalizedDocuments: obsolete typed list; send DocumentAttachments',
    ],
    ['a field named like an Object method', body({ constructor: 1 }), 'constructor: MessageToPost has no such field'],
  ])('refuses %s with 400 naming the field', async (_name, payload, words) => {
    const r = await post(payload);
    expect(r).toMatchObject({ status: 400, code: 'Http.BadRequest' });
    expect(r.text).toBe(`Invalid MessageToPost: ${words}`);
  });

  it('accepts LockMode by name or by number', async () => {
    expect((await post(body({ LockMode: 'Full' }))).status).toBe(200);
    expect((await post(body({ LockMode: 3 }))).status).toBe(200);
    expect(sim.messages.at(-1)!.lockPacket).toBe(true);
  });

  it.each([
    ['no recipient', body({ ToBoxId: undefined }), 'ToBoxId: the recipient box is required'],
    ['a recipient equal to the sender', body({ ToBoxId: FROM.toUpperCase() }), 'ToBoxId: the recipient must differ from the sender'],
    ['a recipient on an internal message', body({ IsInternal: true }), 'ToBoxId: must be empty for an internal message'],
    ['no documents', body({ DocumentAttachments: [] }), 'DocumentAttachments: the message has no documents'],
    [
      '41 documents',
      body({ DocumentAttachments: Array.from({ length: 41 }, () => attachment()) }),
      'DocumentAttachments: 41 documents, at most 40 are allowed in one message',
    ],
    [
      'empty content',
      body({ DocumentAttachments: [attachment({ SignedContent: { Content: '', Signature: 'AAAA' } })] }),
      'DocumentAttachments[0].SignedContent.Content: the document content is required',
    ],
    [
      'content and a shelf name',
      body({ DocumentAttachments: [attachment({ SignedContent: { Content: 'AAAA', NameOnShelf: 'x', Signature: 'AAAA' } })] }),
      'DocumentAttachments[0].SignedContent: Content must be empty when NameOnShelf is set',
    ],
    [
      'a 5001-character comment',
      body({ DocumentAttachments: [attachment(), attachment({ Comment: 'я'.repeat(5001) })] }),
      'DocumentAttachments[1].Comment: longer than 5000 characters',
    ],
    [
      'an unknown type',
      body({ DocumentAttachments: [attachment({ TypeNamedId: 'Letter' })] }),
      'DocumentAttachments[0].TypeNamedId: unknown document type Letter',
    ],
    [
      'a УПД without a function',
      body({ DocumentAttachments: [utd({ Function: undefined })] }),
      'DocumentAttachments[0].Function: UniversalTransferDocument needs a function (СЧФ, ДОП, СЧФДОП)',
    ],
    [
      'an empty metadata key',
      body({ DocumentAttachments: [attachment({ Metadata: [{ Key: ' ', Value: 'v' }] })] }),
      'DocumentAttachments[0].Metadata[0].Key: must not be empty',
    ],
    [
      'a custom id used twice',
      body({ DocumentAttachments: [attachment({ CustomDocumentId: 'a' }), attachment({ CustomDocumentId: 'a' })] }),
      'DocumentAttachments[1].CustomDocumentId: a is used twice in one message',
    ],
  ])('refuses %s with 400 (documented rules beyond the proto)', async (_name, payload, text) => {
    expect(await post(payload)).toMatchObject({ status: 400, text });
  });

  it('accepts exactly 40 documents and a 5000-character comment', async () => {
    expect(
      (
        await post(
          body({ DocumentAttachments: Array.from({ length: 40 }, (_, i) => attachment({ Comment: i === 0 ? 'я'.repeat(5000) : 'ok' })) }),
        )
      ).status,
    ).toBe(200);
    expect(sim.messages.at(-1)!.documents).toHaveLength(40);
  });

  // 70 MB through one process's loopback is a few seconds of CPU, and 30 s or more of wall time on
  // the shared 2-core machine under a load average of 30: the common 30 s limit would cut it off.
  it('refuses a body over 70 MB with 413', async () => {
    // The size is judged before the body is read as JSON, so the bytes need not be a message.
    const r = await post(null, { raw: new Uint8Array(70_000_001).fill(0x41) });
    expect(r).toMatchObject({ status: 413, code: 'Http.RequestEntityTooLarge' });
  }, 120_000);

  it('answers 409 when the recipient accepts documents only from counteragents', async () => {
    const r = await post(body({ ToBoxId: CLOSED }));
    expect(r).toMatchObject({ status: 409, code: 'Http.Conflict', text: 'Recipient allows to receive messages only from counteragents' });
  });
});

describe('the Diadoc simulator: operationId', () => {
  it('returns the first Message again for a repeated operationId and creates nothing new', async () => {
    const before = sim.messages.length;
    const first = await post(body(), { operationId: 'op-repeat-1' });
    const again = await post(body(), { operationId: 'OP-REPEAT-1' });
    expect(first.status).toBe(200);
    expect(again).toEqual(first);
    expect(sim.messages.length).toBe(before + 1);
    expect(sim.operationIds.slice(-2)).toEqual(['op-repeat-1', 'OP-REPEAT-1']);
  });

  it('answers a used operationId with the first result even for another body, as the seed says, and records it', async () => {
    const first = await post(body(), { operationId: 'op-reused' });
    const other = await post(body({ DocumentAttachments: [attachment({ Comment: 'другое' })] }), { operationId: 'op-reused' });
    expect(JSON.parse(other.text).MessageId).toBe(JSON.parse(first.text).MessageId);
    expect(sim.reusedWithDifferentBody).toContain('op-reused');
  });

  it('uses the MD5 of the body when there is no operationId, so an identical body is not posted twice', async () => {
    const payload = body({ DocumentAttachments: [attachment({ Comment: `md5 ${crypto.randomUUID()}` })] });
    const before = sim.messages.length;
    const a = await post(payload, { operationId: null });
    const b = await post(payload, { operationId: '' });
    expect(JSON.parse(b.text).MessageId).toBe(JSON.parse(a.text).MessageId);
    expect(sim.messages.length).toBe(before + 1);
  });

  it('does not remember a refused attempt: the same operationId may succeed once the body is fixed', async () => {
    expect((await post(body({ ToBoxId: undefined }), { operationId: 'op-fixed' })).status).toBe(400);
    expect((await post(body(), { operationId: 'op-fixed' })).status).toBe(200);
  });

  it('plays injected 204 + Retry-After answers first, and counts them among the operationIds seen', async () => {
    sim.server.inject({ path: '/V3/PostMessage', status: 204, headers: { 'Retry-After': '1' }, times: 2 });
    const seen = sim.operationIds.length;
    const answers = [
      await post(body(), { operationId: 'op-204' }),
      await post(body(), { operationId: 'op-204' }),
      await post(body(), { operationId: 'op-204' }),
    ];
    expect(answers.map((a) => a.status)).toEqual([204, 204, 200]);
    expect(sim.operationIds.slice(seen)).toEqual(['op-204', 'op-204', 'op-204']);
  });
});

describe('the Diadoc simulator: the reply and the record', () => {
  it('answers a Message with one attachment entity per document, its signature and comment as children', async () => {
    const r = await post(
      body({
        DocumentAttachments: [
          attachment({
            SignedContent: { Content: pdf.toString('base64'), Signature: sig.toString('base64') },
            Comment: 'подпишите',
            CustomDocumentId: 'c-1',
            Metadata: [{ Key: 'FileName', Value: 'dogovor.pdf' }],
            NeedRecipientSignature: true,
          }),
          utd({ Version: 'utd970_05_03_01' }),
        ],
      }),
    );
    expect(r.status).toBe(200);
    const reply = JSON.parse(r.text);
    const record = sim.messages.at(-1)!;
    expect(reply).toMatchObject({
      MessageId: record.messageId,
      FromBoxId: FROM,
      ToBoxId: TO,
      IsDraft: false,
      MessageType: 'Letter',
      LockMode: 'None',
    });
    const docs = reply.Entities.filter(
      (e: { EntityType: string; ParentEntityId?: string }) => e.EntityType === 'Attachment' && !e.ParentEntityId,
    );
    expect(docs.map((e: { AttachmentType: string }) => e.AttachmentType)).toEqual(['Nonformalized', 'UniversalTransferDocument']);
    expect(docs[0]).toMatchObject({ FileName: 'dogovor.pdf', NeedRecipientSignature: true, Content: { Size: pdf.length } });
    expect(reply.Entities).toContainEqual(
      expect.objectContaining({ EntityType: 'Signature', ParentEntityId: docs[0].EntityId, SignerBoxId: FROM }),
    );
    expect(reply.Entities).toContainEqual(
      expect.objectContaining({ AttachmentType: 'AttachmentComment', ParentEntityId: docs[0].EntityId }),
    );
    expect(record).toMatchObject({ fromBoxId: FROM, toBoxId: TO, isDraft: false, lockPacket: false, delaySend: false });
    expect(record.documents[0]).toMatchObject({
      entityId: docs[0].EntityId,
      comment: 'подпишите',
      customDocumentId: 'c-1',
      contentBytes: pdf.length,
      signatureBytes: 4,
      needRecipientSignature: true,
    });
    expect(record.documents[1]).toMatchObject({ typeNamedId: 'UniversalTransferDocument', function: 'СЧФДОП', version: 'utd970_05_03_01' });
  });

  it('lists the token’s organization and boxes on GET /GetMyOrganizations, behind the same auth', async () => {
    const ok = await fetch(`${base}/GetMyOrganizations?autoRegister=false`, {
      headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' },
    });
    expect(ok.status).toBe(200);
    const list = (await ok.json()) as { Organizations: { Boxes: { BoxId: string; BoxIdGuid: string }[] }[] };
    expect(list.Organizations[0]!.Boxes.map((b) => b.BoxId)).toEqual([FROM, 'second-box@diadoc.ru']);
    expect(list.Organizations[0]!.Boxes[0]!.BoxIdGuid).toBe(FROM);
    const denied = await fetch(`${base}/GetMyOrganizations`, { headers: { accept: 'application/json' } });
    expect(denied.status).toBe(401);
    expect((await fetch(`${base}/GetMyOrganizations`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(405);
  });

  it('accepts a sender box by its GUID form too', async () => {
    const list = (await (
      await fetch(`${base}/GetMyOrganizations`, { headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' } })
    ).json()) as { Organizations: { Boxes: { BoxIdGuid: string }[] }[] };
    const guid = list.Organizations[0]!.Boxes[1]!.BoxIdGuid;
    expect((await post(body({ FromBoxId: guid }))).status).toBe(200);
    expect(sim.messages.at(-1)!.fromBoxId).toBe('second-box@diadoc.ru');
  });
});
