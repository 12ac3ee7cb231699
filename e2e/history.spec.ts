import { expect } from '@playwright/test';
import { join } from 'node:path';
import { seedHistory } from '../electron/history/seed.ts';
import { appTest, targets } from './fixtures.ts';
import { callContract } from './helpers.ts';

for (const target of targets) {
  const test = appTest(target);
  test.describe(`History view [${target}]`, () => {
    test('100 000 rows: search finds one by a word of its text, filters combine, the detail shows the attempts', async ({ app }) => {
      test.setTimeout(120_000);
      const { page } = app;
      seedHistory(join(app.dataDir, 'history.sqlite'), 100_000);
      await page.getByRole('button', { name: 'Попробовать в песочнице' }).click();
      const wa = page.getByRole('form', { name: 'Green-API (WhatsApp)' });
      await wa.getByLabel('Номер или ID группы').fill('79005556677');
      await wa.getByLabel('Текст сообщения').fill('Ваш кумкват уже в пути');
      await wa.getByRole('button', { name: /Отправить/ }).click();
      await expect(wa.locator('.last-result [data-status="sent"]')).toBeVisible();

      await page.getByRole('button', { name: 'История', exact: true }).click();
      await expect(page.getByTestId('history-count')).toHaveText('Показано: 200+');
      const scroll = page.getByTestId('history-scroll');
      // Virtualized: a handful of rows in the DOM whatever the total.
      expect(await page.locator('[data-send-id]').count()).toBeLessThan(60);
      await scroll.evaluate((el) => (el.scrollTop = el.scrollHeight));
      await expect(page.getByTestId('history-count')).toHaveText(/Показано: (4|6)00\+/);

      await page.getByLabel('Поиск по тексту и получателю').fill('кумкват');
      await expect(page.locator('[data-send-id]')).toHaveCount(1);
      await expect(page.locator('[data-send-id]')).toContainText('Ваш кумкват уже в пути');
      await page.locator('[data-send-id]').click();
      await expect(page.getByTestId('attempt')).toHaveCount(1);
      await expect(page.getByTestId('attempt')).toContainText('POST');

      await page.getByLabel('Поиск по тексту и получателю').fill('');
      await page.getByLabel('Все провайдеры').selectOption('market');
      await page.getByLabel('Все статусы').selectOption('failed');
      await expect(page.locator('[data-send-id]').first()).toBeVisible();
      const shown = await page.locator('[data-send-id]').evaluateAll((rows) => rows.map((r) => r.textContent ?? ''));
      expect(shown.length).toBeGreaterThan(5);
      for (const text of shown) {
        expect(text).toContain('Яндекс Маркет');
        expect(text).toContain('Ошибка');
      }
      // The same combination through the contract: every row matches both filters.
      const page1 = (await callContract(page, 'history.list', { provider: 'market', statuses: ['failed'], text: 'заказ', limit: 100 }))
        .value as { items: { provider: string; status: string; preview: { text?: string } }[] };
      expect(page1.items.length).toBeGreaterThan(10);
      for (const s of page1.items) expect([s.provider, s.status, /заказ/i.test(s.preview.text ?? '')]).toEqual(['market', 'failed', true]);
    });
  });
}
