import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiadocSimulator } from './diadoc.ts';

const TOKEN = 'oidc-access-token-rules';
const OTHER = 'oidc-access-token-other-user';
const FROM = 'db32772b-9256-49a8-a133-fda593fda38a';
const TO = '13254c424b4f74fd33240094aeb0f15a@diadoc.ru';

const sim = new DiadocSimulator({ tokens: [TOKEN, OTHER], boxes: [FROM] });
let base = '';
beforeAll(async () => {
  base = await sim.start();
});
afterAll(() => sim.stop());

const pdf = Buffer.from('%PDF-1.4 счёт');
const sig = Buffer.from([0x30, 0x82, 0x01, 0x00]).toString('base64');
const nonformalized = (over: Record<string, unknown> = {}) => ({
  SignedContent: { Content: pdf.toString('base64'), Signature: sig },
  TypeNamedId: 'Nonformalized',
  Metadata: [{ Key: 'FileName', Value: 'Счёт на оплату №5.pdf' }],
  ...over,
});
const body = (docs: unknown[], over: Record<string, unknown> = {}) => ({
  FromBoxId: FROM,
  ToBoxId: TO,
  DocumentAttachments: docs,
  ...over,
});

async function post(payload: unknown, operationId: string = crypto.randomUUID(), token = TOKEN) {
  const res = await fetch(`${base}/V3/PostMessage?operationId=${operationId}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8', accept: 'application/json' },
    body: JSON.stringify(payload),
  });
  return {
    status: res.status,
    code: res.headers.get('x-diadoc-errorcode'),
    retryAfter: res.headers.get('retry-after'),
    text: await res.text(),
  };
}

describe('the Diadoc simulator: metadata per document type (sheet §12.2)', () => {
  it('refuses a Nonformalized document without FileName with Diadoc’s own words', async () => {
    const r = await post(body([nonformalized({ Metadata: undefined })]));
    expect(r).toMatchObject({ status: 400, text: 'MessageToPost.DocumentAttachments[0]: Невозможно получить данные по ключу: FileName' });
  });

  it('accepts a Nonformalized document with FileName, and a Cyrillic name with № and spaces', async () => {
    const r = await post(body([nonformalized()]));
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text).Entities[0]).toMatchObject({ FileName: 'Счёт на оплату №5.pdf' });
  });

  it('refuses metadata a formalised type takes from its content as odd, naming the keys', async () => {
    const utd = {
      SignedContent: { Content: Buffer.from('<Файл/>').toString('base64'), Signature: sig },
      TypeNamedId: 'UniversalTransferDocument',
      Function: 'СЧФДОП',
      Metadata: [
        { Key: 'FileName', Value: 'upd.xml' },
        { Key: 'DocumentNumber', Value: '7' },
      ],
    };
    const r = await post(body([nonformalized(), utd]));
    expect(r).toMatchObject({
      status: 400,
      code: 'DocumentService.InvalidFileContent',
      text: 'MessageToPost.DocumentAttachments[1]: Provided odd metadata items. Keys: FileName, DocumentNumber',
    });
    const { Metadata: _m, ...bare } = utd;
    expect((await post(body([bare]))).status).toBe(200);
  });

  it('refuses keys Nonformalized does not list, and asks a Contract for its number and date', async () => {
    expect(
      await post(
        body([
          nonformalized({
            Metadata: [
              { Key: 'FileName', Value: 'a.pdf' },
              { Key: 'Total', Value: '1' },
            ],
          }),
        ]),
      ),
    ).toMatchObject({
      status: 400,
      text: 'MessageToPost.DocumentAttachments[0]: Provided odd metadata items. Keys: Total',
    });
    const contract = (metadata: { Key: string; Value: string }[]) => nonformalized({ TypeNamedId: 'Contract', Metadata: metadata });
    expect(
      await post(
        body([
          contract([
            { Key: 'FileName', Value: 'd.pdf' },
            { Key: 'DocumentDate', Value: '01.12.2026' },
          ]),
        ]),
      ),
    ).toMatchObject({
      status: 400,
      text: 'MessageToPost.DocumentAttachments[0]: Невозможно получить данные по ключу: DocumentNumber',
    });
    const full = [
      { Key: 'FileName', Value: 'd.pdf' },
      { Key: 'DocumentNumber', Value: '7' },
      { Key: 'DocumentDate', Value: '01.12.2026' },
    ];
    expect((await post(body([contract(full)]))).status).toBe(200);
  });

  it.each([
    ['a date not in DD.MM.YYYY', 'DocumentDate', '2026-12-01', 'DocumentDate must be a date as DD.MM.YYYY'],
    ['an impossible date', 'DocumentDate', '31.02.2026', 'DocumentDate must be a date as DD.MM.YYYY'],
    ['a file name with a slash', 'FileName', 'a/b.pdf', 'FileName a/b.pdf must not contain'],
    ['a file name ending with a dot', 'FileName', 'a.', 'FileName a. must not contain'],
  ])('refuses %s', async (_name, key, value, words) => {
    const metadata = [
      { Key: 'FileName', Value: 'd.pdf' },
      { Key: 'DocumentNumber', Value: '7' },
      { Key: 'DocumentDate', Value: '01.12.2026' },
    ].map((m) => (m.Key === key ? { Key: key, Value: value } : m));
    const r = await post(body([nonformalized({ TypeNamedId: 'Contract', Metadata: metadata })]));
    expect(r.status).toBe(400);
    expect(r.text).toContain(words);
  });

  it('lists the box’s types on GET /V3/GetDocumentTypes with each title-0 item’s source, for own boxes only', async () => {
    const get = (boxId: string) =>
      fetch(`${base}/V3/GetDocumentTypes?boxId=${encodeURIComponent(boxId)}`, {
        headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' },
      });
    const ok = await get(FROM);
    expect(ok.status).toBe(200);
    const list = (await ok.json()) as {
      DocumentTypes: {
        Name: string;
        Functions: { Name: string; Versions: { Titles: { Index: number; MetadataItems: unknown[] }[] }[] }[];
      }[];
    };
    const nf = list.DocumentTypes.find((t) => t.Name === 'Nonformalized')!;
    expect(nf.Functions[0]!.Versions[0]!.Titles[0]).toMatchObject({
      Index: 0,
      MetadataItems: [{ Id: 'FileName', IsRequired: true, Source: 1 }],
    });
    const utd = list.DocumentTypes.find((t) => t.Name === 'UniversalTransferDocument')!;
    expect(utd.Functions.map((f) => f.Name)).toEqual(['СЧФ', 'ДОП', 'СЧФДОП']);
    expect((utd.Functions[0]!.Versions[0]!.Titles[0]!.MetadataItems as { Source: number }[]).every((m) => m.Source === 0)).toBe(true);
    expect((await get(crypto.randomUUID())).status).toBe(403);
    // §12 intro: the box in its GUID form; the older `<32 hex>@diadoc.ru` id of the same box is refused.
    const old = await get(`${FROM.replace(/-/g, '')}@diadoc.ru`);
    expect(old.status).toBe(400);
    expect(await old.text()).toContain('boxId must be a box id in GUID form');
  });
});

describe('the Diadoc simulator: signatures (sheet §12.2)', () => {
  it('refuses an unsigned document in a message that is neither a draft nor delayed', async () => {
    const r = await post(body([nonformalized(), nonformalized({ SignedContent: { Content: pdf.toString('base64') } })]));
    expect(r.status).toBe(400);
    expect(r.text).toBe(
      'MessageToPost.DocumentAttachments[1].SignedContent.Signature: a signature is required to deliver the document to the recipient',
    );
  });

  it('accepts a draft and a delayed send without signatures', async () => {
    const unsigned = nonformalized({ SignedContent: { Content: pdf.toString('base64') } });
    expect((await post(body([unsigned], { IsDraft: true }))).status).toBe(200);
    expect(sim.messages.at(-1)).toMatchObject({ isDraft: true });
    expect((await post(body([unsigned], { DelaySend: true }))).status).toBe(200);
    expect(sim.messages.at(-1)).toMatchObject({ delaySend: true });
  });

  it('refuses a signature in a draft or a delayed send', async () => {
    for (const flag of ['IsDraft', 'DelaySend']) {
      const r = await post(body([nonformalized()], { [flag]: true }));
      expect(r).toMatchObject({
        status: 400,
        text: 'MessageToPost.DocumentAttachments[0].SignedContent.Signature should be empty in draft or delayed send',
      });
    }
  });
});

describe('the Diadoc simulator: a running operation (sheet §4)', () => {
  it('answers 204 with Retry-After while processing, then the one Message to every repeat', async () => {
    sim.processingReplies = 2;
    sim.retryAfterSeconds = 3;
    try {
      const before = sim.messages.length;
      const op = crypto.randomUUID();
      const answers = [await post(body([nonformalized()]), op), await post(body([nonformalized()]), op)];
      expect(answers.map((a) => [a.status, a.retryAfter])).toEqual([
        [204, '3'],
        [204, '3'],
      ]);
      expect(sim.messages.length).toBe(before);
      const done = await post(body([nonformalized()]), op);
      const again = await post(body([nonformalized()]), op.toUpperCase());
      expect(done.status).toBe(200);
      expect(again.text).toBe(done.text);
      expect(sim.messages.length).toBe(before + 1);
    } finally {
      sim.processingReplies = 0;
    }
  });
});

async function shelf(path: string, bytes: Buffer | string, type = 'application/octet-stream', token = TOKEN) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body: typeof bytes === 'string' ? bytes : new Uint8Array(bytes),
  });
  return { status: res.status, text: await res.text() };
}

describe('the Diadoc simulator: the shelf (sheet §12.3)', () => {
  it('takes a small file whole on /V2/ShelfUpload and PostMessage reads it by NameOnShelf', async () => {
    const small = randomBytes(10_000);
    const up = await shelf('/V2/ShelfUpload?fileExtension=.pdf', small);
    expect(up.status).toBe(200);
    expect(up.text).toMatch(/^dd-api-[0-9a-f-]{36}\.pdf$/);
    const r = await post(body([nonformalized({ SignedContent: { NameOnShelf: up.text, Signature: sig } })]));
    expect(r.status).toBe(200);
    expect(sim.messages.at(-1)!.documents[0]).toMatchObject({ nameOnShelf: up.text, contentBytes: small.length });
  });

  it('refuses more than 512 000 bytes in one ShelfUpload, and a part over 3 000 000 bytes', async () => {
    expect((await shelf('/V2/ShelfUpload', Buffer.alloc(512_001))).status).toBe(400);
    expect((await shelf('/V2/ShelfUpload', Buffer.alloc(512_000))).status).toBe(200);
    expect((await shelf('/ShelfUploadPartInit?isLastPart=false', Buffer.alloc(3_000_001))).status).toBe(400);
  });

  it('assembles a file from parts in any order, lists missing parts on the last one, and keeps it to its owner', async () => {
    const file = randomBytes(7_000_000);
    const parts = [file.subarray(0, 2_500_000), file.subarray(2_500_000, 5_000_000), file.subarray(5_000_000)];
    const init = await shelf('/ShelfUploadPartInit?fileExtension=.bin&isLastPart=false', parts[0]!);
    expect(init.status).toBe(200);
    const name = init.text;
    const last = await shelf(`/ShelfUploadPart?fileName=${name}&partIndex=2&isLastPart=true`, parts[2]!);
    expect(JSON.parse(last.text)).toEqual([1]);
    expect((await post(body([nonformalized({ SignedContent: { NameOnShelf: name, Signature: sig } })]))).text).toContain(
      'no such file on the shelf',
    );
    const filled = await shelf(`/ShelfUploadPart?fileName=${name}&partIndex=1&isLastPart=false`, parts[1]!.toString('base64'), 'base64');
    expect(filled.status).toBe(200);
    const download = await fetch(`${base}/V2/ShelfDownload?fileName=${name}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(Buffer.from(await download.arrayBuffer()).equals(file)).toBe(true);
    const foreign = await fetch(`${base}/V2/ShelfDownload?fileName=${name}`, { headers: { authorization: `Bearer ${OTHER}` } });
    expect(foreign.status).toBe(404);
    expect((await shelf(`/ShelfUploadPart?fileName=${name}&partIndex=3&isLastPart=true`, Buffer.alloc(1), undefined, OTHER)).status).toBe(
      400,
    );
  });

  it('wants octet-stream or base64 bodies and an isLastPart of true or false', async () => {
    expect((await shelf('/ShelfUploadPartInit?isLastPart=true', 'x', 'text/plain')).status).toBe(400);
    expect((await shelf('/ShelfUploadPartInit?isLastPart=1', 'x')).status).toBe(400);
    expect((await shelf('/V2/ShelfUpload?fileExtension=pdf', 'x')).status).toBe(400);
  });
});
