import { expect } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { MarketSimulator } from '../electron/sandbox/market.ts';
import { appTest, targets } from './fixtures.ts';
import { addMarketAccount, callContract, dropFiles } from './helpers.ts';

const KEY = 'ACMA:e2eMarketApiKey1234567890:abcdef12';
const FIVE_MB = 5 * 1024 * 1024;

for (const target of targets) {
  const test = appTest(target);
  test.describe(`Market composer [${target}]`, () => {
    let sim: MarketSimulator;
    test.beforeEach(async ({ app }) => {
      sim = new MarketSimulator({ tokens: [KEY] });
      const baseUrl = await sim.start();
      await addMarketAccount(app.page, baseUrl, KEY);
    });
    test.afterEach(() => sim?.stop());

    test('a text and a dropped file go out as two sends shown together', async ({ app }) => {
      const { page } = app;
      const composer = page.getByRole('form', { name: 'Яндекс Маркет' });
      await expect(composer.getByLabel('ID кабинета (businessId)')).toHaveValue('100500');
      await composer.getByLabel('ID чата с покупателем').fill('777');
      await composer.getByLabel('Текст сообщения').fill('Добрый день! Прикладываю фото упаковки.');
      await dropFiles(page, composer.getByTestId('drop-zone'), [{ name: 'упаковка.jpg', type: 'image/jpeg', size: 400_000 }]);
      await expect(composer.getByTestId('file-chip')).toContainText('упаковка.jpg');
      mkdirSync('e2e/screenshots', { recursive: true });
      if (target === 'harness') await page.screenshot({ path: 'e2e/screenshots/market-composer.png' });
      // Market holds its answer to the upload a moment, so the progress bar can be seen.
      sim.server.inject({ path: '/file/send', delayMs: 1500 });
      await composer.getByRole('button', { name: /Отправить/ }).click();
      await expect(composer.getByTestId('send-progress')).toBeVisible();
      await expect(composer.getByTestId('send-progress').locator('progress')).toHaveAttribute('value', /\d+/);
      await expect(composer.locator('.last-result [data-status="sent"]')).toBeVisible();
      await expect.poll(() => sim.files.length).toBe(1);
      expect(sim.messages).toMatchObject([{ businessId: '100500', chatId: '777', text: 'Добрый день! Прикладываю фото упаковки.' }]);
      expect(sim.files[0]).toMatchObject({ businessId: '100500', chatId: '777', name: 'упаковка.jpg', size: 400_000 });
      for (const r of sim.server.received) expect(r.headers['api-key']).toBe(KEY);
      await page.getByRole('button', { name: 'История', exact: true }).click();
      await expect(page.getByRole('option').filter({ hasText: 'чат 777' })).toHaveCount(2);
      const sends = (await callContract(page, 'history.list', { limit: 10 })).value as { items: { groupId?: string }[] };
      expect(sends.items[0]!.groupId).toBeTruthy();
      expect(sends.items[0]!.groupId).toBe(sends.items[1]!.groupId);
    });

    test('a dropped file reaches Market under its name as it was: Cyrillic, № and spaces', async ({ app }) => {
      const { page } = app;
      const composer = page.getByRole('form', { name: 'Яндекс Маркет' });
      await composer.getByLabel('ID чата с покупателем').fill('777');
      await dropFiles(page, composer.getByTestId('drop-zone'), [{ name: 'Счёт на оплату №5.pdf', type: 'application/pdf', size: 2000 }]);
      await expect(composer.getByTestId('file-chip')).toContainText('Счёт на оплату №5.pdf');
      await composer.getByRole('button', { name: /Отправить/ }).click();
      await expect(composer.locator('.last-result [data-status="sent"]')).toBeVisible();
      await expect.poll(() => sim.files.length).toBe(1);
      expect(sim.files[0]).toMatchObject({ name: 'Счёт на оплату №5.pdf', size: 2000, contentType: 'application/pdf' });
    });

    test('a file of 5 MB + 1 byte is refused at drop and 4097 characters disable sending; the handler refuses them too', async ({
      app,
    }) => {
      const { page } = app;
      const composer = page.getByRole('form', { name: 'Яндекс Маркет' });
      await composer.getByLabel('ID чата с покупателем').fill('777');
      await dropFiles(page, composer.getByTestId('drop-zone'), [{ name: 'большой.jpg', type: 'image/jpeg', size: FIVE_MB + 1 }]);
      await expect(composer.getByRole('alert')).toContainText('большой.jpg: Файл слишком большой: не больше 5 МБ');
      await expect(composer.getByTestId('file-chip')).toHaveCount(0);
      await composer.getByLabel('Текст сообщения').fill('ы'.repeat(4097));
      await expect(composer.getByTestId('counter')).toHaveText('4 097 / 4 096');
      await expect(composer.getByRole('button', { name: /Отправить/ })).toBeDisabled();
      const accounts = (await callContract(page, 'accounts.list')).value as { id: string }[];
      const long = await callContract(page, 'sends.send', {
        accountId: accounts[0]!.id,
        message: { provider: 'market', businessId: '100500', chatId: '777', kind: 'text', text: 'ы'.repeat(4097) },
      });
      expect(long).toMatchObject({ ok: false, error: { kind: 'invalid', field: 'text', reason: 'too_long', limit: 4096 } });
      // A 5 MB + 1 byte file that reached the main process anyway is refused by the handler.
      const handle = await page.evaluate(async (size) => {
        const w = window as unknown as { operator?: unknown };
        if (w.operator) return undefined; // Electron registers dropped paths only; covered above by the drop refusal.
        const res = await fetch(`./upload?name=${encodeURIComponent('большой.jpg')}`, {
          method: 'POST',
          headers: { 'x-operator': '1' },
          body: new Uint8Array(size),
        });
        return ((await res.json()) as { value: { id: string } }).value.id;
      }, FIVE_MB + 1);
      if (handle) {
        const big = await callContract(page, 'sends.send', {
          accountId: accounts[0]!.id,
          message: { provider: 'market', businessId: '100500', chatId: '777', kind: 'file', file: handle },
        });
        expect(big).toMatchObject({ ok: false, error: { field: 'file', reason: 'file_too_big', limit: FIVE_MB } });
      }
      // Reads of the directory and the conversation may run; nothing was sent.
      expect(sim.server.received.filter((r) => /\/chats\/(message|file\/send)$/.test(r.path))).toHaveLength(0);
    });
  });
}
