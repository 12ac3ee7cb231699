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
  });
}
