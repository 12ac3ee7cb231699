import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/accounts.ts';
import type { RecipientSearchResult } from '../../shared/recipients.ts';
import { DiadocSimulator } from '../sandbox/diadoc.ts';
import { testHost, ok } from '../testing/host-fixture.ts';

const TOKEN = 'diadoc-read-token';

describe('Diadoc counterparties against its simulator', () => {
  const sim = new DiadocSimulator({ tokens: [TOKEN], read: { counteragents: 250 } });
  let host: Awaited<ReturnType<typeof testHost>>;
  let account: AccountView;
  const search = (text: string) => ok<RecipientSearchResult>(host.dispatch('recipients.search', { accountId: account.id, text }));
  beforeAll(async () => {
    const baseUrl = await sim.start();
    host = await testHost();
    account = await ok(
      host.dispatch('accounts.create', {
        name: 'Diadoc',
        baseUrl,
        settings: { provider: 'diadoc', authScheme: 'bearer', fromBoxId: 'sandbox-box-from@diadoc.ru' },
        secrets: { token: TOKEN },
      }),
    );
  });
  afterAll(async () => {
    await host.dispose();
    await sim.stop();
  });

  it('pages GetCounteragents by IndexKey to the last page and keeps every counterparty', async () => {
    const state = await ok<{ state: string; count: number }>(host.dispatch('recipients.refresh', { accountId: account.id }));
    expect(state).toMatchObject({ state: 'ready', count: 250 });
    const pages = sim.server.received.filter((r) => r.path === '/V3/GetCounteragents');
    expect(pages.map((r) => r.query.get('afterIndexKey'))).toEqual([null, 'ik00000099', 'ik00000199']);
    expect(pages.every((r) => r.headers.accept === 'application/json')).toBe(true);
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
