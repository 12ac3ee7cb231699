import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/accounts.ts';
import type { SendDetail } from '../../shared/contract.ts';
import type { SendSummary } from '../../shared/sends.ts';
import { PachcaSimulator } from '../sandbox/pachca.ts';
import { hostWithAccount, value, type TestHost } from '../testing/host-fixture.ts';

const TOKEN = 'sent-files-detail-token-7a2c';

describe("a sent Pachca message's detail", () => {
  const pachca = new PachcaSimulator({ tokens: [TOKEN], botTokens: [] });
  let host: TestHost;
  let account: AccountView;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ host, account, stop } = await hostWithAccount(pachca, {
      name: 'Пачка',
      settings: { provider: 'pachca', isBot: false },
      secrets: { token: TOKEN },
    }));
  });
  afterAll(() => stop());

  it('names and sizes every file as it was attached, and says which is no longer on disk; the buttons come back as sent', async () => {
    const kept = join(host.dataDir, 'накладная №5.pdf');
    const removed = join(host.dataDir, 'фото склада.png');
    writeFileSync(kept, 'x'.repeat(2048));
    writeFileSync(removed, 'y'.repeat(300));
    const [a, b] = [await host.files.register(kept), await host.files.register(removed)];
    const buttons = [[{ text: 'Отследить', url: 'https://track.example/5' }], [{ text: 'Всё хорошо', data: 'order:5:ok' }]];
    const sent = value<SendSummary>(
      await host.dispatch('sends.send', {
        accountId: account.id,
        message: { provider: 'pachca', entityType: 'discussion', entityId: 334, content: 'Заказ №5', files: [a.id, b.id], buttons },
      }),
    );
    expect(sent.status).toBe('sent');
    rmSync(removed);

    const detail = value<SendDetail>(await host.dispatch('history.get', { id: sent.id }));
    expect(detail.attachedFiles).toEqual([
      { id: a.id, name: 'накладная №5.pdf', size: 2048, onDisk: true },
      { id: b.id, name: 'фото склада.png', size: 300, onDisk: false },
    ]);
    expect(detail.files?.map((f) => f.id)).toEqual([a.id]);
    expect(detail.message).toMatchObject({ provider: 'pachca', buttons });
  });
});
