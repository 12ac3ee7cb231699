import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/accounts.ts';
import type { DiadocTypesReply } from '../../shared/messages/diadoc-types.ts';
import type { Conversation, RecipientSearchResult } from '../../shared/recipients.ts';
import { DiadocSimulator } from '../sandbox/diadoc.ts';
import { hostWithAccount, ok, type TestHost } from '../testing/host-fixture.ts';

const TOKEN = 'diadoc-read-token';
/** The older `<32 hex>@diadoc.ru` box id (diadoc.md §10) an account may still hold. */
const OLD_FORM_BOX = '13254c424b4f74fd33240094aeb0f15a@diadoc.ru';

describe('Diadoc counterparties against its simulator', () => {
  const sim = new DiadocSimulator({ tokens: [TOKEN], boxes: [OLD_FORM_BOX], read: { counteragents: 250 }, documents: { inboundFrom: 3 } });
  let host: TestHost;
  let account: AccountView;
  let base = '';
  const search = (text: string) => ok<RecipientSearchResult>(host.dispatch('recipients.search', { accountId: account.id, text }));
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({
      host,
      account,
      stop,
      baseUrl: base,
    } = await hostWithAccount(sim, {
      name: 'Diadoc',
      settings: { provider: 'diadoc', authScheme: 'bearer', fromBoxId: OLD_FORM_BOX },
      secrets: { token: TOKEN },
    }));
  });
  afterAll(() => stop());

  it('pages GetCounteragents by IndexKey to the last page and keeps every counterparty', async () => {
    const state = await ok<{ state: string; count: number }>(host.dispatch('recipients.refresh', { accountId: account.id }));
    expect(state).toMatchObject({ state: 'ready', count: 250 });
    const pages = sim.server.received.filter((r) => r.path === '/V3/GetCounteragents');
    expect(pages.map((r) => r.query.get('afterIndexKey'))).toEqual([null, 'ik00000099', 'ik00000199']);
    expect(pages.every((r) => r.headers.accept === 'application/json')).toBe(true);
  });

  /** The box's GUID as the simulator's GetMyOrganizations lists it beside the older id. */
  async function listedGuid(): Promise<string> {
    const res = await fetch(`${base}/GetMyOrganizations?autoRegister=false`, {
      headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' },
    });
    const body = (await res.json()) as { Organizations: { Boxes: { BoxId: string; BoxIdGuid: string }[] }[] };
    return body.Organizations[0]!.Boxes.find((b) => b.BoxId === OLD_FORM_BOX)!.BoxIdGuid;
  }

  it('an account holding the older box id reads with the GUID GetMyOrganizations gives, asked once and without registering anyone', async () => {
    const asked = sim.server.received.filter((r) => r.path === '/GetMyOrganizations');
    expect(asked.map((r) => r.query.get('autoRegister'))).toEqual(['false']);
    const guid = await listedGuid();
    const reads = sim.server.received.filter((r) => r.path === '/V3/GetCounteragents');
    expect(reads).toHaveLength(3);
    expect(new Set(reads.map((r) => r.query.get('myBoxId')))).toEqual(new Set([guid]));
  });

  it('reads a counterparty’s documents and the box’s document types with the GUID too', async () => {
    const guid = await listedGuid();
    const target = sim.read.counteragents[1]!.Organization.Boxes[0]!.BoxIdGuid;
    const c = await ok<Conversation>(host.dispatch('conversations.get', { accountId: account.id, target, fresh: true }));
    expect(c.state).toBe('ok');
    expect(c.items.length).toBeGreaterThan(0);
    const lists = sim.server.received.filter((r) => r.path === '/V3/GetDocuments');
    expect(lists.length).toBe(2);
    expect(lists.every((r) => r.query.get('boxId') === guid)).toBe(true);

    const types = await ok<DiadocTypesReply>(host.dispatch('diadoc.documentTypes', { accountId: account.id, refresh: true }));
    expect(types.source).toBe('box');
    expect(sim.server.received.filter((r) => r.path === '/V3/GetDocumentTypes').map((r) => r.query.get('boxId'))).toEqual([guid]);
  });

  it('reads the documents of a counterparty typed by its older box id under the GUID GetOrganization gives', async () => {
    const box = sim.read.counteragents[2]!.Organization.Boxes[0]!;
    const c = await ok<Conversation>(host.dispatch('conversations.get', { accountId: account.id, target: box.BoxId, fresh: true }));
    expect(c.state).toBe('ok');
    expect(c.items.length).toBeGreaterThan(0);
    const look = sim.server.received.filter((r) => r.path === '/GetOrganization');
    expect(look.map((r) => r.query.get('boxId'))).toEqual([box.BoxId]);
    const lists = sim.server.received.filter((r) => r.path === '/V3/GetDocuments').slice(-2);
    expect(lists.map((r) => r.query.get('counteragentBoxId'))).toEqual([box.BoxIdGuid, box.BoxIdGuid]);
  });

  it('finds a counterparty by INN and by name, addressed by its box GUID', async () => {
    const c = sim.read.counteragents[42]!.Organization;
    expect((await search(c.Inn)).items[0]).toMatchObject({
      kind: 'counterparty',
      target: c.Boxes[0]!.BoxIdGuid,
      detail: expect.stringContaining(c.Inn),
    });
    expect((await search(c.ShortName)).items.map((r) => r.name)).toContain(c.ShortName);
  });

  it('looks up an organisation that is no counterparty by its INN and KPP', async () => {
    const o = sim.read.strangers[3]!;
    const found = await search(`${o.Inn} ${o.Kpp}`.trim());
    expect(found.items[0]).toMatchObject({ kind: 'organization', name: o.ShortName, target: o.Boxes[0]!.BoxIdGuid });
    expect(
      sim.server.received
        .filter((r) => r.path === '/GetOrganizationsByInnKpp')
        .at(-1)!
        .query.get('inn'),
    ).toBe(o.Inn);
  });
});
