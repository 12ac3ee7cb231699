import AxeBuilder from '@axe-core/playwright';
import { expect } from '@playwright/test';
import { appTest, targets } from './fixtures.ts';
import { createServer } from 'node:net';
import { callContract } from './helpers.ts';

/** A loopback port nothing listens on: taken from the OS, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/*
 * A desktop not in a team: settings offer the sign-in (or, in a build without the team link, say
 * team mode is not part of it) and nothing else of team mode is on any screen. The team screens
 * themselves, against a real team server, are in team.spec.ts.
 */
for (const target of targets) {
  const test = appTest(target);
  test.describe(`Team mode off [${target}]`, () => {
    test('settings offer the team sign-in or say it is not in this build; the history, templates, composer and rail show no team part', async ({
      app,
    }) => {
      // Two axe passes and five screens: more than the default minute on a shared two-core machine.
      test.setTimeout(150_000);
      const { page } = app;
      const status = await callContract(page, 'team.status');
      expect(status).toMatchObject({ ok: true, value: { configured: false } });
      const available = (status.value as { available: boolean }).available;

      await page.getByRole('button', { name: 'Настройки', exact: true }).click();
      const section = page.getByRole('region', { name: 'Командный режим' });
      if (available) {
        // A build with the team link: the sign-in form, whose refusal keeps what was typed.
        await section.getByLabel('Адрес сервера команды').fill(`http://127.0.0.1:${await closedPort()}`);
        await section.getByLabel('Логин').fill('anna');
        await section.getByLabel('Пароль').fill('secret-password');
        await section.getByRole('button', { name: 'Подключиться' }).click();
        await expect(section.getByRole('alert')).toContainText('Сервер команды недоступен или не ответил', { timeout: 30_000 });
        await expect(section.getByLabel('Логин')).toHaveValue('anna');
      } else {
        await expect(section).toContainText('Эта сборка приложения не подключается к серверу команды');
        await expect(section.getByLabel('Пароль')).toHaveCount(0);
      }
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
