import { expect } from '@playwright/test';
import { MarketSimulator } from '../electron/sandbox/market.ts';
import { appTest, targets } from './fixtures.ts';
import { addMarketAccount } from './helpers.ts';

const KEY = 'ACMA:e2eReadsideApiKey123456789:abcdef12';

for (const target of targets) {
  const test = appTest(target);
  test.describe(`Recipients and conversation [${target}]`, () => {
    let sim: MarketSimulator;
    test.beforeEach(async ({ app }) => {
      sim = new MarketSimulator({ tokens: [KEY], read: { chats: 40, visibleAfterMs: 500 } });
      const baseUrl = await sim.start();
      // The directory's first read is slow, as on a busy machine: the operator types before it ends.
      sim.server.chooseFault = (req) => (req.path.endsWith('/chats') ? { delayMs: 1500 } : undefined);
      await addMarketAccount(app.page, baseUrl, KEY);
    });
    test.afterEach(() => sim?.stop());

    test('an operator picks a Market chat by order number, reads the buyer, answers, and sees the answer in the conversation', async ({
      app,
    }) => {
      // Several reads and a send through the harness on a shared machine: more than one minute at times.
      test.slow();
      const { page } = app;
      const chat = sim.read.chats[10]!;
      const composer = page.getByRole('form', { name: 'Яндекс Маркет' });
      const field = composer.getByRole('combobox', { name: 'ID чата с покупателем' });
      await field.fill(String(chat.orderId));
      const option = page.getByRole('option').filter({ hasText: String(chat.orderId) });
      await expect(option).toContainText(chat.customer.name);
      await option.click();
      await expect(field).toHaveValue(String(chat.chatId));
      await expect(composer.locator('.picker-chosen')).toContainText(chat.customer.name);

      const conversation = page.getByRole('region', { name: 'Переписка' });
      const question = sim.read.seededMessages.find((m) => m.chatId === chat.chatId && m.message)!.message!;
      await expect(conversation.getByText(question)).toBeVisible();
      await expect(conversation.locator('li').filter({ hasText: question })).toContainText(chat.customer.name);

      await composer.getByLabel('Текст сообщения').fill('Заказ передан в доставку, будет завтра.');
      await composer.getByRole('button', { name: /Отправить/ }).click();
      await expect(composer.locator('.last-result [data-status="sent"]')).toBeVisible();
      const answer = conversation.locator('li.own').filter({ hasText: 'Заказ передан в доставку, будет завтра.' });
      await expect(answer).toBeVisible({ timeout: 15_000 });
      await expect(answer).toContainText('Мы');
    });
  });
}
