import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from '@playwright/test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testHost } from '../../electron/testing/host-fixture.ts';
import { startBridge, type Bridge } from '../../electron/web/bridge.ts';
import { findChromium } from '../../e2e/targets.ts';
import { connectTeamLink } from '../client/nats-link.ts';
import { call, pachca, teamDesktop, testStack, until, type Desktop } from './stack-fixture.ts';

/*
 * The operator's team screens in Chromium, on the built renderer, against a real team server:
 * Anna works in the window, Boris is a second desktop's host on the same team.
 */
const staticDir = join(import.meta.dirname, '..', '..', 'renderer', 'dist');

/** WCAG 2.1 AA violations on the screen as it is, in the light and the dark theme, by rule and element. */
async function violations(page: Page): Promise<string[]> {
  const found: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    found.push(...r.violations.flatMap((v) => v.nodes.map((n) => `${scheme} ${v.id}: ${n.target.join(' ')}`)));
  }
  return found;
}

describe('the team screens against a real team server', () => {
  let stack: Awaited<ReturnType<typeof testStack>>;
  let boris: Desktop;
  let anna: Awaited<ReturnType<typeof testHost>>;
  let bridge: Bridge;
  let browser: Browser;
  let page: Page;
  let annaPassword: string;

  beforeAll(async () => {
    if (!existsSync(join(staticDir, 'index.html'))) throw new Error('The renderer is not built: run `npm run build:renderer` first.');
    const executablePath = findChromium();
    if (!executablePath) throw new Error('No Chromium: install it with `apt-get install chromium`.');
    stack = await testStack();
    annaPassword = await stack.addOperator('anna', 'Анна', 'support');
    boris = await teamDesktop(stack, 'boris', await stack.addOperator('boris', 'Борис', 'support'));
    anna = await testHost({ sandbox: true, team: { factory: connectTeamLink } });
    bridge = await startBridge(anna, { staticDir });
    browser = await chromium.launch({ executablePath });
    // axe opens pages of its own in the page's context, which must be one the test made.
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(bridge.url);
    await page.getByRole('button', { name: 'Попробовать в песочнице' }).click();
  });
  afterAll(async () => {
    await browser?.close();
    await bridge?.close();
    await anna?.dispose();
    await boris?.dispose();
    await stack?.dispose();
  });

  it('signs in from settings: a wrong password is refused in words, keeping the login; then the rail says live and who is online', async () => {
    await page.getByRole('button', { name: 'Настройки', exact: true }).click();
    const section = page.getByRole('region', { name: 'Командный режим' });
    await section.getByLabel('Адрес сервера команды').fill(stack.apiUrl);
    await section.getByLabel('Логин').fill('anna');
    await section.getByLabel('Пароль').fill('not-the-password');
    await section.getByRole('button', { name: 'Подключиться' }).click();
    await section.getByRole('alert').filter({ hasText: 'Сервер команды не принял логин или пароль' }).waitFor();
    expect(await section.getByLabel('Логин').inputValue()).toBe('anna');

    await section.getByLabel('Пароль').fill(annaPassword);
    await section.getByRole('button', { name: 'Подключиться' }).click();
    await section.getByText(`Сервер ${stack.apiUrl} · вы — Анна`).waitFor();
    const bar = page.getByTestId('team-bar');
    await bar.getByText('Команда: в сети').waitFor();
    await bar.getByText('В сети: Борис и вы').waitFor();
    expect(await violations(page)).toEqual([]);
  });

  it('warns in the composer who holds and who answered the chat, refuses Anna’s claim naming Boris, and sends only after she confirms', async () => {
    await call(boris, 'sends.send', pachca(334, 'Здравствуйте, заказ уже в пути'));
    expect(await call(boris, 'team.claim', { accountId: 'a_sbx_pachca', recipient: 'chat 334' })).toEqual({ ok: true, soft: false });
    await until(
      async () =>
        (await call<{ answeredBy?: string }>(anna, 'team.chatActivity', { accountId: 'a_sbx_pachca', recipient: 'chat 334' }))
          .answeredBy === 'Борис',
      'Boris’s answer to reach Anna',
    );

    await page.getByRole('button', { name: 'Пачка', exact: true }).click();
    const form = page.getByRole('form', { name: 'Пачка' });
    await form.getByLabel('ID чата, треда или пользователя').fill('334');
    const notice = form.getByTestId('team-chat');
    await notice.getByText('Этим чатом уже занимается коллега').waitFor();
    expect(await notice.textContent()).toMatch(/Чат ведёт Борис — с \d\d:\d\d/);
    expect(await notice.textContent()).toMatch(/Последний ответ в этот чат: Борис, \d\d:\d\d/);

    await notice.getByRole('button', { name: 'Взять чат себе' }).click();
    await notice
      .getByRole('status')
      .filter({ hasText: /Чат уже ведёт Борис — с \d\d:\d\d/ })
      .waitFor();
    expect(await violations(page)).toEqual([]);

    await form.getByLabel('Текст сообщения').fill('Ответ Анны');
    await form.getByRole('button', { name: /Отправить/ }).click();
    const dialog = page.getByRole('alertdialog');
    expect(await dialog.textContent()).toMatch(/Чат ведёт Борис .*Всё равно отправить\?/);
    await dialog.getByRole('button', { name: 'Отмена' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await call<{ items: unknown[] }>(anna, 'history.list', {})).items).toHaveLength(0);

    await form.getByRole('button', { name: /Отправить/ }).click();
    await dialog.getByRole('button', { name: 'Всё равно отправить' }).click();
    await form.locator('.last-result [data-status="sent"]').waitFor();
  });

  it('lists the team’s sends under History → Команда with who sent each, Anna’s own marked as hers', async () => {
    await page.getByRole('button', { name: 'История', exact: true }).click();
    await page.getByRole('group', { name: 'Чьи отправки' }).getByRole('radio', { name: 'Команда' }).check();
    const list = page.getByTestId('team-sends');
    await until(async () => (await list.locator('li').count()) === 2, 'both sends in the team history');
    const rows = await list.locator('li').allTextContents();
    expect(rows.some((r) => r.includes('Анна (вы)') && r.includes('Ответ Анны'))).toBe(true);
    expect(rows.some((r) => r.includes('Борис') && r.includes('Здравствуйте, заказ уже в пути'))).toBe(true);
    expect(await violations(page)).toEqual([]);
    await page.getByRole('group', { name: 'Чьи отправки' }).getByRole('radio', { name: 'Мои' }).check();
    await page.getByRole('listbox', { name: 'История отправок' }).getByText('Ответ Анны').waitFor();
  });

  it('keeps Anna’s template text when Boris saved a newer version, shows both, and saves hers over his once she chooses to', async () => {
    const saved = await call<{ ok: true; id: string; version: number }>(boris, 'team.saveTemplate', {
      name: 'Доставка',
      body: 'Заказ {{номер}} в пути',
      baseVersion: 0,
    });
    await page.getByRole('button', { name: 'Шаблоны', exact: true }).click();
    await page.getByRole('group', { name: 'Какие шаблоны' }).getByRole('radio', { name: 'Командные' }).check();
    const list = page.getByTestId('team-templates');
    await list.getByText('Доставка').waitFor();
    await list.getByRole('button', { name: 'Изменить' }).click();
    await call(boris, 'team.saveTemplate', {
      id: saved.id,
      name: 'Доставка',
      body: 'Борис: заказ {{номер}} у курьера',
      baseVersion: saved.version,
    });
    await until(
      async () => (await call<{ version: number }[]>(anna, 'team.templates')).some((t) => t.version > saved.version),
      'Boris’s version to reach Anna',
    );
    await page.getByLabel('Текст (переменные — {{имя}})').fill('Анна: заказ {{номер}} передан');
    await page.getByRole('button', { name: 'Сохранить', exact: true }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'Пока вы правили, шаблон изменили' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain(`версия ${saved.version + 1}, Борис`);
    expect(await page.getByLabel('Текст (переменные — {{имя}})').inputValue()).toBe('Анна: заказ {{номер}} передан');

    await refusal.getByRole('button', { name: 'Показать обе версии' }).click();
    expect(await page.getByTestId('template-theirs').textContent()).toContain('Борис: заказ {{номер}} у курьера');
    expect(await violations(page)).toEqual([]);
    await refusal.getByRole('button', { name: `Сохранить мой текст поверх версии ${saved.version + 1}` }).click();
    await until(
      async () => (await call<{ body: string }[]>(boris, 'team.templates')).some((t) => t.body === 'Анна: заказ {{номер}} передан'),
      'Anna’s text to reach Boris',
    );
  });

  it('says "as of" the moment the view went offline', async () => {
    anna.team!.currentLink!.goOffline();
    await page
      .getByTestId('team-bar')
      .getByText(/Команда: данные на \d\d:\d\d/)
      .waitFor();
    anna.team!.currentLink!.goOnline();
    await page.getByTestId('team-bar').getByText('Команда: в сети').waitFor();
  });
});
