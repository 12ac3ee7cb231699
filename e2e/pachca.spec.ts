import { expect } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { PachcaSimulator } from '../electron/sandbox/pachca.ts';
import { appTest, targets } from './fixtures.ts';
import { addAccount, callContract, dropFiles, openHistoryEntry } from './helpers.ts';

const BOT = 'pachca-e2e-bot-token-5c6d7e8f';

for (const target of targets) {
  const test = appTest(target);
  test.describe(`Pachca composer [${target}]`, () => {
    let sim: PachcaSimulator;
    test.beforeEach(async ({ app }) => {
      sim = new PachcaSimulator({ tokens: [], botTokens: [BOT] });
      const baseUrl = await sim.start();
      await addAccount(app.page, {
        provider: 'pachca',
        name: 'Бот поддержки',
        baseUrl,
        token: BOT,
        fill: (form) => form.getByLabel('Токен бота').check(),
      });
      await app.page.getByRole('button', { name: 'Пачка' }).click();
    });
    test.afterEach(() => sim?.stop());

    test('every field, two files and two rows of buttons reach Pachca exactly', async ({ app }) => {
      const { page } = app;
      const composer = page.getByRole('form', { name: 'Пачка' });
      await composer.getByLabel('Куда').selectOption('thread');
      await composer.getByLabel('ID чата, треда или пользователя').fill('5');
      await composer.getByLabel('Текст сообщения').fill('Заказ №42 собран и передан курьеру');
      await dropFiles(page, composer.getByTestId('drop-zone').first(), [
        { name: 'накладная.pdf', type: 'application/pdf', size: 200_000 },
        { name: 'фото.png', type: 'image/png', size: 50_000 },
      ]);
      await expect(composer.getByTestId('file-chip')).toHaveCount(2);

      await composer.getByRole('button', { name: '+ Добавить строку' }).click();
      await composer.getByLabel('Текст кнопки 1.1').fill('Отследить');
      await composer.getByLabel('Значение кнопки 1.1').fill('https://track.example/42');
      await composer.getByRole('button', { name: '+ Кнопка в строку 1' }).click();
      await composer.getByLabel('Текст кнопки 1.2').fill('Всё хорошо');
      await composer.getByLabel('Тип кнопки 1.2').selectOption('data');
      await composer.getByLabel('Значение кнопки 1.2').fill('order:42:ok');
      await composer.getByRole('button', { name: '+ Добавить строку' }).click();
      await composer.getByLabel('Текст кнопки 2.1').fill('Позвать оператора');
      await composer.getByLabel('Тип кнопки 2.1').selectOption('data');
      await composer.getByLabel('Значение кнопки 2.1').fill('operator');
      // Reorder by keyboard: the second button of row 1 moves left.
      await composer.getByRole('button', { name: 'Кнопку 1.2 левее' }).focus();
      await page.keyboard.press('Enter');
      await expect(composer.getByLabel('Текст кнопки 1.1')).toHaveValue('Всё хорошо');
      await expect(composer.getByTestId('buttons-count')).toHaveText('3 / 100');

      await composer.locator('details.more summary').click();
      await composer.getByLabel('Ответ на сообщение (ID)').fill('194270');
      await composer.getByLabel('Имя отправителя (для бота)').fill('Бот поддержки');
      await composer.getByLabel('Ссылка на аватар (для бота)').fill('https://example.com/bot.png');
      await composer.getByLabel('Не добавлять упомянутых в тред').check();
      await composer.getByLabel('Показать предпросмотр ссылки').check();
      mkdirSync('e2e/screenshots', { recursive: true });
      if (target === 'harness') await page.screenshot({ path: 'e2e/screenshots/pachca-composer.png', fullPage: true });
      await page.keyboard.press('Control+Enter');

      await expect(composer.locator('.last-result [data-status="sent"]')).toBeVisible();
      expect(sim.uploads.map((u) => [u.name, u.size])).toEqual([
        ['накладная.pdf', 200_000],
        ['фото.png', 50_000],
      ]);
      expect(sim.server.received.filter((r) => r.path === '/direct_upload').every((r) => r.headers.authorization === undefined)).toBe(true);
      const body = JSON.parse(sim.server.received.find((r) => r.method === 'POST' && r.path === '/messages')!.body.toString());
      expect(body).toEqual({
        message: {
          entity_type: 'thread',
          entity_id: 5,
          content: 'Заказ №42 собран и передан курьеру',
          files: [
            { key: sim.uploads[0]!.key, name: 'накладная.pdf', file_type: 'file', size: 200_000 },
            { key: sim.uploads[1]!.key, name: 'фото.png', file_type: 'image', size: 50_000 },
          ],
          buttons: [
            [
              { text: 'Всё хорошо', data: 'order:42:ok' },
              { text: 'Отследить', url: 'https://track.example/42' },
            ],
            [{ text: 'Позвать оператора', data: 'operator' }],
          ],
          parent_message_id: 194270,
          display_name: 'Бот поддержки',
          display_avatar_url: 'https://example.com/bot.png',
          skip_invite_mentions: true,
        },
        link_preview: true,
      });
      await openHistoryEntry(page, 'Заказ №42 собран');
      await expect(page.getByTestId('provider-message-id')).toHaveText(String(sim.messages[0]!.id));
      // The detail shows what went out besides the text: each row of buttons, and the files with their sizes.
      const rows = page.getByTestId('sent-buttons').locator(':scope > li');
      await expect(rows).toHaveCount(2);
      await expect(rows.nth(0).locator('.sent-button')).toHaveText([
        'Всё хорошо данные: order:42:ok',
        'Отследить ссылка: https://track.example/42',
      ]);
      await expect(rows.nth(1).locator('.sent-button')).toHaveText(['Позвать оператора данные: operator']);
      await expect(page.getByTestId('sent-files').getByRole('listitem')).toHaveText([
        /^накладная\.pdf\s+195,3\sкБ$/,
        /^фото\.png\s+48,8\sкБ$/,
      ]);
    });

    test('dropped files reach Pachca under their names as they were: Cyrillic, №, spaces and quotes', async ({ app }) => {
      const { page } = app;
      const composer = page.getByRole('form', { name: 'Пачка' });
      await composer.getByLabel('ID чата, треда или пользователя').fill('334');
      const names = ['Счёт на оплату №5.pdf', 'Акт «сверки» "за май".pdf'];
      await dropFiles(
        page,
        composer.getByTestId('drop-zone').first(),
        names.map((name) => ({ name, type: 'application/pdf', size: 1000 })),
      );
      await expect(composer.getByTestId('file-chip')).toHaveCount(2);
      await composer.getByRole('button', { name: /Отправить/ }).click();
      await expect(composer.locator('.last-result [data-status="sent"]')).toBeVisible();
      const files = sim.messages[0]!.files;
      expect(files.map((f) => f.name)).toEqual(names);
      expect(files.map((f) => f.key)).toEqual(sim.uploads.map((u) => u.key));
      expect(files[0]!.key.endsWith('/Счёт на оплату №5.pdf')).toBe(true);
      expect(sim.uploads[0]!.name).toBe('Счёт на оплату №5.pdf');
    });

    test('a ninth button in a row cannot be added, and a ninth sent to the handler is refused', async ({ app }) => {
      const { page } = app;
      const composer = page.getByRole('form', { name: 'Пачка' });
      await composer.getByLabel('ID чата, треда или пользователя').fill('334');
      await composer.getByLabel('Текст сообщения').fill('Выберите вариант');
      await composer.getByRole('button', { name: '+ Добавить строку' }).click();
      for (let i = 2; i <= 8; i++) await composer.getByRole('button', { name: '+ Кнопка в строку 1' }).click();
      await expect(composer.getByText('8 / 8 в строке')).toBeVisible();
      await expect(composer.getByRole('button', { name: '+ Кнопка в строку 1' })).toBeDisabled();
      // The same limit holds at the IPC handler, whatever a page sends.
      const accounts = (await callContract(page, 'accounts.list')).value as { id: string }[];
      const buttons = [Array.from({ length: 9 }, (_, i) => ({ text: `b${i}`, data: `d${i}` }))];
      const reply = await callContract(page, 'sends.send', {
        accountId: accounts[0]!.id,
        message: { provider: 'pachca', entityType: 'discussion', entityId: 334, content: 'x', buttons },
      });
      expect(reply).toMatchObject({ ok: false, error: { kind: 'invalid', reason: 'too_many_in_row', limit: 8 } });
      // Reads of the directory and the conversation may run; nothing was posted.
      expect(sim.server.received.filter((r) => r.method === 'POST')).toHaveLength(0);
    });
  });
}
