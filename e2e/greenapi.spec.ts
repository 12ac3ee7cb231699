import { expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { GreenApiV1Simulator } from '../electron/sandbox/green-api-v1.ts';
import { appTest, targets } from './fixtures.ts';
import { addAccount, openHistoryEntry } from './helpers.ts';

const TOKEN = 'gr.e2e-secret-token-4f9a1b2c';

for (const target of targets) {
  const test = appTest(target);

  test.describe(`Green-API slice [${target}]`, () => {
    let sim: GreenApiV1Simulator;
    test.beforeEach(async () => {
      sim = new GreenApiV1Simulator({ tokens: [TOKEN] });
      await sim.start();
    });
    test.afterEach(async () => {
      await sim?.stop();
    });

    /** A Green-API account on the simulator, and its composer with a recipient and this text. */
    async function composerWithAccount(page: Page, text: string) {
      await addAccount(page, { provider: 'greenapi', name: 'WA', baseUrl: sim.server.baseUrl, token: TOKEN });
      await page.getByRole('button', { name: 'WhatsApp' }).click();
      const composer = page.getByRole('form', { name: 'Green-API (WhatsApp)' });
      await composer.getByLabel('Номер или ID группы').fill('79001234567');
      await composer.getByLabel('Текст сообщения').fill(text);
      return composer;
    }

    test('an operator adds a Green-API account, sends a text from the composer and finds it in the history', async ({ app }) => {
      const { page } = app;
      await page.getByRole('button', { name: 'Аккаунты', exact: true }).click();
      await page.getByRole('button', { name: 'Добавить аккаунт' }).first().click();
      const form = page.getByRole('form', { name: 'Добавить аккаунт' });
      await form.getByLabel('Провайдер').selectOption('greenapi');
      await form.getByLabel('Название').fill('Поддержка WhatsApp');
      await form.getByLabel('Базовый URL').fill(sim.server.baseUrl);
      await form.getByLabel('Токен').fill(TOKEN);
      await form.getByRole('button', { name: 'Сохранить' }).click();
      await expect(page.getByText('Поддержка WhatsApp')).toBeVisible();
      await expect(page.getByText(TOKEN)).toHaveCount(0);

      await page.getByRole('button', { name: 'WhatsApp' }).click();
      const composer = page.getByRole('form', { name: 'Green-API (WhatsApp)' });
      await composer.getByLabel('Номер или ID группы').fill('+7 900 123-45-67');
      const text = 'Добрый день! Заказ №42 отправлен.';
      await composer.getByLabel('Текст сообщения').fill(text);
      await expect(composer.getByTestId('counter')).toHaveText(`${text.length} / 4 096`);
      if (target === 'harness') {
        mkdirSync('e2e/screenshots', { recursive: true });
        await page.screenshot({ path: 'e2e/screenshots/greenapi-composer.png' });
      }
      await composer.getByRole('button', { name: /Отправить/ }).click();

      await expect(composer.locator('.last-result [data-status="sent"]')).toBeVisible();
      expect(sim.messages).toHaveLength(1);
      expect(sim.messages[0]).toMatchObject({ to: '79001234567', recipientType: 'individual', body: text });
      const request = sim.server.received.at(-1)!;
      expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(JSON.parse(request.body.toString())).toEqual({ to: '79001234567', type: 'text', text: { body: text } });

      await expect(page.getByRole('complementary', { name: 'Недавние отправки этому получателю' }).getByText('Отправлено')).toBeVisible();
      await page.getByRole('button', { name: 'История', exact: true }).click();
      const row = page.getByRole('option').filter({ hasText: '79001234567' });
      await expect(row).toHaveCount(1);
      await expect(row.getByText('Отправлено')).toBeVisible();
      await row.click();
      await expect(page.getByTestId('provider-message-id')).toHaveText(sim.messages[0]!.id);
      await expect(page.getByTestId('attempt')).toHaveCount(1);
    });

    test('a send whose outcome is unknown goes again only after the operator says so in the app’s own dialog', async ({ app }) => {
      const { page } = app;
      const composer = await composerWithAccount(page, 'Счёт во вложении');
      // The provider takes the message, then the connection dies before its answer.
      sim.server.inject({ path: '/v1/messages', acceptThenDrop: true });
      await composer.getByRole('button', { name: /Отправить/ }).click();
      await expect(composer.locator('.last-result [data-status="outcome_unknown"]')).toBeVisible();
      expect(sim.messages).toHaveLength(1);

      // The rail keeps it in sight from every screen, and opens the history on what waits.
      const waiting = page.getByRole('button', { name: 'Ждут вашего решения: 1 — показать' });
      await expect(waiting).toBeVisible();
      await waiting.click();
      await expect(page.getByRole('combobox', { name: 'Все статусы' })).toHaveValue('undecided');
      await page.getByRole('option').filter({ hasText: 'Счёт во вложении' }).click();
      const detail = page.getByRole('region', { name: 'Подробности отправки' });
      await detail.getByRole('button', { name: 'Отправить повторно' }).click();
      const dialog = page.getByRole('alertdialog');
      await expect(dialog).toContainText('может дойти до получателя дважды');
      await expect(dialog.getByRole('button', { name: 'Отмена' })).toBeFocused();
      await page.keyboard.press('Escape');
      await expect(dialog).toBeHidden();
      expect(sim.server.received).toHaveLength(1);

      await detail.getByRole('button', { name: 'Отправить повторно' }).click();
      await dialog.getByRole('button', { name: 'Отправить повторно' }).click();
      await expect.poll(() => sim.messages.length).toBe(2);
      await expect(detail.getByTestId('provider-message-id')).toHaveText(sim.messages[1]!.id);
      await expect(page.getByTestId('undecided')).toHaveCount(0);
    });

    test('a scheduled send is edited in the composer: the new text takes its place, the old one is cancelled, nothing leaves early', async ({
      app,
    }) => {
      const { page } = app;
      const composer = await composerWithAccount(page, 'Курьер приедет в 10:00');
      const tomorrow = new Date(Date.now() + 86_400_000);
      tomorrow.setHours(10, 0, 0, 0);
      const local = new Date(tomorrow.getTime() - tomorrow.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
      await composer.getByLabel('Отправить позже').fill(local);
      await composer.getByRole('button', { name: /Запланировать/ }).click();
      await expect(composer.locator('.last-result [data-status="scheduled"]')).toBeVisible();

      await openHistoryEntry(page, 'Курьер приедет в 10:00');
      await page.getByRole('region', { name: 'Подробности отправки' }).getByRole('button', { name: 'Изменить' }).click();
      await expect(composer.getByRole('status').filter({ hasText: 'Вы меняете отправку' })).toBeVisible();
      await expect(composer.getByLabel('Текст сообщения')).toHaveValue('Курьер приедет в 10:00');
      await expect(composer.getByLabel('Отправить позже')).toHaveValue(local);
      await composer.getByLabel('Текст сообщения').fill('Курьер приедет в 11:00');
      await composer.getByRole('button', { name: /Сохранить изменения/ }).click();
      await expect(composer.locator('.last-result [data-status="scheduled"]')).toBeVisible();
      await expect(composer.getByRole('status').filter({ hasText: 'Вы меняете отправку' })).toHaveCount(0);

      await page.getByRole('button', { name: 'История', exact: true }).click();
      await expect(page.getByRole('option').filter({ hasText: 'Курьер приедет в 11:00' }).getByText('Запланировано')).toBeVisible();
      await expect(page.getByRole('option').filter({ hasText: 'Курьер приедет в 10:00' }).getByText('Отменено')).toBeVisible();
      await page.getByRole('option').filter({ hasText: 'Курьер приедет в 11:00' }).click();
      await page.getByRole('region', { name: 'Подробности отправки' }).getByRole('button', { name: 'Показать', exact: true }).click();
      await expect(page.getByRole('region', { name: 'Подробности отправки' }).getByText('Отменено')).toBeVisible();
      expect(sim.server.received).toHaveLength(0);
    });

    test('4096 characters with 150 emoji go, counted as the provider counts them; one more is refused before sending', async ({ app }) => {
      const { page } = app;
      const text = '😀'.repeat(150) + 'я'.repeat(4096 - 150);
      const composer = await composerWithAccount(page, text);
      await expect(composer.getByTestId('counter')).toHaveText('4 096 / 4 096');
      await composer.getByRole('button', { name: /Отправить/ }).click();
      await expect(composer.locator('.last-result [data-status="sent"]')).toBeVisible();
      expect(sim.messages.at(-1)!.body).toBe(text);

      const received = sim.server.received.length;
      await composer.getByLabel('Текст сообщения').fill(`${text}!`);
      await expect(composer.getByTestId('counter')).toHaveText('4 097 / 4 096');
      await expect(composer.getByRole('button', { name: /Отправить/ })).toBeDisabled();
      await expect(composer.getByRole('status').filter({ hasText: 'Слишком длинно: не больше 4 096' })).toBeVisible();
      expect(sim.server.received).toHaveLength(received);
    });

    test('a text over 4096 characters is refused in the composer with its reason and never sent', async ({ app }) => {
      const { page } = app;
      await page.getByRole('button', { name: 'Аккаунты', exact: true }).click();
      await page.getByRole('button', { name: 'Добавить аккаунт' }).first().click();
      const form = page.getByRole('form', { name: 'Добавить аккаунт' });
      await form.getByLabel('Название').fill('WA');
      await form.getByLabel('Базовый URL').fill(sim.server.baseUrl);
      await form.getByLabel('Токен').fill(TOKEN);
      await form.getByRole('button', { name: 'Сохранить' }).click();
      await page.getByRole('button', { name: 'WhatsApp' }).click();
      const composer = page.getByRole('form', { name: 'Green-API (WhatsApp)' });
      await composer.getByLabel('Номер или ID группы').fill('79001234567');
      await composer.getByLabel('Текст сообщения').fill('я'.repeat(4097));
      await expect(composer.getByTestId('counter')).toHaveText('4 097 / 4 096');
      await expect(composer.getByRole('button', { name: /Отправить/ })).toBeDisabled();
      await expect(composer.getByRole('status').filter({ hasText: 'Слишком длинно: не больше 4 096' })).toBeVisible();
      expect(sim.server.received).toHaveLength(0);
    });
  });
}
