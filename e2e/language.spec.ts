import { expect } from '@playwright/test';
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
  });
}
