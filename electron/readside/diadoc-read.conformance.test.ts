import { Ajv } from 'ajv';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AccountView } from '../../shared/accounts.ts';
import type { SendDetail } from '../../shared/contract.ts';
import type { RecipientSearchResult } from '../../shared/recipients.ts';
import type { SendSummary } from '../../shared/sends.ts';
import { ManualClock } from '../clock.ts';
import { DiadocSimulator } from '../sandbox/diadoc.ts';
import type { ReceivedRequest } from '../sandbox/server.ts';
import { hostWithAccount, ok, testHost, type TestHost } from '../testing/host-fixture.ts';
import { diadocProtos, protoProblems } from '../testing/proto-json.ts';

/**
 * Diadoc's read requests (the counterparty directory, the organisation look-up by INN, the
 * documents exchanged with a counterparty) as the simulator received them. The .proto files describe the answers, not the HTTP query, so the
 * query is held against the parameter table of diadoc.md §12.1 and the answers the app parses are
 * held against `CounteragentList`, `OrganizationList` and `DocumentList` of shared/specs/diadoc/proto.
 */
const root = diadocProtos([
  'Counteragent.proto',
  'Organization.proto',
  'Documents/DocumentList.proto',
  'Events/DiadocMessage-GetApi.proto',
]);
const CounteragentList = root.lookupType('Diadoc.Api.Proto.CounteragentList');
const OrganizationList = root.lookupType('Diadoc.Api.Proto.OrganizationList');
const DocumentList = root.lookupType('Diadoc.Api.Proto.Documents.DocumentList');
const Message = root.lookupType('Diadoc.Api.Proto.Events.Message');

const GUID = { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' };
const TICKS = { type: 'string', pattern: '^\\d+$' };
// §12.1, §12.2 and §12.4, with the §12 intro's rule that boxes are passed in their GUID form.
const queries: Record<string, object> = {
  '/V3/GetCounteragents': {
    type: 'object',
    required: ['myBoxId'],
    additionalProperties: false,
    properties: {
      myBoxId: GUID,
      counteragentStatus: { enum: ['IsMyCounteragent', 'InvitesMe', 'IsInvitedByMe', 'Rejected'] },
      afterIndexKey: { type: 'string', minLength: 1 },
      query: { type: 'string', minLength: 1 },
      pageSize: { type: 'integer', minimum: 1, maximum: 100 },
    },
    // `query` is not combined with `afterIndexKey`.
    not: { required: ['query', 'afterIndexKey'] },
  },
  '/V3/GetDocuments': {
    type: 'object',
    required: ['boxId', 'filterCategory'],
    additionalProperties: false,
    properties: {
      boxId: GUID,
      // <Type>.<Class><Status>, e.g. Any.Outbound.
      filterCategory: { type: 'string', pattern: '^[A-Za-z0-9]+\\.[A-Za-z]+$' },
      counteragentBoxId: GUID,
      timestampFromTicks: TICKS,
      timestampToTicks: TICKS,
      documentNumber: { type: 'string', minLength: 1 },
      sortDirection: { enum: ['Ascending', 'Descending'] },
      count: { type: 'integer', minimum: 0, maximum: 100 },
      afterIndexKey: { type: 'string', minLength: 1 },
    },
  },
  // §12.2: the box's document types, read before a send.
  '/V3/GetDocumentTypes': { type: 'object', required: ['boxId'], additionalProperties: false, properties: { boxId: GUID } },
  '/V6/GetMessage': {
    type: 'object',
    required: ['boxId', 'messageId'],
    additionalProperties: false,
    properties: {
      boxId: GUID,
      messageId: GUID,
      entityId: GUID,
      originalSignature: { enum: ['true', 'false'] },
      injectEntityContent: { enum: ['true', 'false'] },
    },
  },
  '/GetOrganizationsByInnKpp': {
    type: 'object',
    required: ['inn'],
    additionalProperties: false,
    properties: {
      inn: { type: 'string', pattern: '^(\\d{10}|\\d{12})$' },
      kpp: { type: 'string', pattern: '^\\d{9}$' },
      includeRelations: { enum: ['true', 'false'] },
    },
  },
};
const ajv = new Ajv({ allErrors: true });
const validators = Object.fromEntries(Object.entries(queries).map(([path, schema]) => [path, ajv.compile(schema)]));

function violations(req: ReceivedRequest): string[] {
  const v = validators[req.path];
  if (!v || req.method !== 'GET') return [`${req.method} ${req.path} is not a read method of §12.1`];
  const out: string[] = [];
  const query: Record<string, unknown> = {};
  for (const [k, raw] of req.query) {
    if (k in query) out.push(`query ${k} given twice`);
    query[k] = (k === 'pageSize' || k === 'count') && /^\d+$/.test(raw) ? Number(raw) : raw;
  }
  if (!v(query)) out.push(...(v.errors ?? []).map((e) => `query${e.instancePath} ${e.message}`));
  if (req.body.length > 0) out.push('a GET with a body');
  if (!/^(DiadocAuth |Bearer )/.test(String(req.headers.authorization ?? ''))) out.push('no DiadocAuth or Bearer authorization');
  return out;
}

/** The simulator's answer to the very request the app made, asked again. */
async function answerTo(base: string, req: ReceivedRequest): Promise<unknown> {
  const headers = Object.fromEntries(
    Object.entries(req.headers).filter(
      (e): e is [string, string] => typeof e[1] === 'string' && ['authorization', 'accept'].includes(e[0]),
    ),
  );
  const res = await fetch(`${base}${req.path}?${req.query}`, { headers });
  expect(res.status).toBe(200);
  return res.json();
}

const TOKEN = 'diadoc-read-conformance-token';
const BOX = 'db32772b-9256-49a8-a133-fda593fda38a';

describe('Diadoc read requests against the fact sheet, answers against the .proto', () => {
  const sim = new DiadocSimulator({ tokens: [TOKEN], boxes: [BOX], read: { counteragents: 230 }, documents: { inboundFrom: 5 } });
  let host: TestHost;
  let account: AccountView;
  let base = '';
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({
      host,
      account,
      stop,
      baseUrl: base,
    } = await hostWithAccount(sim, {
      name: 'Diadoc',
      settings: { provider: 'diadoc', authScheme: 'bearer', fromBoxId: BOX },
      secrets: { token: TOKEN },
    }));
  });
  afterAll(() => stop());

  it('pages GetCounteragents with the sheet’s parameters, and every page is a CounteragentList', async () => {
    sim.server.received.length = 0;
    await ok(host.dispatch('recipients.refresh', { accountId: account.id }));
    const pages = [...sim.server.received];
    expect(pages.map((r) => r.path)).toEqual(Array(3).fill('/V3/GetCounteragents'));
    for (const r of pages) expect(violations(r), `${r.path}?${r.query}`).toEqual([]);
    for (const r of pages) expect(protoProblems(CounteragentList, await answerTo(base, r))).toEqual([]);
  });

  it('looks an organisation up by INN and KPP with the sheet’s parameters, and the answer is an OrganizationList', async () => {
    const o = sim.read.strangers[2]!;
    sim.server.received.length = 0;
    const found = await ok<RecipientSearchResult>(host.dispatch('recipients.search', { accountId: account.id, text: `${o.Inn} ${o.Kpp}` }));
    expect(found.items[0]).toMatchObject({ kind: 'organization' });
    const [lookup] = sim.server.received.filter((r) => r.path === '/GetOrganizationsByInnKpp');
    expect(lookup!.query.get('kpp')).toBe(o.Kpp);
    expect(violations(lookup!)).toEqual([]);
    expect(protoProblems(OrganizationList, await answerTo(base, lookup!))).toEqual([]);
  });

  it('reads a counterparty’s documents through GetDocuments with the sheet’s parameters, and every answer is a DocumentList', async () => {
    const target = sim.read.counteragents[2]!.Organization.Boxes[0]!.BoxIdGuid;
    sim.server.received.length = 0;
    await ok(host.dispatch('conversations.get', { accountId: account.id, target, fresh: true }));
    const lists = [...sim.server.received];
    expect(lists.map((r) => `${r.path} ${r.query.get('filterCategory')}`).toSorted()).toEqual([
      '/V3/GetDocuments Any.Inbound',
      '/V3/GetDocuments Any.Outbound',
    ]);
    for (const r of lists) expect(violations(r), `${r.path}?${r.query}`).toEqual([]);
    for (const r of lists) expect(protoProblems(DocumentList, await answerTo(base, r))).toEqual([]);
  });

  it('the check itself refuses what the sheet refuses', () => {
    const at = (url: string) => {
      const u = new URL(url, 'http://sim');
      return {
        method: 'GET',
        path: u.pathname,
        query: u.searchParams,
        headers: { authorization: 'Bearer t' },
        body: Buffer.alloc(0),
        at: 0,
      };
    };
    expect(violations(at(`/V3/GetCounteragents?myBoxId=${BOX}&pageSize=100`))).toEqual([]);
    expect(violations(at(`/V3/GetCounteragents?myBoxId=${BOX}&pageSize=101`))).toEqual(['query/pageSize must be <= 100']);
    expect(violations(at('/V3/GetCounteragents?myBoxId=13254c424b4f74fd33240094aeb0f15a@diadoc.ru'))).toEqual([
      `query/myBoxId must match pattern "${GUID.pattern}"`,
    ]);
    expect(violations(at(`/V3/GetCounteragents?myBoxId=${BOX}&query=Ромашка&afterIndexKey=ik1`))).toEqual(['query must NOT be valid']);
    expect(violations(at('/GetOrganizationsByInnKpp?inn=77012345'))).toEqual(['query/inn must match pattern "^(\\d{10}|\\d{12})$"']);
    expect(violations(at('/GetOrganizationsByInnKpp?inn=7701234567&orgId=1'))).toEqual(['query must NOT have additional properties']);
    expect(violations(at(`/V3/GetDocuments?boxId=${BOX}&filterCategory=Any.Outbound&count=101`))).toEqual(['query/count must be <= 100']);
    expect(violations(at(`/V3/GetDocuments?boxId=${BOX}`))).toEqual(["query must have required property 'filterCategory'"]);
  });
});

describe('Diadoc’s look for a send whose outcome is unknown, against the fact sheet and the .proto', () => {
  const sim = new DiadocSimulator({ tokens: [TOKEN], boxes: [BOX] });
  const TO = '6f1c2b1e-0d4b-4d8e-9a51-3c0c5d7e9f10';
  let base = '';
  let clock: ManualClock;
  let host: TestHost;
  let account: AccountView;
  const detail = (id: string) => ok<SendDetail>(host.dispatch('history.get', { id }));
  beforeAll(async () => {
    base = await sim.start();
    clock = new ManualClock();
    host = await testHost({ clock, timeoutMs: 2000, evidenceTiming: { firstLookMs: 0, finalAfterMs: 0 } });
    account = await ok(
      host.dispatch('accounts.create', {
        name: 'Diadoc',
        baseUrl: base,
        settings: { provider: 'diadoc', authScheme: 'bearer', fromBoxId: BOX },
        secrets: { token: TOKEN },
      }),
    );
  });
  afterAll(async () => {
    await host.dispose();
    await sim.stop();
  });

  /** A signed document whose PostMessage is answered 204 until the outbox's budget runs out, then settled by a look. */
  async function settledAfterLoss(): Promise<SendDetail> {
    const path = join(host.dataDir, `Акт ${crypto.randomUUID().slice(0, 8)}.pdf`);
    writeFileSync(path, `%PDF-1.4 ${crypto.randomUUID()}`);
    writeFileSync(`${path}.sig`, Buffer.from([0x30, 0x82, 0x01, 0x00]));
    const [file, sig] = [await host.files.register(path), await host.files.register(`${path}.sig`)];
    const sent = await ok<SendSummary>(
      host.dispatch('sends.send', {
        accountId: account.id,
        message: {
          provider: 'diadoc',
          fromBoxId: BOX,
          toBoxId: TO,
          documents: [{ file: file.id, signatureFile: sig.id, typeNamedId: 'Nonformalized' }],
        },
      }),
    );
    clock.advance(11 * 60_000);
    await vi.waitFor(
      async () => {
        clock.advance(1000);
        expect((await detail(sent.id)).settlement).toBeDefined();
      },
      { timeout: 10_000, interval: 20 },
    );
    return detail(sent.id);
  }

  it('asks GetMessage V6 with the sheet’s parameters after the repeat, and its answer is a Message', async () => {
    sim.processingReplies = 3;
    sim.server.received.length = 0;
    const d = await settledAfterLoss();
    expect(d.settlement?.result).toBe('found');
    const reads = sim.server.received.filter((r) => r.method === 'GET');
    const asks = reads.filter((r) => r.path === '/V6/GetMessage');
    expect(asks.length).toBeGreaterThan(0);
    for (const r of reads) expect(violations(r), `${r.path}?${r.query}`).toEqual([]);
    expect(protoProblems(Message, await answerTo(base, asks[0]!))).toEqual([]);
  });

  it('looks in the outbound list from the send’s start with the sheet’s parameters when Diadoc never acknowledged it', async () => {
    sim.processingReplies = 0;
    sim.server.inject({ path: '/V3/PostMessage', statusAfterProcessing: 500 }, { path: '/V3/PostMessage', status: 500 });
    sim.server.received.length = 0;
    await settledAfterLoss();
    const looks = sim.server.received.filter((r) => r.path === '/V3/GetDocuments');
    expect(looks.length).toBeGreaterThan(0);
    expect(looks.every((r) => r.query.get('filterCategory') === 'Any.Outbound' && r.query.has('timestampFromTicks'))).toBe(true);
    for (const r of sim.server.received.filter((x) => x.method === 'GET')) expect(violations(r), `${r.path}?${r.query}`).toEqual([]);
    for (const r of looks) expect(protoProblems(DocumentList, await answerTo(base, r))).toEqual([]);
  });
});
