import { expect } from '@playwright/test';
import { GreenApiV1Simulator } from '../electron/sandbox/green-api-v1.ts';
import { appTest, targets } from './fixtures.ts';
import { addAccount } from './helpers.ts';

const TOKEN = 'gr.templates-e2e-token-77aa';

for (const target of targets) {
  const test = appTest(target);
  test.describe(`Canned responses [${target}]`, () => {
    let sim: GreenApiV1Simulator;
    test.afterEach(() => sim?.stop());

    test('a template called up with "/" fills its variables, and an unfilled one asks before sending', async ({ app }) => {
      const { page } = app;
      sim = new GreenApiV1Simulator({ tokens: [TOKEN] });
      await addAccount(page, { provider: 'greenapi', name: 'WA', baseUrl: await sim.start(), token: TOKEN });
      await page.getByRole('button', { name: 'Шаблоны', exact: true }).click();
      await page.getByRole('button', { name: 'Новый шаблон' }).click();
      await page.getByLabel('Название').fill('Здравствуйте');
      await page.getByLabel('Текст (переменные — {{имя}})').fill('Здравствуйте, {{имя}}! Заказ {{номер}} отправлен.');
      await page.getByRole('button', { name: 'Сохранить' }).click();
      await expect(page.locator('.account-list')).toContainText('Здравствуйте, {{имя}}!');

      await page.getByRole('button', { name: 'WhatsApp' }).click();
      const composer = page.getByRole('form', { name: 'Green-API (WhatsApp)' });
      await composer.getByLabel('Номер или ID группы').fill('79001234567');
      const text = composer.getByLabel('Текст сообщения');
      await text.click();
      await text.pressSequentially('/здр');
      await expect(composer.getByRole('listbox')).toContainText('Здравствуйте');
      await page.keyboard.press('Enter');
      await expect(text).toHaveValue('Здравствуйте, {{имя}}! Заказ {{номер}} отправлен.');
      await composer.getByLabel('Переменные шаблона: имя').fill('Анна');
      await composer.getByLabel('Переменные шаблона: имя').press('Enter');
      await expect(text).toHaveValue('Здравствуйте, Анна! Заказ {{номер}} отправлен.');

      await composer.getByRole('button', { name: /Отправить/ }).click();
      const dialog = page.getByRole('alertdialog');
      await expect(dialog).toContainText('Не заполнены переменные: номер');
      await dialog.getByRole('button', { name: 'Отмена' }).click();
      await expect(dialog).toBeHidden();
      expect(sim.server.received).toHaveLength(0);
      await expect(text).toHaveValue('Здравствуйте, Анна! Заказ {{номер}} отправлен.');

      await composer.getByLabel('Переменные шаблона: номер').fill('№42');
      await composer.getByLabel('Переменные шаблона: номер').press('Enter');
      await composer.getByRole('button', { name: /Отправить/ }).click();
      await expect(composer.locator('.last-result [data-status="sent"]')).toBeVisible();
      expect(sim.messages[0]!.body).toBe('Здравствуйте, Анна! Заказ №42 отправлен.');

      // Deleting a template asks first; "Cancel" keeps it.
      await page.getByRole('button', { name: 'Шаблоны', exact: true }).click();
      const row = page.locator('.account-list li').filter({ hasText: 'Здравствуйте, {{имя}}!' });
      await row.getByRole('button', { name: 'Удалить' }).click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Отмена' }).click();
      await expect(row).toHaveCount(1);
      await row.getByRole('button', { name: 'Удалить' }).click();
      await expect(page.getByRole('alertdialog')).toContainText('Удалить шаблон «Здравствуйте»?');
      await page.getByRole('alertdialog').getByRole('button', { name: 'Удалить' }).click();
      await expect(row).toHaveCount(0);
    });
  });
}
