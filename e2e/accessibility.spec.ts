import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { appTest, targets } from './fixtures.ts';

/** Every WCAG 2.1 A and AA rule axe checks, on the screen as it is now; violations listed by rule and element. */
async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} — ${n.failureSummary?.split('\n')[1]?.trim() ?? v.help}`),
  );
}

for (const target of targets) {
  const test = appTest(target);
  test.describe(`Accessibility [${target}]`, () => {
    for (const scheme of ['light', 'dark'] as const) {
      test(`every screen passes axe's WCAG 2.1 AA rules, ${scheme} theme`, async ({ app }) => {
        // Four sends and nine full axe passes: more than the default minute on a shared two-core machine.
        test.setTimeout(180_000);
        const { page } = app;
        await page.emulateMedia({ colorScheme: scheme });
        await page.getByRole('button', { name: 'Попробовать в песочнице' }).click();
        const found: Record<string, string[]> = {};

        // Each composer after a send, so its result line is on screen too and the history holds every provider.
        const composers = [
          {
            nav: 'WhatsApp',
            form: 'Green-API (WhatsApp)',
            fill: async (f: ReturnType<Page['getByRole']>) => {
              await f.getByLabel('Номер или ID группы').fill('79003333333');
              await f.getByLabel('Текст сообщения').fill('Проверка доступности');
            },
          },
          {
            nav: 'Пачка',
            form: 'Пачка',
            fill: async (f: ReturnType<Page['getByRole']>) => {
              await f.getByLabel('ID чата, треда или пользователя').fill('334');
              await f.getByLabel('Текст сообщения').fill('Проверка доступности');
            },
          },
          {
            nav: 'Маркет',
            form: 'Яндекс Маркет',
            fill: async (f: ReturnType<Page['getByRole']>) => {
              await f.getByLabel('ID чата с покупателем').fill('777');
              await f.getByLabel('Текст сообщения').fill('Проверка доступности');
            },
          },
          {
            nav: 'Диадок',
            form: 'Диадок',
            fill: async (f: ReturnType<Page['getByRole']>) => {
              await f.getByLabel('Ящик получателя (ToBoxId)').fill('counterparty@diadoc.ru');
              await f
                .locator('input[type=file]')
                .first()
                .setInputFiles({ name: 'акт.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 акт') });
              // Unsigned, so a draft to be signed in Diadoc.
              await f.getByRole('button', { name: 'Сохранить черновиком — подписать в Диадоке' }).click();
            },
          },
        ];
        for (const c of composers) {
          await page.getByRole('button', { name: c.nav, exact: true }).click();
          const form = page.getByRole('form', { name: c.form });
          await c.fill(form);
          await form.getByRole('button', { name: /Отправить/ }).click();
          await expect(form.locator('.last-result [data-status="sent"]')).toBeVisible();
          found[c.nav] = await violations(page);
        }

        // A field error on screen: its text must be as readable as the rest.
        await page.getByRole('button', { name: 'WhatsApp', exact: true }).click();
        await page.getByRole('form', { name: 'Green-API (WhatsApp)' }).getByLabel('Номер или ID группы').fill('12');
        await expect(page.locator('#greenapi-to-error')).toBeVisible();
        found.fieldError = await violations(page);

        await page.getByRole('button', { name: 'История', exact: true }).click();
        await page.locator('[data-send-id]').first().click();
        await expect(page.getByTestId('attempt')).toHaveCount(1);
        found.history = await violations(page);

        await page.getByRole('button', { name: 'Шаблоны', exact: true }).click();
        await page.getByRole('button', { name: 'Новый шаблон' }).click();
        found.templates = await violations(page);

        await page.getByRole('button', { name: 'Аккаунты', exact: true }).click();
        await page.getByRole('button', { name: 'Добавить аккаунт' }).first().click();
        await expect(page.getByRole('form', { name: 'Добавить аккаунт' })).toBeVisible();
        found.accounts = await violations(page);
        await page.locator('.account').first().getByRole('button', { name: 'Удалить' }).click();
        await expect(page.getByRole('alertdialog')).toBeVisible();
        found.confirm = await violations(page);

        expect(found).toEqual({
          WhatsApp: [],
          Пачка: [],
          Маркет: [],
          Диадок: [],
          fieldError: [],
          history: [],
          templates: [],
          accounts: [],
          confirm: [],
        });
      });
    }
  });
}
