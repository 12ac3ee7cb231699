import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/accounts.ts';
import type { SendDetail } from '../../shared/contract.ts';
import type { SendSummary } from '../../shared/sends.ts';
import { MarketSimulator } from '../sandbox/market.ts';
import type { ReceivedRequest } from '../sandbox/server.ts';
import { hostWithAccount, ok, type TestHost } from '../testing/host-fixture.ts';
import { OpenApiSpec } from '../testing/openapi-spec.ts';

/**
 * Every read-side request the app makes to Yandex Market (directory paging through getChats, a
 * conversation and the look for a lost send through getChatHistory), as the simulator received
 * it, held against the operation Market's own OpenAPI (shared/specs/yandex-market) publishes.
 */
const spec = new OpenApiSpec(new URL('../../../shared/specs/yandex-market/openapi/openapi.yaml', import.meta.url));
const TOKEN = 'ACMA:market-read-conformance:token';

describe('Market read requests against the published OpenAPI', () => {
  const sim = new MarketSimulator({ tokens: [TOKEN], read: { chats: 45, visibleAfterMs: 0 } });
  let host: TestHost;
  let account: AccountView;
  const reads = () => sim.server.received.filter((r) => !r.path.endsWith('/chats/message') && !r.path.endsWith('/chats/file/send'));
  const operationOf = (r: ReceivedRequest) => spec.find(r.method, r.path)?.op.operationId;
  const maximum = (template: string, name: string) =>
    (spec.operation('POST', template)!.parameters.find((p) => p.name === name)!.schema as { maximum: number }).maximum;

  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ host, account, stop } = await hostWithAccount(
      sim,
      { name: 'M', settings: { provider: 'market', businessId: '100500' }, secrets: { token: TOKEN } },
      { evidenceTiming: { firstLookMs: 0, finalAfterMs: 400 }, timeoutMs: 2000 },
    ));
  });
  afterAll(() => stop());

  it('pages the directory through getChats with published parameters and body, 20 a page as the spec allows', async () => {
    sim.server.received.length = 0;
    await ok(host.dispatch('recipients.refresh', { accountId: account.id }));
    const requests = reads();
    expect(requests.map(operationOf)).toEqual(Array(Math.ceil(sim.read.chats.length / 20)).fill('getChats'));
    for (const r of requests) expect(spec.violations(r), `${r.method} ${r.path}?${r.query}`).toEqual([]);
    const pageMax = maximum('/v2/businesses/{businessId}/chats', 'limit');
    expect(requests.map((r) => Number(r.query.get('limit')))).toEqual(requests.map(() => pageMax));
    expect(requests.filter((r) => r.query.has('page_token'))).toHaveLength(requests.length - 1);
  });

  it('reads a conversation through getChatHistory with published parameters and body', async () => {
    sim.server.received.length = 0;
    const chat = sim.read.chats[3]!;
    await ok(host.dispatch('conversations.get', { accountId: account.id, target: String(chat.chatId), fresh: true }));
    const requests = reads();
    expect(requests.map(operationOf)).toEqual(['getChatHistory']);
    expect(spec.violations(requests[0]!)).toEqual([]);
    expect(Number(requests[0]!.query.get('limit'))).toBeLessThanOrEqual(maximum('/v2/businesses/{businessId}/chats/history', 'limit'));
  });

  it('looks for a send whose answer was lost through getChatHistory with published parameters', async () => {
    sim.server.received.length = 0;
    sim.server.inject({ path: '/chats/message', acceptThenDrop: true });
    const s = await ok<SendSummary>(
      host.dispatch('sends.send', {
        accountId: account.id,
        message: { provider: 'market', businessId: '100500', chatId: '7000003', kind: 'text', text: 'Посылка у курьера' },
      }),
    );
    expect(s.status).toBe('outcome_unknown');
    let d = await ok<SendDetail>(host.dispatch('history.get', { id: s.id }));
    while (!d.settlement) {
      await new Promise((r) => setTimeout(r, 50));
      d = await ok<SendDetail>(host.dispatch('history.get', { id: s.id }));
    }
    expect(d.settlement.result).toBe('found');
    const looks = reads();
    expect(looks.length).toBeGreaterThan(0);
    expect(new Set(looks.map(operationOf))).toEqual(new Set(['getChatHistory']));
    for (const r of looks) expect(spec.violations(r), `${r.method} ${r.path}?${r.query}`).toEqual([]);
  });

  it('the check itself refuses what the spec refuses', () => {
    const at = (url: string, body = '{}', headers: Record<string, string> = { 'api-key': TOKEN, 'content-type': 'application/json' }) => {
      const u = new URL(url, 'http://sim');
      return { method: 'POST', path: u.pathname, query: u.searchParams, headers, body: Buffer.from(body), at: 0 };
    };
    expect(spec.violations(at('/v2/businesses/100500/chats?limit=20&pageToken=abc'))).toEqual([]);
    expect(spec.violations(at('/v2/businesses/100500/chats?limit=21'))).toEqual(['query limit must be <= 20']);
    expect(spec.violations(at('/v2/businesses/100500/chats?page_token=a&pageToken=b'))).toEqual([
      'query pageToken repeats pageToken under another name',
    ]);
    expect(spec.violations(at('/v2/businesses/100500/chats', ''))).toEqual(['getChats requires a body, none sent']);
    expect(spec.violations(at('/v2/businesses/100500/chats', '{"statuses":[]}'))).not.toEqual([]);
    expect(spec.violations(at('/v2/businesses/0/chats'))).toEqual(['path businessId must be >= 1']);
    expect(spec.violations(at('/v2/businesses/100500/chats/history?limit=50'))).toEqual(['query chatId is required, missing']);
    expect(spec.violations(at('/v2/businesses/100500/chats/history?chatId=7&limit=101'))).toEqual(['query limit must be <= 100']);
    expect(spec.violations(at('/v2/businesses/100500/chats/history?chatId=7', '{"messageIdFrom":0}'))).toEqual([
      'body/messageIdFrom must be >= 1',
    ]);
    expect(spec.violations(at('/v2/businesses/100500/chats/history?chatId=7', '{}', { 'content-type': 'application/json' }))).toEqual([
      'none of the security schemes (ApiKey | OAuth) is present',
    ]);
  });
});
