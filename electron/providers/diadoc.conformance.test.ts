import { randomBytes, randomUUID } from 'node:crypto';
import type protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiadocDocument, DiadocMessage } from '../../shared/messages/diadoc.ts';
import { diadocShapes, DiadocSimulator, type MessageShape } from '../sandbox/diadoc.ts';
import { diadocProtos, protoProblems } from '../testing/proto-json.ts';
import { TempFiles } from '../testing/temp-files.ts';
import { readDocumentTypes } from './diadoc-types.ts';
import { diadocAdapter } from './diadoc.ts';
import type { AdapterContext, LocalFile } from './types.ts';

/**
 * Holds the adapter's requests and the simulator's behaviour against Kontur's own .proto files
 * (shared/specs/diadoc/proto, from diadocsdk-csharp). The JSON form of the API uses the proto
 * field names verbatim, base64 for bytes, and enums by name or number (diadoc.md §3).
 */
const root = diadocProtos([
  'Events/DiadocMessage-PostApi.proto',
  'Events/DiadocMessage-GetApi.proto',
  'Organization.proto',
  'Documents/Types/DocumentTypeDescriptionV3.proto',
]);
const MessageToPost = root.lookupType('Diadoc.Api.Proto.Events.MessageToPost');
const Message = root.lookupType('Diadoc.Api.Proto.Events.Message');
const OrganizationList = root.lookupType('Diadoc.Api.Proto.OrganizationList');
const GetDocumentTypesResponseV3 = root.lookupType('Diadoc.Api.Proto.Documents.Types.GetDocumentTypesResponseV3');

/** Through protobuf's own wire format and back, as the server would read it. */
function roundTrip(type: protobuf.Type, json: Record<string, unknown>): Record<string, unknown> {
  const msg = type.fromObject(json);
  expect(type.verify(msg)).toBeNull();
  return type.toObject(type.decode(type.encode(msg).finish()), { bytes: String, enums: String, longs: Number });
}

// ---------------------------------------------------------------------------------------------

const TOKEN = 'conformance-token';
const CLIENT_ID = 'conformance-client';
const FROM = 'db32772b-9256-49a8-a133-fda593fda38a';
const TO = '13254c424b4f74fd33240094aeb0f15a@diadoc.ru';
const sim = new DiadocSimulator({ tokens: [TOKEN], legacyClientIds: [CLIENT_ID], boxes: [FROM] });
const files = new TempFiles('diadoc-conformance');
let base = '';
beforeAll(async () => {
  base = await sim.start();
});
afterAll(async () => {
  await sim.stop();
  files.dispose();
});

const addFile = (name: string, bytes: Buffer): LocalFile => files.add(name, bytes);

function ctx(legacy = false): AdapterContext {
  return {
    account: {
      id: 'a',
      baseUrl: base,
      settings: { provider: 'diadoc', authScheme: legacy ? 'legacy' : 'bearer' },
      secrets: legacy ? { token: TOKEN, clientId: CLIENT_ID } : { token: TOKEN },
    },
    file: files.get,
    idempotencyKey: randomUUID(),
    timeoutMs: 10_000,
    now: () => Date.now(),
  };
}

const pdf = addFile('akt.pdf', Buffer.from('%PDF-1.7 акт сверки'));
const sig = addFile('akt.pdf.p7s', randomBytes(700));
const doc = (over: Partial<DiadocDocument> = {}): DiadocDocument => ({
  file: pdf.id,
  signatureFile: sig.id,
  typeNamedId: 'Nonformalized',
  ...over,
});

const messages: [string, DiadocMessage, boolean][] = [
  ['one plain document', { provider: 'diadoc', fromBoxId: FROM, toBoxId: TO, documents: [doc()] }, false],
  [
    'every field the composer has',
    {
      provider: 'diadoc',
      fromBoxId: FROM,
      toBoxId: TO,
      lockPacket: true,
      documents: [
        doc({
          typeNamedId: 'Contract',
          comment: 'Акт сверки за II квартал — «срочно»\nспасибо',
          customDocumentId: 'console-1',
          needRecipientSignature: true,
          metadata: [
            { key: 'DocumentNumber', value: '17/2' },
            { key: 'DocumentDate', value: '30.06.2026' },
          ],
        }),
        doc({
          typeNamedId: 'UniversalTransferDocument',
          function: 'СЧФДОП',
          version: 'utd970_05_03_01',
          file: addFile('upd.xml', Buffer.from('<Файл ИдФайл="ON_NSCHFDOPPR"/>', 'utf8')).id,
        }),
      ],
    },
    false,
  ],
  [
    'forty documents',
    {
      provider: 'diadoc',
      fromBoxId: FROM,
      toBoxId: TO,
      documents: Array.from({ length: 40 }, (_, i) =>
        doc({ file: addFile(`p${i}.bin`, randomBytes(1 + i * 37)).id, customDocumentId: `p-${i}` }),
      ),
    },
    false,
  ],
  ['the legacy auth scheme', { provider: 'diadoc', fromBoxId: FROM, toBoxId: TO, documents: [doc({ comment: 'legacy' })] }, true],
  [
    'an unsigned draft and an unsigned delayed send',
    { provider: 'diadoc', fromBoxId: FROM, toBoxId: TO, isDraft: true, delaySend: true, documents: [doc({ signatureFile: undefined })] },
    false,
  ],
  [
    'a document through the shelf',
    { provider: 'diadoc', fromBoxId: FROM, toBoxId: TO, documents: [doc({ file: addFile('scan.pdf', randomBytes(2_500_000)).id })] },
    false,
  ],
];

describe('Diadoc conformance: what the adapter sends is a MessageToPost', () => {
  it.each(messages)('%s', async (_name, msg, legacy) => {
    const before = sim.server.received.length;
    const r = await diadocAdapter.send(ctx(legacy), msg);
    expect(r.kind).toBe('sent');
    const sent = sim.server.received.slice(before).filter((q) => q.path === '/V3/PostMessage');
    expect(sent).toHaveLength(1);
    const json = JSON.parse(sent[0]!.body.toString('utf8')) as Record<string, unknown>;
    expect(protoProblems(MessageToPost, json)).toEqual([]);
    expect(roundTrip(MessageToPost, json)).toEqual(json);
    // §12.2: a Nonformalized document always names its file, and no formalised one carries metadata.
    const attachments = json.DocumentAttachments as { TypeNamedId: string; Metadata?: { Key: string }[] }[];
    const ofType = (type: string) => attachments.filter((d) => d.TypeNamedId === type);
    for (const d of ofType('Nonformalized')) expect(d.Metadata?.map((m) => m.Key)).toEqual(['FileName']);
    for (const d of ofType('UniversalTransferDocument')) expect(d.Metadata).toBeUndefined();
  });
});

describe('Diadoc conformance: the simulator enforces the proto', () => {
  function fieldsOf(shape: MessageShape) {
    return Object.entries(shape.fields).map(([name, f]) => ({ name, required: !!f.required, repeated: !!f.repeated }));
  }

  it.each(Object.entries(diadocShapes))(
    'its %s shape has exactly the proto’s fields, required and repeated flags and types',
    (_key, shape) => {
      const type = root.lookupType(shape.name);
      expect(fieldsOf(shape).sort((a, b) => a.name.localeCompare(b.name))).toEqual(
        type.fieldsArray
          .map((f) => ({ name: f.name, required: f.required, repeated: f.repeated }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      );
      for (const [name, f] of Object.entries(shape.fields)) {
        const pf = type.fields[name]!;
        if (f.type === 'unsupported') continue;
        const [actual, expected] =
          typeof f.type === 'string'
            ? [pf.type, f.type]
            : f.type.kind === 'message'
              ? [pf.resolvedType?.name, f.type.name]
              : [(pf.resolvedType as protobuf.Enum).values, f.type.values];
        expect(actual, name).toEqual(expected);
      }
    },
  );

  const ok = {
    FromBoxId: FROM,
    ToBoxId: TO,
    DocumentAttachments: [
      {
        SignedContent: { Content: 'JVBERg==', Signature: 'MIIBAA==' },
        TypeNamedId: 'Nonformalized',
        Metadata: [{ Key: 'FileName', Value: 'a.pdf' }],
      },
    ],
  };
  const withDoc = (over: Record<string, unknown>) => ({ ...ok, DocumentAttachments: [{ ...ok.DocumentAttachments[0], ...over }] });
  const refusedByProto: [string, Record<string, unknown>][] = [
    ['an unknown top-level field', { ...ok, Subject: 'hi' }],
    ['camelCase names', { fromBoxId: FROM, toBoxId: TO, documentAttachments: ok.DocumentAttachments }],
    ['the reserved FileName of an attachment', withDoc({ FileName: 'a.pdf' })],
    ['an unknown SignedContent field', withDoc({ SignedContent: { Content: 'JVBERg==', Data: 'JVBERg==' } })],
    ['a missing FromBoxId', { ToBoxId: TO, DocumentAttachments: ok.DocumentAttachments }],
    ['a missing SignedContent', { ...ok, DocumentAttachments: [{ TypeNamedId: 'Nonformalized' }] }],
    ['a missing TypeNamedId', { ...ok, DocumentAttachments: [{ SignedContent: { Content: 'JVBERg==' } }] }],
    ['a metadata item without Key', withDoc({ Metadata: [{ Value: 'a.pdf' }] })],
    ['a DocumentId without EntityId', withDoc({ InitialDocumentIds: [{ MessageId: '' }] })],
    ['a CustomData item without Key', withDoc({ CustomData: [{ Value: 'x' }] })],
    ['a number for ToBoxId', { ...ok, ToBoxId: 7 }],
    ['a string for IsDraft', { ...ok, IsDraft: 'false' }],
    ['a fraction for WorkflowId', withDoc({ WorkflowId: 1.5 })],
    ['a string for WorkflowId', withDoc({ WorkflowId: '7' })],
    ['content that is not base64', withDoc({ SignedContent: { Content: 'JVBERi0x LjQ=' } })],
    ['a signature in url-safe base64', withDoc({ SignedContent: { Content: 'JVBERg==', Signature: '-_-_' } })],
    ['an object instead of the attachment list', { ...ok, DocumentAttachments: ok.DocumentAttachments[0] }],
    ['an unknown LockMode name', { ...ok, LockMode: 'Closed' }],
    ['an unknown LockMode number', { ...ok, LockMode: 7 }],
    ['null for ToBoxId', { ...ok, ToBoxId: null }],
  ];

  async function post(body: unknown): Promise<number> {
    const res = await fetch(`${base}/V3/PostMessage?operationId=${randomUUID()}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json; charset=utf-8', accept: 'application/json' },
      body: JSON.stringify(body),
    });
    await res.arrayBuffer();
    return res.status;
  }

  it('accepts the baseline body the refusals below are made from', async () => {
    expect(protoProblems(MessageToPost, ok)).toEqual([]);
    expect(await post(ok)).toBe(200);
  });

  it.each(refusedByProto)('refuses %s, as the proto does', async (_name, body) => {
    expect(protoProblems(MessageToPost, body)).not.toEqual([]);
    expect(await post(body)).toBe(400);
  });

  it.each([
    ['no ToBoxId', { FromBoxId: FROM, DocumentAttachments: ok.DocumentAttachments }],
    ['SignedContent without Content', withDoc({ SignedContent: { Signature: 'MIIB' } })],
    ['41 documents', { ...ok, DocumentAttachments: Array.from({ length: 41 }, () => ok.DocumentAttachments[0]) }],
    ['a 5001-character comment', withDoc({ Comment: 'ж'.repeat(5001) })],
  ])('refuses %s, which the proto allows but the documentation forbids', async (_name, body) => {
    expect(protoProblems(MessageToPost, body)).toEqual([]);
    expect(await post(body)).toBe(400);
  });

  it.each([
    ['LockMode by name', { ...ok, LockMode: 'Send' }],
    ['LockMode by number', { ...ok, LockMode: 2 }],
    [
      'links, custom data, receipts and workflow',
      withDoc({
        InitialDocumentIds: [{ MessageId: '', EntityId: 'c-0' }],
        CustomData: [{ Key: 'crm_id', Value: '42' }],
        NeedReceipt: true,
        WorkflowId: 3,
        IsEncrypted: false,
      }),
    ],
    [
      'draft settings and departments',
      {
        ...withDoc({ SignedContent: { Content: 'JVBERg==' } }),
        IsDraft: true,
        LockDraft: true,
        StrictDraftValidation: false,
        ToDepartmentId: 'd-1',
        FromDepartmentId: 'd-0',
      },
    ],
  ])('accepts %s, as the proto does', async (_name, body) => {
    expect(protoProblems(MessageToPost, body)).toEqual([]);
    expect(await post(body)).toBe(200);
  });
});

describe('Diadoc conformance: what the simulator answers is what the proto describes', () => {
  it('a Message for PostMessage', async () => {
    const res = await fetch(`${base}/V3/PostMessage?operationId=${randomUUID()}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json; charset=utf-8', accept: 'application/json' },
      body: JSON.stringify({
        FromBoxId: FROM,
        ToBoxId: TO,
        LockPacket: true,
        DocumentAttachments: [
          {
            SignedContent: { Content: 'JVBERg==', Signature: 'MIIBAA==' },
            TypeNamedId: 'Contract',
            Comment: 'к договору',
            Metadata: [
              { Key: 'FileName', Value: 'd.pdf' },
              { Key: 'DocumentNumber', Value: '1' },
              { Key: 'DocumentDate', Value: '01.12.2026' },
            ],
          },
        ],
      }),
    });
    const reply = (await res.json()) as Record<string, unknown>;
    expect(protoProblems(Message, reply)).toEqual([]);
    expect(roundTrip(Message, reply).MessageId).toBe(reply.MessageId);
  });

  it('a GetDocumentTypesResponseV3 for GetDocumentTypes, which the adapter reads', async () => {
    const res = await fetch(`${base}/V3/GetDocumentTypes?boxId=${FROM}`, {
      headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' },
    });
    const text = await res.text();
    expect(protoProblems(GetDocumentTypesResponseV3, JSON.parse(text))).toEqual([]);
    expect(readDocumentTypes(text)?.find((t) => t.typeNamedId === 'Nonformalized')?.metadata).toEqual([
      { id: 'FileName', type: 'string', required: true, source: 'user' },
    ]);
  });

  it('an OrganizationList for GetMyOrganizations', async () => {
    const res = await fetch(`${base}/GetMyOrganizations?autoRegister=false`, {
      headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' },
    });
    expect(protoProblems(OrganizationList, await res.json())).toEqual([]);
  });
});
