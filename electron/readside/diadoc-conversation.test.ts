import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AccountView } from '../../shared/accounts.ts';
import type { SendDetail } from '../../shared/contract.ts';
import type { Conversation } from '../../shared/recipients.ts';
import type { SendSummary } from '../../shared/sends.ts';
import { DiadocSimulator } from '../sandbox/diadoc.ts';
import { testHost, ok } from '../testing/host-fixture.ts';
import { diadocProtos, protoProblems } from '../testing/proto-json.ts';

const TOKEN = 'diadoc-conversation-token';
const FROM = 'sandbox-box-from@diadoc.ru';
/** diadoc.md §12.4 and the GetDocuments (V3) page it cites. */
const GET_DOCUMENTS_PARAMS = new Set([
  'boxId',
  'filterCategory',
  'counteragentBoxId',
  'timestampFromTicks',
  'timestampToTicks',
  'documentNumber',
  'sortDirection',
  'count',
  'afterIndexKey',
]);
const DocumentList = diadocProtos(['Documents/DocumentList.proto']).lookupType('Diadoc.Api.Proto.Documents.DocumentList');

describe('Diadoc: the documents exchanged with a counterparty, beside the composer', () => {
  const sim = new DiadocSimulator({ tokens: [TOKEN], boxes: [FROM], read: { counteragents: 30 }, documents: { inboundFrom: 5 } });
  let base = '';
  let host: Awaited<ReturnType<typeof testHost>>;
  let account: AccountView;
  const counterparty = () => sim.read.counteragents[2]!.Organization;
  const target = () => counterparty().Boxes[0]!.BoxIdGuid;
  const get = (path: string) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' } });
  /** The sender box's GUID, where a client learns it (diadoc.md §12.1 GetMyOrganizations). */
  let fromGuid = '';

  beforeAll(async () => {
    base = await sim.start();
    const orgs = (await (await get('/GetMyOrganizations?autoRegister=false')).json()) as {
      Organizations: { Boxes: { BoxId: string; BoxIdGuid: string }[] }[];
    };
    fromGuid = orgs.Organizations[0]!.Boxes.find((b) => b.BoxId === FROM)!.BoxIdGuid;
    host = await testHost({ timeoutMs: 3000 });
    account = await ok<AccountView>(
      host.dispatch('accounts.create', {
        name: 'Диадок',
        baseUrl: base,
        settings: { provider: 'diadoc', authScheme: 'bearer', fromBoxId: FROM },
        secrets: { token: TOKEN },
      }),
    );
    await ok(host.dispatch('recipients.refresh', { accountId: account.id }));
  });
  afterAll(async () => {
    await host.dispose();
    await sim.stop();
  });

  it('shows what the counterparty sent and our own send, newest at the bottom, each with its docflow status', async () => {
    const path = join(host.dataDir, 'Акт сверки.pdf');
    writeFileSync(path, '%PDF-1.4 акт');
    writeFileSync(`${path}.sig`, Buffer.from([0x30, 0x82, 0x01, 0x00]));
    const [file, sig] = [await host.files.register(path), await host.files.register(`${path}.sig`)];
    const sent = await ok<SendSummary>(
      host.dispatch('sends.send', {
        accountId: account.id,
        message: {
          provider: 'diadoc',
          fromBoxId: FROM,
          toBoxId: target(),
          documents: [{ file: file.id, signatureFile: sig.id, typeNamedId: 'Nonformalized', needRecipientSignature: true }],
        },
      }),
    );
    await vi.waitFor(async () => expect((await ok<SendDetail>(host.dispatch('history.get', { id: sent.id }))).status).toBe('sent'));

    const c = await ok<Conversation>(host.dispatch('conversations.get', { accountId: account.id, target: target(), fresh: true }));
    expect(c.state).toBe('ok');
    const theirs = c.items.filter((m) => !m.own);
    expect(theirs).toHaveLength(3);
    for (const m of theirs) {
      expect(m.author).toBe(counterparty().ShortName);
      expect(m.files).toHaveLength(1);
      expect(m.status?.text).toMatch(/\S/);
    }
    expect(c.items.map((m) => m.at)).toEqual(c.items.map((m) => m.at).sort((a, b) => a - b));
    expect(c.items.at(-1)).toMatchObject({
      own: true,
      text: 'Неформализованный документ',
      files: ['Акт сверки.pdf'],
      status: { text: 'Ожидается подпись получателя', severity: 'info' },
    });
    expect(c.items.at(-1)!.id.startsWith((await ok<SendDetail>(host.dispatch('history.get', { id: sent.id }))).providerMessageId!)).toBe(
      true,
    );

    const reads = sim.server.received.filter((r) => r.path === '/V3/GetDocuments').slice(-2);
    expect(new Set(reads.map((r) => r.query.get('filterCategory')))).toEqual(new Set(['Any.Inbound', 'Any.Outbound']));
    for (const r of reads) {
      expect(r.query.get('counteragentBoxId')).toBe(target());
      expect(r.query.get('sortDirection')).toBe('Descending');
      // diadoc.md §12.4: only the parameters GetDocuments (V3) names, the box in its GUID form (§12 intro), count within 0–100.
      expect(r.query.get('boxId')).toBe(fromGuid);
      expect([...r.query.keys()].filter((k) => !GET_DOCUMENTS_PARAMS.has(k))).toEqual([]);
      expect(Number(r.query.get('count'))).toBeLessThanOrEqual(100);
    }
  });

  it('another counterparty’s conversation holds none of these documents', async () => {
    const other = sim.read.counteragents[20]!.Organization.Boxes[0]!.BoxIdGuid;
    const c = await ok<Conversation>(host.dispatch('conversations.get', { accountId: account.id, target: other, fresh: true }));
    expect(c).toMatchObject({ state: 'ok', items: [] });
  });

  it('the simulator pages GetDocuments after the last IndexKey to HasMoreResults: false, and each page is a DocumentList', async () => {
    const seen: string[] = [];
    let after = '';
    for (let page = 0; page < 10; page++) {
      const res = await get(
        `/V3/GetDocuments?boxId=${fromGuid}&filterCategory=Any.Inbound&count=4${after ? `&afterIndexKey=${after}` : ''}`,
      );
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        TotalCount: number;
        Documents: { IndexKey: string; EntityId: string }[];
        HasMoreResults: boolean;
      };
      expect(protoProblems(DocumentList, body)).toEqual([]);
      seen.push(...body.Documents.map((d) => d.EntityId));
      if (!body.HasMoreResults) break;
      after = body.Documents.at(-1)!.IndexKey;
    }
    expect(seen).toHaveLength(15);
    expect(new Set(seen).size).toBe(15);
    const outbound: unknown = await (await get(`/V3/GetDocuments?boxId=${fromGuid}&filterCategory=Any.Outbound`)).json();
    expect(protoProblems(DocumentList, outbound)).toEqual([]);
  });

  it('the simulator refuses what GetDocuments does not take: no category, a count over 100, another box', async () => {
    expect((await get(`/V3/GetDocuments?boxId=${fromGuid}`)).status).toBe(400);
    expect((await get(`/V3/GetDocuments?boxId=${fromGuid}&filterCategory=Any.Inbound&count=101`)).status).toBe(400);
    expect((await get(`/V3/GetDocuments?boxId=${crypto.randomUUID()}&filterCategory=Any.Inbound`)).status).toBe(403);
    expect((await get(`/V6/GetMessage?boxId=${fromGuid}&messageId=${crypto.randomUUID()}`)).status).toBe(404);
  });

  it('the simulator takes the box only in its GUID form on GetDocuments and GetMessage (§12 intro), naming the form it wants', async () => {
    for (const path of [
      `/V3/GetDocuments?boxId=${FROM}&filterCategory=Any.Inbound`,
      `/V6/GetMessage?boxId=${FROM}&messageId=${crypto.randomUUID()}`,
    ]) {
      const res = await get(path);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('boxId must be a box id in GUID form');
    }
  });
});
