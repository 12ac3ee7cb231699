import { expect, type Response } from '@playwright/test';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DiadocSimulator } from '../electron/sandbox/diadoc.ts';
import { GreenApiV1Simulator } from '../electron/sandbox/green-api-v1.ts';
import { MarketSimulator } from '../electron/sandbox/market.ts';
import { PachcaSimulator } from '../electron/sandbox/pachca.ts';
import { appTest, targets } from './fixtures.ts';
import { addAccount, callContract } from './helpers.ts';

const T = {
  pachca: 'pachca-secret-e2e-aaaa1111',
  diadoc: 'diadoc-secret-e2e-bbbb2222',
  market: 'market-secret-e2e-cccc3333',
  greenapi: 'greenapi-secret-e2e-dddd4444',
  replaced: 'greenapi-secret-e2e-eeee5555',
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

for (const target of targets) {
  const test = appTest(target);
  test.describe(`Accounts and secrets [${target}]`, () => {
    test('four providers: create, send, check, edit, delete — and no token anywhere but where it belongs', async ({ app }) => {
      const { page } = app;
      const replies: string[] = [];
      page.on('response', (r: Response) => {
        if (r.url().includes('/rpc/'))
          void r.text().then(
            (t) => replies.push(t),
            () => {},
          );
      });
      const sims = {
        pachca: new PachcaSimulator({ tokens: [T.pachca] }),
        diadoc: new DiadocSimulator({ tokens: [T.diadoc] }),
        market: new MarketSimulator({ tokens: [T.market] }),
        greenapi: new GreenApiV1Simulator({ tokens: [T.greenapi, T.replaced] }),
      };
      const urls = {
        pachca: await sims.pachca.start(),
        diadoc: await sims.diadoc.start(),
        market: await sims.market.start(),
        greenapi: await sims.greenapi.start(),
      };
      try {
        await addAccount(page, { provider: 'pachca', name: 'Пачка офис', baseUrl: urls.pachca, token: T.pachca });
        await addAccount(page, {
          provider: 'diadoc',
          name: 'Диадок Ромашка',
          baseUrl: urls.diadoc,
          token: T.diadoc,
          fill: (f) => f.getByLabel('Ящик отправителя по умолчанию (FromBoxId)').fill('sandbox-box-from@diadoc.ru'),
        });
        await addAccount(page, {
          provider: 'market',
          name: 'Маркет Ромашка',
          baseUrl: urls.market,
          token: T.market,
          fill: (f) => f.getByLabel('ID кабинета (businessId)').fill('100500'),
        });
        await addAccount(page, { provider: 'greenapi', name: 'WhatsApp', baseUrl: urls.greenapi, token: T.greenapi });

        const accounts = (await callContract(page, 'accounts.list')).value as { id: string; provider: string }[];
        const id = (p: string) => accounts.find((a) => a.provider === p)!.id;
        const docPath = join(app.dataDir, 'act.txt');
        (await import('node:fs')).writeFileSync(docPath, 'Акт сверки');
        const sends = [
          { accountId: id('pachca'), message: { provider: 'pachca', entityType: 'discussion', entityId: 334, content: 'Пачка: проверка' } },
          {
            accountId: id('market'),
            message: { provider: 'market', businessId: '100500', chatId: '777', kind: 'text', text: 'Маркет: проверка' },
          },
          {
            accountId: id('greenapi'),
            message: { provider: 'greenapi', recipientType: 'individual', to: '79001234567', text: 'WhatsApp: проверка' },
          },
        ];
        for (const s of sends) expect(await callContract(page, 'sends.send', s)).toMatchObject({ ok: true, value: { status: 'sent' } });
        // Diadoc needs a document: dropped through the composer like any file.
        await page.getByRole('button', { name: 'Диадок' }).click();
        const dd = page.getByRole('form', { name: 'Диадок' });
        await dd.getByLabel('Ящик получателя (ToBoxId)').fill('counterparty@diadoc.ru');
        await dd
          .locator('input[type=file]')
          .first()
          .setInputFiles({ name: 'акт.txt', mimeType: 'text/plain', buffer: Buffer.from('Акт сверки') });
        // Unsigned, so it goes as a draft to be signed in Diadoc.
        await dd.getByRole('button', { name: 'Сохранить черновиком — подписать в Диадоке' }).click();
        await dd.getByRole('button', { name: /Отправить/ }).click();
        await expect(dd.locator('.last-result [data-status="sent"]')).toBeVisible();
        expect(sims.diadoc.messages).toHaveLength(1);

        await page.getByRole('button', { name: 'Аккаунты', exact: true }).click();
        for (const name of ['Пачка офис', 'Диадок Ромашка', 'Маркет Ромашка']) {
          const row = page.locator('.account').filter({ hasText: name }).first();
          await row.getByRole('button', { name: 'Проверить подключение' }).click();
          await expect(row.getByText('Подключение работает')).toBeVisible();
        }
        const wa = page.locator('.account').filter({ hasText: 'WhatsApp' });
        await wa.getByRole('button', { name: 'Проверить подключение' }).click();
        await expect(wa.getByRole('status')).toContainText('нет вызова только для чтения');

        await wa.getByRole('button', { name: 'Изменить' }).click();
        const form = page.getByRole('form', { name: 'Изменить' });
        await expect(form.getByText('Токен задан: ••••4444')).toBeVisible();
        await form.getByLabel('Название').fill('WhatsApp поддержка');
        await form.getByLabel('Новый токен (оставьте пустым, чтобы не менять)').fill(T.replaced);
        await form.getByRole('button', { name: 'Сохранить' }).click();
        await expect(page.locator('.account').filter({ hasText: 'WhatsApp поддержка' })).toContainText('••••5555');
        expect(
          await callContract(page, 'sends.send', {
            accountId: id('greenapi'),
            message: { provider: 'greenapi', recipientType: 'individual', to: '79001234567', text: 'новым токеном' },
          }),
        ).toMatchObject({ ok: true, value: { status: 'sent' } });
        expect(sims.greenapi.server.received.at(-1)!.headers.authorization).toBe(`Bearer ${T.replaced}`);

        await page.locator('.account').filter({ hasText: 'Маркет Ромашка' }).getByRole('button', { name: 'Удалить' }).click();
        await page.getByRole('alertdialog').getByRole('button', { name: 'Удалить' }).click();
        await expect(page.locator('.account').filter({ hasText: 'Маркет Ромашка' })).toHaveCount(0);

        // Every view of the history, then the scan.
        const list = (await callContract(page, 'history.list', { limit: 50 })).value as { items: { id: string }[] };
        for (const s of list.items) await callContract(page, 'history.get', { id: s.id });
        await callContract(page, 'accounts.export');
        await page.getByRole('button', { name: 'История', exact: true }).click();
        await page.locator('[data-send-id]').first().click();
        await page.locator('details').first().click();
        const dom = await page.content();
        const files = filesUnder(app.dataDir).map(
          (f) => [f, readFileSync(f).toString('latin1') + readFileSync(f).toString('utf8')] as const,
        );
        const logs = app.logs();
        for (const token of Object.values(T)) {
          expect(dom.includes(token), `DOM holds ${token}`).toBe(false);
          expect(logs.includes(token), `logs hold ${token}`).toBe(false);
          for (const r of replies) expect(r.includes(token), `an IPC reply holds ${token}`).toBe(false);
          for (const [f, text] of files) expect(text.includes(token), `${f} holds ${token}`).toBe(false);
        }
        expect(replies.length).toBeGreaterThan(20);
        expect(files.some(([f]) => f.endsWith('history.sqlite'))).toBe(true);
      } finally {
        await Promise.all(Object.values(sims).map((s) => s.stop()));
      }
    });
  });
}
