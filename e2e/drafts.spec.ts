import { expect } from '@playwright/test';
import { appTest, targets } from './fixtures.ts';

for (const target of targets) {
  const test = appTest(target);
  test.describe(`Drafts [${target}]`, () => {
    test('a draft typed for one recipient survives a reload and never shows for another recipient', async ({ app }) => {
      const { page } = app;
      await page.getByRole('button', { name: 'Попробовать в песочнице' }).click();
      const composer = page.getByRole('form', { name: 'Green-API (WhatsApp)' });
      await composer.getByLabel('Номер или ID группы').fill('79001111111');
      await composer.getByLabel('Текст сообщения').fill('Черновик для Анны');
      await page.reload();
      const again = page.getByRole('form', { name: 'Green-API (WhatsApp)' });
      await expect(again.getByLabel('Номер или ID группы')).toHaveValue('79001111111');
      await expect(again.getByLabel('Текст сообщения')).toHaveValue('Черновик для Анны');

      await again.getByLabel('Номер или ID группы').fill('79002222222');
      await expect(again.getByLabel('Текст сообщения')).toHaveValue('');
      await again.getByLabel('Текст сообщения').fill('Для Бориса');
      await again.getByLabel('Номер или ID группы').fill('79001111111');
      await expect(again.getByLabel('Текст сообщения')).toHaveValue('Черновик для Анны');
      await again.getByLabel('Номер или ID группы').fill('79002222222');
      await expect(again.getByLabel('Текст сообщения')).toHaveValue('Для Бориса');
    });

    test('the sandbox lets a new operator send a message of every kind, marked as sandbox', async ({ app }) => {
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

      await page.getByRole('button', { name: 'История', exact: true }).click();
      await expect(page.locator('[data-send-id]')).toHaveCount(3);
      await expect(page.locator('[data-send-id] .badge.sandbox')).toHaveCount(3);
    });
  });
}
