import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/accounts.ts';
import type { RecipientSearchResult } from '../../shared/recipients.ts';
import { DiadocSimulator } from '../sandbox/diadoc.ts';
import type { ReceivedRequest } from '../sandbox/server.ts';
import { ok, testHost } from '../testing/host-fixture.ts';
import { diadocProtos, protoProblems } from '../testing/proto-json.ts';

/**
 * Diadoc's read requests (the counterparty directory and the organisation look-up by INN) as the
 * simulator received them. The .proto files describe the answers, not the HTTP query, so the
 * query is held against the parameter table of diadoc.md §12.1 and the answers the app parses are
 * held against `CounteragentList` and `OrganizationList` of shared/specs/diadoc/proto.
 */
const root = diadocProtos(['Counteragent.proto', 'Organization.proto']);
const CounteragentList = root.lookupType('Diadoc.Api.Proto.CounteragentList');
const OrganizationList = root.lookupType('Diadoc.Api.Proto.OrganizationList');

const GUID = { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' };
// §12.1, with the §12 intro's rule that boxes are passed in their GUID form.
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
    query[k] = k === 'pageSize' && /^\d+$/.test(raw) ? Number(raw) : raw;
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
  const sim = new DiadocSimulator({ tokens: [TOKEN], boxes: [BOX], read: { counteragents: 230 } });
  let host: Awaited<ReturnType<typeof testHost>>;
  let account: AccountView;
  let base = '';
  beforeAll(async () => {
    base = await sim.start();
    host = await testHost();
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
  });
});
