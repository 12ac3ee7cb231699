import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountView } from '../../shared/accounts.ts';
import type { SendDetail } from '../../shared/contract.ts';
import type { DiadocMessage } from '../../shared/messages/diadoc.ts';
import type { SendSummary } from '../../shared/sends.ts';
import { ManualClock } from '../clock.ts';
import { DiadocSimulator } from '../sandbox/diadoc.ts';
import { testHost, value } from '../testing/host-fixture.ts';

const TOKEN = 'diadoc-evidence-token';
const FROM = 'sandbox-box-from@diadoc.ru';
const TO = '6f1c2b1e-0d4b-4d8e-9a51-3c0c5d7e9f10';
const MINUTE = 60_000;
type TestHost = Awaited<ReturnType<typeof testHost>>;

describe('Diadoc: an unknown outcome settled by the repeat of its operationId or by the outbound list, never by a second document', () => {
  const sim = new DiadocSimulator({ tokens: [TOKEN], boxes: [FROM] });
  let baseUrl = '';
  let clock: ManualClock;
  let host: TestHost;
  let account: AccountView;
  let db: DatabaseSync;
  const posts = () => sim.server.received.filter((r) => r.path === '/V3/PostMessage');
  const detail = async (id: string) => value<SendDetail>(await host.dispatch('history.get', { id }));

  beforeAll(async () => {
    baseUrl = await sim.start();
  });
  afterAll(() => sim.stop());
  beforeEach(async () => {
    sim.server.clearFaults();
    sim.processingReplies = 0;
    clock = new ManualClock();
    host = await testHost({
      clock,
      timeoutMs: 2000,
      evidenceTiming: { firstLookMs: 0, finalAfterMs: 0 },
      historyConnection: (c) => (db = c),
    });
    account = value<AccountView>(
      await host.dispatch('accounts.create', {
        name: 'Диадок',
        baseUrl,
        settings: { provider: 'diadoc', authScheme: 'bearer', fromBoxId: FROM },
        secrets: { token: TOKEN },
      }),
    );
    return () => host.dispose();
  });

  async function document(customDocumentId?: string): Promise<DiadocMessage['documents'][number]> {
    const path = join(host.dataDir, `Акт ${crypto.randomUUID().slice(0, 8)}.pdf`);
    writeFileSync(path, `%PDF-1.4 ${crypto.randomUUID()}`);
    writeFileSync(`${path}.sig`, Buffer.from([0x30, 0x82, 0x01, 0x00]));
    const file = await host.files.register(path);
    const signature = await host.files.register(`${path}.sig`);
    return { file: file.id, signatureFile: signature.id, typeNamedId: 'Nonformalized', ...(customDocumentId ? { customDocumentId } : {}) };
  }

  async function message(customDocumentId?: string, count = 1): Promise<DiadocMessage> {
    const documents = [];
    for (let i = 0; i < count; i++) documents.push(await document(customDocumentId && `${customDocumentId}-${i}`));
    return { provider: 'diadoc', fromBoxId: FROM, toBoxId: TO, documents };
  }

  /** Sends, lets the outbox's processing budget run out (its second attempt comes 11 minutes on), and returns the unknown send. */
  async function lostSend(m: DiadocMessage): Promise<SendDetail> {
    const first = value<SendSummary>(await host.dispatch('sends.send', { accountId: account.id, message: m }));
    expect(first.status).toBe('waiting');
    clock.advance(11 * MINUTE);
    await vi.waitFor(async () => expect((await detail(first.id)).status).toBe('outcome_unknown'), { timeout: 5000, interval: 20 });
    return detail(first.id);
  }

  async function settled(id: string): Promise<SendDetail> {
    await vi.waitFor(
      async () => {
        clock.advance(0);
        expect((await detail(id)).settlement).toBeDefined();
      },
      { timeout: 5000, interval: 20 },
    );
    return detail(id);
  }

  it('an operation Diadoc was still processing is asked again with its operationId: the answer settles it as sent, and there is one message', async () => {
    // Two 204s while the outbox waits, one more for the look, then the 200.
    sim.processingReplies = 3;
    const lost = await lostSend(await message());
    expect(lost.error?.reason).toBe('still_processing');

    // The first look's repeat is answered 204 again: the look comes back after Retry-After (1 s), not before.
    await vi.waitFor(
      () => {
        clock.advance(0);
        expect(posts()).toHaveLength(3);
      },
      { timeout: 5000, interval: 20 },
    );
    expect((await detail(lost.id)).settlement).toBeUndefined();
    clock.advance(1000);
    const d = await settled(lost.id);

    const made = sim.messages.filter((m) => m.operationId === lost.operationId!.toLowerCase());
    expect(made).toHaveLength(1);
    expect(d).toMatchObject({
      status: 'sent',
      providerMessageId: made[0]!.messageId,
      settlement: { result: 'found', by: 'provider', providerMessageId: made[0]!.messageId },
    });
    expect(Math.abs(d.settlement!.providerAt! - made[0]!.createdAt)).toBeLessThan(1000);
    expect(posts().map((r) => r.query.get('operationId'))).toEqual(Array(4).fill(lost.operationId));
    const lookup = sim.server.received.find((r) => r.path === '/V6/GetMessage' && r.query.get('messageId') === made[0]!.messageId)!;
    // diadoc.md §12.4: GetMessage (V6) takes boxId, messageId, entityId, originalSignature, injectEntityContent.
    expect([...lookup.query.keys()].sort((a, b) => a.localeCompare(b))).toEqual(['boxId', 'injectEntityContent', 'messageId']);
  });

  it('a message of three documents Diadoc made before answering 500 is found in the outbound list, without posting it again', async () => {
    // An earlier message to the same counterparty with other files must not be taken for it.
    const earlier = value<SendSummary>(await host.dispatch('sends.send', { accountId: account.id, message: await message() }));
    await vi.waitFor(async () => expect((await detail(earlier.id)).status).toBe('sent'), { timeout: 5000, interval: 20 });
    sim.server.inject({ path: '/V3/PostMessage', statusAfterProcessing: 500 }, { path: '/V3/PostMessage', status: 500 });
    const lost = await lostSend(await message(`console-${crypto.randomUUID().slice(0, 8)}`, 3));
    expect(lost.error?.reason).toBe('still_processing');
    const before = posts().length;

    const d = await settled(lost.id);
    const made = sim.messages.at(-1)!;
    expect(made.documents).toHaveLength(3);
    expect(d).toMatchObject({ status: 'sent', providerMessageId: made.messageId, settlement: { result: 'found', by: 'provider' } });
    expect(posts()).toHaveLength(before);
    const look = sim.server.received.filter((r) => r.path === '/V3/GetDocuments').at(-1)!;
    expect(look.query.get('filterCategory')).toBe('Any.Outbound');
    expect(look.query.get('counteragentBoxId')).toBe(TO);
    // §12.5: from the send's start (less the clock skew allowed), in Diadoc's ticks.
    const from = Number(look.query.get('timestampFromTicks'));
    expect(from).toBeLessThanOrEqual(621_355_968_000_000_000 + lost.attempts[0]!.startedAt * 10_000);
  });

  it('a message Diadoc never took is "not found", stays for the operator and is not posted again', async () => {
    sim.server.inject({ path: '/V3/PostMessage', status: 500, times: 2 });
    const before = sim.messages.length;
    const lost = await lostSend(await message());
    const sent = posts().length;

    const d = await settled(lost.id);
    expect(d).toMatchObject({ status: 'outcome_unknown', settlement: { result: 'not_found', by: 'app' } });
    expect(posts()).toHaveLength(sent);
    expect(sim.messages.length).toBe(before);
  });

  it('a send with no operationId on record cannot be looked up by it: "cannot tell", left to the operator, nothing posted or read', async () => {
    // Diadoc acknowledged it (204s), so a recorded operationId would be asked again; this row lost it.
    sim.processingReplies = 5;
    const lost = await lostSend(await message());
    db.prepare('UPDATE sends SET operation_id = ? WHERE id = ?').run('', lost.id);
    const sent = posts().length;
    const reads = sim.server.received.filter((r) => r.path === '/V3/GetDocuments').length;

    const d = await settled(lost.id);
    expect(d).toMatchObject({ status: 'outcome_unknown', settlement: { result: 'cannot_tell', by: 'app' } });
    expect(posts()).toHaveLength(sent);
    expect(sim.server.received.filter((r) => r.path === '/V3/GetDocuments')).toHaveLength(reads);
    expect(sim.messages.some((m) => m.operationId === lost.operationId!.toLowerCase())).toBe(false);
  });

  it('an operation Diadoc last acknowledged more than a day ago is not repeated (§12.8.4 is open): the list decides, and it says "not found"', async () => {
    await host.dispose();
    clock = new ManualClock();
    // The first look comes a day and an hour after the send: longer than Diadoc is trusted to remember the operationId.
    host = await testHost({ clock, timeoutMs: 2000, evidenceTiming: { firstLookMs: 25 * 60 * MINUTE, finalAfterMs: 0 } });
    account = value<AccountView>(
      await host.dispatch('accounts.create', {
        name: 'Диадок',
        baseUrl,
        settings: { provider: 'diadoc', authScheme: 'bearer', fromBoxId: FROM },
        secrets: { token: TOKEN },
      }),
    );
    sim.processingReplies = 5;
    const lost = await lostSend(await message());
    const sent = posts().length;
    clock.advance(25 * 60 * MINUTE);

    const d = await settled(lost.id);
    expect(d).toMatchObject({ status: 'outcome_unknown', settlement: { result: 'not_found', by: 'app' } });
    expect(posts()).toHaveLength(sent);
    expect(sim.server.received.at(-1)!.path).toBe('/V3/GetDocuments');
  });
});
