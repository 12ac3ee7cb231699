import AxeBuilder from '@axe-core/playwright';
import { expect } from '@playwright/test';
import { appTest, targets } from './fixtures.ts';
import { callContract } from './helpers.ts';

/*
 * A desktop without team mode (no team link in this build, nothing configured): settings say so
 * and nothing else of team mode is on any screen. The team screens themselves need a team server
 * (PostgreSQL + zero-cache), which the harness does not start.
 */
for (const target of targets) {
  const test = appTest(target);
  test.describe(`Team mode off [${target}]`, () => {
    test('settings say team mode is not in this build; the history, templates, composer and rail show no team part', async ({ app }) => {
      const { page } = app;
      expect(await callContract(page, 'team.status')).toMatchObject({ ok: true, value: { available: false, configured: false } });

      await page.getByRole('button', { name: 'Настройки', exact: true }).click();
      const section = page.getByRole('region', { name: 'Командный режим' });
      await expect(section).toContainText('Эта сборка приложения не подключается к серверу команды');
      await expect(section.getByLabel('Пароль')).toHaveCount(0);
      // The accessibility spec's tour does not open settings; the team section is checked here, in both themes.
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
        expect(axe.violations.map((v) => `${scheme} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
      }

      await page.getByRole('button', { name: 'История', exact: true }).click();
      await expect(page.getByRole('listbox', { name: 'История отправок' })).toBeVisible();
      await expect(page.getByRole('group', { name: 'Чьи отправки' })).toHaveCount(0);

      await page.getByRole('button', { name: 'Шаблоны', exact: true }).click();
      await expect(page.getByRole('button', { name: 'Новый шаблон' })).toBeVisible();
      await expect(page.getByRole('group', { name: 'Какие шаблоны' })).toHaveCount(0);

      await page.getByRole('button', { name: 'WhatsApp' }).click();
      await page.getByRole('button', { name: 'Попробовать в песочнице' }).click();
      const composer = page.getByRole('form', { name: 'Green-API (WhatsApp)' });
      await composer.getByLabel('Номер или ID группы').fill('79001234567');
      await expect(composer.getByTestId('team-chat')).toHaveCount(0);
      await expect(page.getByTestId('team-bar')).toHaveCount(0);
    });
  });
}
