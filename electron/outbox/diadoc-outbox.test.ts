import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountView } from '../../shared/accounts.ts';
import type { SendDetail } from '../../shared/contract.ts';
import type { DiadocMessage } from '../../shared/messages/diadoc.ts';
import type { SendSummary } from '../../shared/sends.ts';
import { ManualClock } from '../clock.ts';
import { DiadocSimulator } from '../sandbox/diadoc.ts';
import { testHost, value } from '../testing/host-fixture.ts';

const TOKEN = 'diadoc-outbox-token';
const FROM = 'sandbox-box-from@diadoc.ru';
const MINUTE = 60_000;
type TestHost = Awaited<ReturnType<typeof testHost>>;

describe('Diadoc sends in the outbox: the operationId and the processing budget', () => {
  const sim = new DiadocSimulator({ tokens: [TOKEN], boxes: [FROM] });
  let baseUrl = '';
  beforeAll(async () => {
    baseUrl = await sim.start();
  });
  afterAll(() => sim.stop());
  beforeEach(() => {
    sim.server.clearFaults();
    sim.processingReplies = 0;
  });

  async function open(clock: ManualClock): Promise<{ host: TestHost; account: AccountView; message: DiadocMessage }> {
    const host = await testHost({ clock, timeoutMs: 2000 });
    const account = value<AccountView>(
      await host.dispatch('accounts.create', {
        name: 'Диадок',
        baseUrl,
        settings: { provider: 'diadoc', authScheme: 'bearer', fromBoxId: FROM },
        secrets: { token: TOKEN },
      }),
    );
    const path = join(host.dataDir, 'Акт сверки.pdf');
    writeFileSync(path, '%PDF-1.4 акт сверки');
    writeFileSync(`${path}.sig`, Buffer.from([0x30, 0x82, 0x01, 0x00]));
    const file = await host.files.register(path);
    const signature = await host.files.register(`${path}.sig`);
    const message: DiadocMessage = {
      provider: 'diadoc',
      fromBoxId: FROM,
      toBoxId: 'counterparty@diadoc.ru',
      documents: [{ file: file.id, signatureFile: signature.id, typeNamedId: 'Nonformalized', comment: `акт ${crypto.randomUUID()}` }],
    };
    return { host, account, message };
  }

  async function detail(host: TestHost, id: string): Promise<SendDetail> {
    return value<SendDetail>(await host.dispatch('history.get', { id }));
  }

  async function eventually(host: TestHost, id: string, status: SendSummary['status']): Promise<SendDetail> {
    await vi.waitFor(async () => expect((await detail(host, id)).status).toBe(status), { timeout: 5000, interval: 20 });
    return detail(host, id);
  }

  it('"send again" after an unknown outcome reuses the operationId, and Diadoc creates one message', async () => {
    const clock = new ManualClock();
    const { host, account, message } = await open(clock);
    sim.processingReplies = 2;
    const first = value<SendSummary>(await host.dispatch('sends.send', { accountId: account.id, message }));
    expect(first.status).toBe('waiting');
    clock.advance(11 * MINUTE);
    const unknown = await eventually(host, first.id, 'outcome_unknown');
    expect(unknown.error?.reason).toBe('still_processing');
    const before = sim.messages.length;

    const again = value<SendSummary>(await host.dispatch('sends.resolve', { id: first.id, as: 'send_again' }));
    const sent = await eventually(host, again.id, 'sent');
    expect(sent.operationId).toBe(unknown.operationId);
    expect(sim.messages.length).toBe(before + 1);
    expect(sim.messages.at(-1)!.operationId).toBe(unknown.operationId!.toLowerCase());
    const posts = sim.server.received.filter((r) => r.path === '/V3/PostMessage').slice(-3);
    expect(posts.map((r) => r.query.get('operationId'))).toEqual([unknown.operationId, unknown.operationId, unknown.operationId]);
    await host.dispose();
  });

  it('an edited message sent from the composer gets a new operationId', async () => {
    const clock = new ManualClock();
    const { host, account, message } = await open(clock);
    const a = value<SendSummary>(await host.dispatch('sends.send', { accountId: account.id, message }));
    const edited = { ...message, documents: [{ ...message.documents[0]!, comment: 'исправлено' }] };
    const b = value<SendSummary>(await host.dispatch('sends.send', { accountId: account.id, message: edited }));
    expect((await detail(host, a.id)).operationId).not.toBe((await detail(host, b.id)).operationId);
    await host.dispose();
  });

  it('a send scheduled 15 minutes ahead survives one 503 and one 204: the budget counts from its first attempt', async () => {
    const clock = new ManualClock();
    const { host, account, message } = await open(clock);
    const s = value<SendSummary>(
      await host.dispatch('sends.send', { accountId: account.id, message, scheduledAt: clock.now() + 15 * MINUTE }),
    );
    expect(s.status).toBe('scheduled');
    sim.server.inject({ path: '/V3/PostMessage', status: 503, body: 'Service Unavailable' });
    sim.processingReplies = 1;
    const before = sim.messages.length;
    clock.advance(15 * MINUTE);
    const afterOutage = await eventually(host, s.id, 'waiting');
    expect(afterOutage.attempts).toHaveLength(1);
    clock.advance(30_000);
    await vi.waitFor(async () => {
      const d = await detail(host, s.id);
      expect([d.attempts.length, d.status]).toEqual([2, 'waiting']);
    });
    clock.advance(1_000);
    const sent = await eventually(host, s.id, 'sent');
    expect(sent.attempts.map((a) => a.exchanges.find((e) => e.url.includes('PostMessage'))?.status)).toEqual([503, 204, 200]);
    expect(sim.messages.length).toBe(before + 1);
    await host.dispose();
  });
});
