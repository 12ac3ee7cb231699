import { expect } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { DiadocSimulator } from '../electron/sandbox/diadoc.ts';
import { appTest, targets } from './fixtures.ts';
import { addAccount, callContract, dropFiles, openHistoryEntry } from './helpers.ts';

const TOKEN = 'diadoc-e2e-access-token-31415926';
const FROM = 'sandbox-box-from@diadoc.ru';

for (const target of targets) {
  const test = appTest(target);
  test.describe(`Diadoc composer [${target}]`, () => {
    let sim: DiadocSimulator;
    test.beforeEach(async ({ app }) => {
      sim = new DiadocSimulator({ tokens: [TOKEN] });
      const baseUrl = await sim.start();
      await addAccount(app.page, {
        provider: 'diadoc',
        name: 'Диадок ООО Ромашка',
        baseUrl,
        token: TOKEN,
        fill: (form) => form.getByLabel('Ящик отправителя по умолчанию (FromBoxId)').fill(FROM),
      });
      await app.page.getByRole('button', { name: 'Диадок' }).click();
    });
    test.afterEach(() => sim?.stop());

    test('three dropped documents, one with a detached signature, every field and flag reach Diadoc', async ({ app }) => {
      const { page } = app;
      const composer = page.getByRole('form', { name: 'Диадок' });
      await expect(composer.getByLabel('Ящик отправителя (FromBoxId)')).toHaveValue(FROM);
      await composer.getByLabel('Ящик получателя (ToBoxId)').fill('counterparty-box@diadoc.ru');
      await dropFiles(page, composer.getByTestId('drop-zone').first(), [
        { name: 'договор.pdf', type: 'application/pdf', size: 120_000 },
        { name: 'акт.pdf', type: 'application/pdf', size: 600_000 },
        { name: 'упд.xml', type: 'application/xml', text: '<Файл/>' },
      ]);
      await expect(composer.getByTestId('diadoc-document')).toHaveCount(3);
      await expect(composer.getByTestId('documents-count')).toHaveText('Документов: 3 / 40');
      await expect(composer.getByTestId('diadoc-document').nth(1).locator('.badge.warn')).toBeVisible();
      await composer.getByLabel('Тип документа 1').fill('Contract');
      await composer.getByLabel('Комментарий 1').fill('Договор поставки №7');
      await composer.getByLabel('Свой идентификатор 1').fill('DOG-7');
      await composer.getByLabel('Метаданные (ключ=значение, по одному в строке) 1').fill('DocumentNumber=7');
      await dropFiles(page, composer.getByTestId('diadoc-document').first().getByTestId('drop-zone'), [
        { name: 'договор.pdf.sig', type: 'application/pkcs7-signature', size: 2_000 },
      ]);
      await expect(composer.getByTestId('diadoc-document').first()).toContainText('договор.pdf.sig');
      await composer.getByLabel('Комментарий 2').fill('Акт за ноябрь');
      await composer.getByLabel('Тип документа 3').fill('UniversalTransferDocument');
      await composer.getByLabel('Функция 3').selectOption('СЧФДОП');
      await composer.getByLabel('Версия формата 3').fill('utd970_05_03_01');
      await composer.getByTestId('diadoc-document').nth(2).getByLabel('Запросить подпись получателя').check();
      await composer.getByLabel('Закрытый пакет').check();
      mkdirSync('e2e/screenshots', { recursive: true });
      if (target === 'harness') await page.screenshot({ path: 'e2e/screenshots/diadoc-composer.png' });
      await composer.getByRole('button', { name: /Отправить/ }).click();

      await expect(composer.locator('.last-result [data-status="sent"]')).toBeVisible();
      const req = sim.server.received.find((r) => r.path === '/V3/PostMessage')!;
      const opId = req.query.get('operationId');
      expect(opId).toMatch(/^[0-9a-f-]{36}$/);
      const body = JSON.parse(req.body.toString());
      expect(body).toMatchObject({ FromBoxId: FROM, ToBoxId: 'counterparty-box@diadoc.ru', LockPacket: true });
      expect(body.DocumentAttachments).toHaveLength(3);
      expect(body.DocumentAttachments[0]).toMatchObject({
        TypeNamedId: 'Contract',
        Comment: 'Договор поставки №7',
        CustomDocumentId: 'DOG-7',
        Metadata: [{ Key: 'DocumentNumber', Value: '7' }],
      });
      expect(Buffer.from(body.DocumentAttachments[0].SignedContent.Content, 'base64')).toHaveLength(120_000);
      expect(Buffer.from(body.DocumentAttachments[0].SignedContent.Signature, 'base64')).toHaveLength(2_000);
      expect(body.DocumentAttachments[1]).toMatchObject({ TypeNamedId: 'Nonformalized', Comment: 'Акт за ноябрь' });
      expect(body.DocumentAttachments[2]).toMatchObject({
        TypeNamedId: 'UniversalTransferDocument',
        Function: 'СЧФДОП',
        Version: 'utd970_05_03_01',
        NeedRecipientSignature: true,
      });
      expect(Buffer.from(body.DocumentAttachments[2].SignedContent.Content, 'base64').toString()).toBe('<Файл/>');
      expect(sim.messages).toHaveLength(1);
      await openHistoryEntry(page, 'counterparty-box');
      await expect(page.getByTestId('provider-message-id')).toHaveText(sim.messages[0]!.messageId);

      // Opened again from history: the same documents, signature and fields, ready to go as a new message.
      await page.getByRole('button', { name: 'Открыть в редакторе' }).click();
      await expect(composer.getByTestId('diadoc-document')).toHaveCount(3);
      await expect(composer.getByTestId('diadoc-document').first()).toContainText('договор.pdf.sig');
      await expect(composer.getByLabel('Комментарий 1')).toHaveValue('Договор поставки №7');
      await expect(composer.getByLabel('Функция 3')).toHaveValue('СЧФДОП');
      await composer.getByRole('button', { name: /Отправить/ }).click();
      await expect.poll(() => sim.messages.length).toBe(2);
      const again = sim.server.received.filter((r) => r.path === '/V3/PostMessage')[1]!;
      expect(again.query.get('operationId')).not.toBe(opId);
      const againBody = JSON.parse(again.body.toString());
      expect(againBody.DocumentAttachments.map((d: { Comment?: string }) => d.Comment)).toEqual(
        body.DocumentAttachments.map((d: { Comment?: string }) => d.Comment),
      );
      expect(againBody.DocumentAttachments[0].SignedContent).toEqual(body.DocumentAttachments[0].SignedContent);
    });

    test('41 documents: the 41st is refused at drop with its reason, and 41 sent to the handler are refused', async ({ app }) => {
      const { page } = app;
      const composer = page.getByRole('form', { name: 'Диадок' });
      await composer.getByLabel('Ящик получателя (ToBoxId)').fill('counterparty-box@diadoc.ru');
      await dropFiles(
        page,
        composer.getByTestId('drop-zone').first(),
        Array.from({ length: 41 }, (_, i) => ({ name: `doc-${i + 1}.pdf`, type: 'application/pdf', text: `document ${i + 1}` })),
      );
      await expect(composer.getByTestId('diadoc-document')).toHaveCount(40);
      await expect(composer.getByRole('alert')).toContainText('doc-41.pdf: Слишком много файлов: не больше 40');
      await expect(composer.getByTestId('documents-count')).toHaveText('Документов: 40 / 40');
      const accounts = (await callContract(page, 'accounts.list')).value as { id: string }[];
      const documents = Array.from({ length: 41 }, () => ({ file: 'f_aaaaaaaaaaaa', typeNamedId: 'Nonformalized' }));
      const reply = await callContract(page, 'sends.send', {
        accountId: accounts[0]!.id,
        message: { provider: 'diadoc', fromBoxId: FROM, toBoxId: 'counterparty-box@diadoc.ru', documents },
      });
      expect(reply).toMatchObject({ ok: false, error: { field: 'documents', reason: 'too_many', limit: 40 } });
      expect(sim.server.received).toHaveLength(0);
    });
  });
}
