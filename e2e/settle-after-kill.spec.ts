import { expect } from '@playwright/test';
import { PachcaSimulator } from '../electron/sandbox/pachca.ts';
import { appTest, targets } from './fixtures.ts';
import { addAccount, openHistoryEntry } from './helpers.ts';

const TOKEN = 'pachca-e2e-user-token-kill-9a8b7c6d';
const TEXT = 'Счёт №42 выставлен, оплата до пятницы';

for (const target of targets) {
  const test = appTest(target);
  test.describe(`A send the app did not live to see answered [${target}]`, () => {
    let sim: PachcaSimulator;
    test.beforeEach(async () => {
      sim = new PachcaSimulator({ tokens: [TOKEN], read: { visibleAfterMs: 500 } });
      await sim.start();
    });
    test.afterEach(() => sim?.stop());

    test('a Pachca send killed mid-flight settles itself as sent', async ({ app }) => {
      test.setTimeout(150_000);
      let page = app.page;
      await addAccount(page, { provider: 'pachca', name: 'Поддержка', baseUrl: sim.server.baseUrl, token: TOKEN });
      await page.getByRole('button', { name: 'Пачка' }).click();
      const composer = page.getByRole('form', { name: 'Пачка' });
      await composer.getByLabel('ID чата, треда или пользователя').fill('334');
      await composer.getByLabel('Текст сообщения').fill(TEXT);
      // Pachca takes its time over the message: the request has arrived, the answer has not left yet.
      let held = false;
      sim.server.chooseFault = (req) => {
        if (held || req.method !== 'POST' || req.path !== '/messages') return undefined;
        held = true;
        return { delayMs: 4_000 };
      };
      const posts = () => sim.server.received.filter((r) => r.method === 'POST' && r.path === '/messages');
      await composer.getByRole('button', { name: /Отправить/ }).click();
      await expect.poll(() => posts().length).toBe(1);
      expect(sim.messages).toHaveLength(0);

      page = await app.kill();
      // Pachca finished its work although nobody was listening any more.
      await expect.poll(() => sim.messages.length, { timeout: 20_000 }).toBe(1);

      await openHistoryEntry(page, TEXT);
      const detail = page.getByRole('region', { name: 'Подробности отправки' });
      await expect(detail.locator('header [data-status="sent"]')).toBeVisible({ timeout: 60_000 });
      await expect(page.getByTestId('settlement')).toContainText(`Подтверждено провайдером: сообщение ${sim.messages[0]!.id}`);
      await expect(page.getByTestId('provider-message-id')).toHaveText(String(sim.messages[0]!.id));
      // Settled by looking, never by sending again.
      expect(posts()).toHaveLength(1);
      expect(sim.messages).toHaveLength(1);
    });
  });
}
