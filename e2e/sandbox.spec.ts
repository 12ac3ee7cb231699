import { expect } from '@playwright/test';
import { appTest, targets } from './fixtures.ts';

for (const target of targets) {
  const test = appTest(target);
  test.describe(`Sandbox [${target}]`, () => {
    test('a new operator sends a message of every kind without credentials, each marked as sandbox', async ({ app }) => {
      const { page } = app;
      await page.getByRole('button', { name: 'Попробовать в песочнице' }).click();
      const wa = page.getByRole('form', { name: 'Green-API (WhatsApp)' });
      await expect(wa.locator('.badge.sandbox')).toBeVisible();
      await wa.getByLabel('Номер или ID группы').fill('79003333333');
      await wa.getByLabel('Текст сообщения').fill('Проба песочницы');
      await page.keyboard.press('Control+Enter');
      await expect(wa.locator('.last-result [data-status="sent"]')).toBeVisible();

      await page.getByRole('button', { name: 'Маркет' }).click();
      const market = page.getByRole('form', { name: 'Яндекс Маркет' });
      await market.getByLabel('ID чата с покупателем').fill('777');
      await market.getByLabel('Текст сообщения').fill('Проба Маркета');
      await market.getByRole('button', { name: /Отправить/ }).click();
      await expect(market.locator('.last-result [data-status="sent"]')).toBeVisible();

      await page.getByRole('button', { name: 'Пачка' }).click();
      const pachca = page.getByRole('form', { name: 'Пачка' });
      await pachca.getByLabel('ID чата, треда или пользователя').fill('334');
      await pachca.getByLabel('Текст сообщения').fill('Проба Пачки');
      await pachca.getByRole('button', { name: /Отправить/ }).click();
      await expect(pachca.locator('.last-result [data-status="sent"]')).toBeVisible();

      await page.getByRole('button', { name: 'Диадок' }).click();
      const diadoc = page.getByRole('form', { name: 'Диадок' });
      await diadoc.getByLabel('Ящик получателя (ToBoxId)').fill('counterparty@diadoc.ru');
      await diadoc
        .locator('input[type=file]')
        .first()
        .setInputFiles({ name: 'акт.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 акт') });
      // Unsigned: Diadoc takes it as a draft, to be signed there.
      await diadoc.getByRole('button', { name: 'Сохранить черновиком — подписать в Диадоке' }).click();
      await diadoc.getByRole('button', { name: /Отправить/ }).click();
      await expect(diadoc.locator('.last-result [data-status="sent"]')).toBeVisible();

      await page.getByRole('button', { name: 'История', exact: true }).click();
      await expect(page.locator('[data-send-id]')).toHaveCount(4);
      await expect(page.locator('[data-send-id] .badge.sandbox')).toHaveCount(4);
    });
  });
}
