import { expect } from '@playwright/test';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { appTest, targets } from './fixtures.ts';

for (const target of targets) {
  const test = appTest(target);
  test.describe(`Languages [${target}]`, () => {
    test('Russian by default; English on request, for labels and refusals alike, and still English after a restart', async ({ app }) => {
      let page = app.page;
      await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
      await expect(page.getByRole('button', { name: 'История', exact: true })).toBeVisible();

      await page.getByRole('combobox', { name: 'Язык' }).selectOption('en');
      await expect(page.locator('html')).toHaveAttribute('lang', 'en');
      await page.getByRole('button', { name: 'Try the sandbox' }).click();
      const composer = page.getByRole('form', { name: 'Green-API (WhatsApp)' });
      await composer.getByLabel('Number or group id').fill('79001234567');
      await composer.getByLabel('Message text').fill('x'.repeat(4097));
      await expect(composer.getByRole('status').filter({ hasText: 'Too long: at most 4,096' })).toBeVisible();
      // Figures follow the language too: English groups with a comma, Russian with a space.
      await expect(composer.getByTestId('counter')).toHaveText('4,097 / 4,096');
      await expect(composer.getByRole('button', { name: /Send/ })).toBeDisabled();

      page = await app.restart();
      await expect(page.getByRole('button', { name: 'History', exact: true })).toBeVisible();
      // The draft survived the restart too, with its refusal in the chosen language.
      await expect(page.getByRole('form', { name: 'Green-API (WhatsApp)' }).getByLabel('Message text')).toHaveValue('x'.repeat(4097));
      await page.getByRole('combobox', { name: 'Language' }).selectOption('ru');
      await expect(page.getByRole('button', { name: 'История', exact: true })).toBeVisible();
    });

    test('the history words a send’s recipient and preview in the chosen language, from the data it keeps', async ({ app }) => {
      const { page } = app;
      // Two sends as the history keeps them: whom they went to and what they carried, in no language.
      const db = new DatabaseSync(join(app.dataDir, 'history.sqlite'));
      const insert = db.prepare(
        `INSERT INTO sends (id, provider, account_id, account_name, sandbox, status, recipient, label, message, operation_id, created_at, updated_at)
         VALUES (?, ?, 'a_e2e', 'E2E', 0, 'sent', ?, ?, ?, 'op', ?, ?)`,
      );
      const now = Date.now();
      insert.run(
        's_e2e_files',
        'pachca',
        'chat 334',
        JSON.stringify({ to: { kind: 'chat', id: '334' }, preview: { kind: 'files', count: 3, names: [] } }),
        JSON.stringify({ provider: 'pachca', entityType: 'discussion', entityId: 334, content: '' }),
        now,
        now,
      );
      insert.run(
        's_e2e_docs',
        'diadoc',
        'box-2@diadoc.ru',
        JSON.stringify({ to: { kind: 'box', id: 'box-2@diadoc.ru' }, preview: { kind: 'documents', count: 5, names: ['Акт', 'Счёт'] } }),
        JSON.stringify({ provider: 'diadoc', fromBoxId: 'box-1@diadoc.ru', toBoxId: 'box-2@diadoc.ru', documents: [] }),
        now + 1,
        now + 1,
      );
      db.close();

      await page.getByRole('button', { name: 'История', exact: true }).click();
      const files = page.locator('[data-send-id="s_e2e_files"]');
      const docs = page.locator('[data-send-id="s_e2e_docs"]');
      await expect(files).toContainText('чат 334');
      await expect(files).toContainText('📎 3 файла');
      await expect(docs).toContainText('box-2@diadoc.ru');
      await expect(docs).toContainText('5 документов: Акт · Счёт');

      await page.getByRole('combobox', { name: 'Язык' }).selectOption('en');
      await expect(files).toContainText('chat 334');
      await expect(files).toContainText('📎 3 files');
      await expect(docs).toContainText('5 documents: Акт · Счёт');
      await page.getByRole('combobox', { name: 'Language' }).selectOption('ru');
    });
  });
}
