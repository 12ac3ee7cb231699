import { expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appTest, targets } from './fixtures.ts';
import { harnessCall, harnessUpload, startHarness, type HarnessProcess } from './harness-process.ts';
import { postgresMissing, startTeamServer, teamBuildMissing, type TeamServer } from './team-server.ts';

/*
 * Team mode on the operator's screens, against a real team server started as an administrator
 * starts it (`npm run team`: PostgreSQL + nats-server + the API on loopback, its own data directory).
 * Anna works in the window; Boris is a second desktop (another harness process with its own data)
 * signed in to the same team, driven over his contract channels.
 */
interface Colleague {
  server: TeamServer;
  annaPassword: string;
  boris: HarnessProcess;
}

const pachca = (entityId: number, content: string) => ({
  accountId: 'a_sbx_pachca',
  message: { provider: 'pachca', entityType: 'discussion', entityId, content },
});

async function waitFor(ok: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  await expect.poll(ok, { message: what, timeout: timeoutMs, intervals: [100, 250, 500] }).toBe(true);
}

for (const target of targets) {
  const test = appTest(target).extend<{ team: Colleague }>({
    team: async ({ app }, use, testInfo) => {
      void app;
      const missing = postgresMissing();
      testInfo.skip(missing !== undefined, missing);
      const unbuilt = teamBuildMissing();
      if (unbuilt) throw new Error(unbuilt);
      const server = await startTeamServer();
      const borisDir = mkdtempSync(join(tmpdir(), 'operator-e2e-boris-'));
      let boris: HarnessProcess | undefined;
      try {
        const annaPassword = await server.addOperator('anna', 'Анна', 'support');
        const borisPassword = await server.addOperator('boris', 'Борис', 'support');
        boris = await startHarness(borisDir);
        await harnessCall(boris, 'accounts.createSandbox');
        await harnessCall(boris, 'team.connect', { server: server.apiUrl, login: 'boris', password: borisPassword });
        const b = boris;
        await waitFor(async () => (await harnessCall<{ online: boolean }>(b, 'team.status')).online, 'Boris’s desktop to come online');
        await use({ server, annaPassword, boris });
      } finally {
        await boris?.stop();
        await server.stop();
        rmSync(borisDir, { recursive: true, force: true });
      }
    },
  });

  test.describe(`Team mode [${target}]`, () => {
    // A team server starts PostgreSQL and nats-server: up to a minute or two on a loaded two-core machine.
    test.describe.configure({ timeout: 480_000 });

    test('Anna signs in from settings, sees Boris online, opens his send from History → Team, is warned before answering his chat, finds team and personal templates apart and deletes a team template only at the version she confirmed', async ({
      app,
      team,
    }) => {
      const { page } = app;
      const { server, boris } = team;
      const sync = { timeout: 60_000 };
      await page.getByRole('button', { name: 'Попробовать в песочнице' }).click();

      await test.step('sign-in through the settings; the rail says live and who is online', async () => {
        await page.getByRole('button', { name: 'Настройки', exact: true }).click();
        const section = page.getByRole('region', { name: 'Командный режим' });
        await section.getByLabel('Адрес сервера команды').fill(server.apiUrl);
        await section.getByLabel('Логин').fill('anna');
        await section.getByLabel('Пароль').fill(team.annaPassword);
        await section.getByRole('button', { name: 'Подключиться' }).click();
        await expect(section.getByText(`Сервер ${server.apiUrl} · вы — Анна`)).toBeVisible(sync);
        const bar = page.getByTestId('team-bar');
        await expect(bar.getByText('Команда: в сети')).toBeVisible(sync);
        await expect(bar.getByText('В сети: Борис и вы')).toBeVisible(sync);
      });

      await test.step('Boris’s send appears in History → Team with his name', async () => {
        await harnessCall(boris, 'sends.send', pachca(334, 'Здравствуйте, заказ уже в пути'));
        await harnessCall(boris, 'team.claim', { accountId: 'a_sbx_pachca', recipient: 'chat 334' });
        await page.getByRole('button', { name: 'История', exact: true }).click();
        await page.getByRole('group', { name: 'Чьи отправки' }).getByRole('radio', { name: 'Команда' }).check();
        const row = page.getByTestId('team-sends').locator('li').filter({ hasText: 'Здравствуйте, заказ уже в пути' });
        await expect(row).toContainText('Борис', sync);
        await expect(row).toContainText('чат 334');
      });

      await test.step('Boris’s send opens in a detail pane: who, to whom, when, the provider’s id and its statuses', async () => {
        const theirs = await harnessCall<{ items: { providerMessageId?: string }[] }>(boris, 'history.list', {});
        const sent = theirs.items[0]!;
        await page.getByTestId('team-sends').getByRole('button').filter({ hasText: 'Здравствуйте, заказ уже в пути' }).click();
        const pane = page.getByTestId('team-send-detail');
        await expect(pane.getByRole('heading', { name: 'Отправка из командной истории' })).toBeVisible();
        await expect(pane.locator('dl')).toContainText('Кто отправилБорис');
        await expect(pane.locator('dl')).toContainText('Получательчат 334');
        await expect(pane.locator('dl')).toContainText('АккаунтPachca — ваш аккаунт для того же кабинета');
        await expect(pane.getByTestId('team-provider-message-id')).toHaveText(sent.providerMessageId!, sync);
        await expect(pane.getByTestId('team-trail')).toContainText(/записано от Борис: .*Отправлено/, sync);
        await expect(pane).toContainText('Здравствуйте, заказ уже в пути');
      });

      await test.step('a colleague’s documents are worded in Anna’s language, not in the words of Boris’s desktop', async () => {
        const act = await harnessUpload(boris, 'akt.pdf', '%PDF-1.7 акт сверки');
        const bill = await harnessUpload(boris, 'schet.pdf', '%PDF-1.7 счёт');
        const actSig = await harnessUpload(boris, 'akt.pdf.p7s', 'подпись акта '.repeat(60));
        const billSig = await harnessUpload(boris, 'schet.pdf.p7s', 'подпись счёта '.repeat(60));
        await harnessCall(boris, 'sends.send', {
          accountId: 'a_sbx_diadoc',
          message: {
            provider: 'diadoc',
            fromBoxId: 'sandbox-box-from@diadoc.ru',
            toBoxId: 'counterparty-box@diadoc.ru',
            documents: [
              { file: act.id, signatureFile: actSig.id, typeNamedId: 'Nonformalized', comment: 'Акт сверки' },
              { file: bill.id, signatureFile: billSig.id, typeNamedId: 'Nonformalized', comment: 'Счёт' },
            ],
          },
        });
        const row = page.getByTestId('team-sends').locator('li').filter({ hasText: 'counterparty-box@diadoc.ru' });
        await expect(row).toContainText('2 документа: Акт сверки · Счёт', sync);
        await expect(row).toContainText('Диадок');
      });

      await test.step('the composer names who holds and answered the chat, and sends only after Anna confirms', async () => {
        await page.getByRole('button', { name: 'Пачка', exact: true }).click();
        const form = page.getByRole('form', { name: 'Пачка' });
        await form.getByLabel('ID чата, треда или пользователя').fill('334');
        const notice = form.getByTestId('team-chat');
        await expect(notice).toContainText('Этим чатом уже занимается коллега', sync);
        await expect(notice).toContainText(/Чат ведёт Борис — с \d\d:\d\d/);
        await expect(notice).toContainText(/Последний ответ в этот чат: Борис, \d\d:\d\d/);
        await form.getByLabel('Текст сообщения').fill('Ответ Анны');
        await form.getByRole('button', { name: /Отправить/ }).click();
        const dialog = page.getByRole('alertdialog');
        await expect(dialog).toContainText(/Чат ведёт Борис .*Всё равно отправить\?/);
        await dialog.getByRole('button', { name: 'Отмена' }).click();
        await expect(dialog).toBeHidden();
        await form.getByRole('button', { name: /Отправить/ }).click();
        await dialog.getByRole('button', { name: 'Всё равно отправить' }).click();
        await expect(form.locator('.last-result [data-status="sent"]')).toBeVisible(sync);
        await waitFor(
          async () =>
            (await harnessCall<{ operatorName: string; preview: unknown }[]>(boris, 'team.sends')).some((s) => s.operatorName === 'Анна'),
          'Anna’s answer to reach Boris',
        );
      });

      await test.step('templates: the team’s under Командные with version and author, Anna’s own under Личные', async () => {
        await harnessCall(boris, 'team.saveTemplate', { name: 'Доставка', body: 'Заказ {{номер}} в пути', baseVersion: 0 });
        await page.getByRole('button', { name: 'Шаблоны', exact: true }).click();
        await page.getByRole('button', { name: 'Новый шаблон' }).click();
        await page.getByLabel('Название').fill('Личное приветствие');
        await page.getByLabel('Текст (переменные — {{имя}})').fill('Добрый день, {{имя}}!');
        await page.getByRole('button', { name: 'Сохранить' }).click();
        await expect(page.locator('.account-list')).toContainText('Личное приветствие');
        await expect(page.locator('.account-list')).not.toContainText('Доставка');

        const scope = page.getByRole('group', { name: 'Какие шаблоны' });
        await scope.getByRole('radio', { name: 'Командные' }).check();
        const list = page.getByTestId('team-templates');
        const delivery = list.locator('li').filter({ hasText: 'Доставка' });
        await expect(delivery).toContainText(/Версия 1 · Борис/, sync);
        await expect(list).not.toContainText('Личное приветствие');
        await scope.getByRole('radio', { name: 'Личные' }).check();
        await expect(page.locator('.account-list')).toContainText('Личное приветствие');
      });

      await test.step('Anna deletes the team template after confirming; a version Boris saved meanwhile is asked about again', async () => {
        const [delivery] = await harnessCall<{ id: string; name: string }[]>(boris, 'team.templates');
        await page.getByRole('group', { name: 'Какие шаблоны' }).getByRole('radio', { name: 'Командные' }).check();
        const row = page.getByTestId('team-templates').locator('li').filter({ hasText: 'Доставка' });
        await row.getByRole('button', { name: 'Удалить' }).click();
        const dialog = page.getByRole('alertdialog');
        await expect(dialog).toContainText('Удалить командный шаблон «Доставка» (версия 1)?');
        await harnessCall(boris, 'team.saveTemplate', {
          id: delivery!.id,
          name: 'Доставка',
          body: 'Заказ {{номер}} у курьера',
          baseVersion: 1,
        });
        await expect(row).toContainText(/Версия 2 · Борис/, sync);
        await dialog.getByRole('button', { name: 'Удалить' }).click();
        await expect(dialog).toContainText('Пока вы решали, шаблон «Доставка» изменили: версия 2, Борис. Удалить и эту версию?');
        await dialog.getByRole('button', { name: 'Удалить' }).click();
        await expect(page.getByText('Командный шаблон удалён')).toBeVisible();
        await expect(row).toHaveCount(0);
        await waitFor(async () => (await harnessCall<unknown[]>(boris, 'team.templates')).length === 0, 'the deletion to reach Boris');
      });
    });
  });
}
