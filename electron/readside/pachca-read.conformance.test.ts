import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/accounts.ts';
import type { SendDetail } from '../../shared/contract.ts';
import type { SendSummary } from '../../shared/sends.ts';
import { PachcaSimulator } from '../sandbox/pachca.ts';
import type { ReceivedRequest } from '../sandbox/server.ts';
import { hostWithAccount, ok, type TestHost } from '../testing/host-fixture.ts';
import { OpenApiSpec } from '../testing/openapi-spec.ts';

/**
 * Every read-side request the app makes to Pachca (directory paging, a conversation, the look for a
 * send whose answer was lost, edit and delete), as the simulator received it, held against the
 * operation Pachca's own OpenAPI (shared/specs/pachca) publishes for it.
 */
const spec = new OpenApiSpec(new URL('../../../shared/specs/pachca/openapi.yaml', import.meta.url));
const TOKEN = 'pachca-read-conformance-token';

describe('Pachca read requests against the published OpenAPI', () => {
  const sim = new PachcaSimulator({ tokens: [TOKEN], read: { chats: 120, users: 70, visibleAfterMs: 0 } });
  let host: TestHost;
  let account: AccountView;
  const reads = () => sim.server.received.filter((r) => !(r.method === 'POST' && r.path === '/messages'));
  const operationOf = (r: ReceivedRequest) => spec.find(r.method, r.path)?.op.operationId;

  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ host, account, stop } = await hostWithAccount(
      sim,
      { name: 'P', settings: { provider: 'pachca', isBot: false }, secrets: { token: TOKEN } },
      { evidenceTiming: { firstLookMs: 0, finalAfterMs: 400 }, timeoutMs: 2000 },
    ));
  });
  afterAll(() => stop());

  it('pages the directory with published parameters, at the largest page the spec allows', async () => {
    sim.server.received.length = 0;
    await ok(host.dispatch('recipients.refresh', { accountId: account.id }));
    const requests = reads();
    expect(requests.map(operationOf)).toEqual([
      ...Array(Math.ceil(sim.read.chats.length / 50)).fill('ChatOperations_listChats'),
      ...Array(Math.ceil(sim.read.users.length / 50)).fill('UserOperations_listUsers'),
    ]);
    for (const r of requests) expect(spec.violations(r), `${r.method} ${r.path}?${r.query}`).toEqual([]);
    const limit = spec.operation('GET', '/chats')!.parameters.find((p) => p.name === 'limit')!.schema as { maximum: number };
    expect(requests.map((r) => Number(r.query.get('limit')))).toEqual(requests.map(() => limit.maximum));
    // Every page after the first carries the cursor the previous page handed out.
    expect(requests.filter((r) => r.query.has('cursor'))).toHaveLength(requests.length - 2);
  });

  it('reads a chat’s and a user’s conversation with published parameters', async () => {
    sim.server.received.length = 0;
    await ok(host.dispatch('conversations.get', { accountId: account.id, target: 'discussion:5003', fresh: true }));
    await ok(host.dispatch('conversations.get', { accountId: account.id, target: `user:${sim.read.users[4]!.id}`, fresh: true }));
    const requests = reads();
    expect(new Set(requests.map(operationOf))).toEqual(
      new Set(['ProfileOperations_getProfile', 'ChatOperations_listChats', 'ChatMessageOperations_listChatMessages']),
    );
    expect(requests.find((r) => r.path === '/chats')!.query.get('personal')).toBe('true');
    for (const r of requests) expect(spec.violations(r), `${r.method} ${r.path}?${r.query}`).toEqual([]);
  });

  it('looks for a send whose answer was lost with published parameters', async () => {
    sim.server.received.length = 0;
    sim.server.inject({ path: '/messages', acceptThenDrop: true });
    const s = await ok<SendSummary>(
      host.dispatch('sends.send', {
        accountId: account.id,
        message: { provider: 'pachca', entityType: 'discussion', entityId: 5001, content: 'Счёт отправлен' },
      }),
    );
    expect(s.status).toBe('outcome_unknown');
    let d = await ok<SendDetail>(host.dispatch('history.get', { id: s.id }));
    while (!d.settlement) {
      await new Promise((r) => setTimeout(r, 50));
      d = await ok<SendDetail>(host.dispatch('history.get', { id: s.id }));
    }
    expect(d.settlement.result).toBe('found');
    const looks = reads().filter((r) => operationOf(r) === 'ChatMessageOperations_listChatMessages');
    expect(looks.length).toBeGreaterThan(0);
    for (const r of reads()) expect(spec.violations(r), `${r.method} ${r.path}?${r.query}`).toEqual([]);
  });

  it('edits and deletes a sent message with the published path and body', async () => {
    const s = await ok<SendSummary>(
      host.dispatch('sends.send', {
        accountId: account.id,
        message: { provider: 'pachca', entityType: 'discussion', entityId: 5002, content: 'Опечатка' },
      }),
    );
    sim.server.received.length = 0;
    await ok(host.dispatch('sentMessages.edit', { id: s.id, text: 'Исправлено' }));
    await ok(host.dispatch('sentMessages.remove', { id: s.id }));
    const requests = reads();
    expect(requests.map(operationOf)).toEqual(['MessageOperations_updateMessage', 'MessageOperations_deleteMessage']);
    for (const r of requests) expect(spec.violations(r), `${r.method} ${r.path}`).toEqual([]);
  });

  it('the check itself refuses what the spec refuses', () => {
    const at = (method: string, url: string, body = '') => {
      const u = new URL(url, 'http://sim');
      return {
        method,
        path: u.pathname,
        query: u.searchParams,
        headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: Buffer.from(body),
        at: 0,
      };
    };
    expect(spec.violations(at('GET', '/chats?limit=50'))).toEqual([]);
    expect(spec.violations(at('GET', '/chats?limit=51'))).toEqual(['query limit must be <= 50']);
    expect(spec.violations(at('GET', '/chats?limit=0'))).toEqual(['query limit must be >= 1']);
    expect(spec.violations(at('GET', '/chats?page=2'))).toEqual(['query page is not a parameter of ChatOperations_listChats']);
    expect(spec.violations(at('GET', '/messages?limit=5'))).toEqual(['query chat_id is required, missing']);
    expect(spec.violations(at('GET', '/messages?chat_id=abc'))).toEqual(['query chat_id must be integer']);
    expect(spec.violations(at('GET', '/chats?personal=yes'))).toEqual(['query personal must be boolean']);
    expect(spec.violations(at('PUT', '/messages/7', '{"content":"x"}'))).not.toEqual([]);
    expect(spec.violations({ ...at('GET', '/profile'), headers: {} })).toEqual(['none of the security schemes (BearerAuth) is present']);
  });
});
