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

    test('a new operator sends one nonformalized document with the composer’s defaults', async ({ app }) => {
      const { page } = app;
      const composer = page.getByRole('form', { name: 'Диадок' });
      await expect(composer.getByLabel('Ящик отправителя (FromBoxId)')).toHaveValue(FROM);
      await composer.getByLabel('Ящик получателя (ToBoxId)').fill('counterparty-box@diadoc.ru');
      await dropFiles(page, composer.getByTestId('drop-zone').first(), [
        { name: 'Счёт на оплату №5.pdf', type: 'application/pdf', text: '%PDF-1.4 счёт' },
      ]);
      await expect(composer.getByTestId('diadoc-document')).toHaveCount(1);
      // The type a new operator gets asks for FileName only, and fills it from the file.
      await expect(composer.getByLabel('Тип документа 1')).toHaveValue('Nonformalized');
      await expect(composer.getByLabel('FileName 1')).toHaveAttribute('placeholder', 'по умолчанию: Счёт на оплату №5.pdf');
      // Unsigned and going to the recipient now: Diadoc would refuse it, so the composer says why and offers the ways out.
      await expect(composer.getByTestId('diadoc-signature-rule')).toContainText('Приложите файл .sig');
      await expect(composer.getByRole('button', { name: /Отправить/ })).toBeDisabled();
      expect(sim.server.received.filter((r) => r.path === '/V3/PostMessage')).toHaveLength(0);
      await composer.getByRole('button', { name: 'Сохранить черновиком — подписать в Диадоке' }).click();
      await expect(composer.getByTestId('diadoc-signature-rule')).toHaveCount(0);
      await composer.getByRole('button', { name: /Отправить/ }).click();

      await expect(composer.locator('.last-result [data-status="sent"]')).toBeVisible();
      const posts = sim.server.received.filter((r) => r.path === '/V3/PostMessage');
      expect(posts).toHaveLength(1);
      const body = JSON.parse(posts[0]!.body.toString());
      expect(body).toMatchObject({ FromBoxId: FROM, ToBoxId: 'counterparty-box@diadoc.ru', IsDraft: true });
      expect(body.DocumentAttachments).toEqual([
        {
          SignedContent: { Content: Buffer.from('%PDF-1.4 счёт').toString('base64') },
          TypeNamedId: 'Nonformalized',
          Metadata: [{ Key: 'FileName', Value: 'Счёт на оплату №5.pdf' }],
        },
      ]);
      expect(sim.messages).toHaveLength(1);
      expect(sim.messages[0]).toMatchObject({
        isDraft: true,
        documents: [{ metadata: [{ key: 'FileName', value: 'Счёт на оплату №5.pdf' }] }],
      });
    });

    test('an operator picks a counterparty by INN, reads the documents it sent with their docflow, sends one and sees it there', async ({
      app,
    }) => {
      test.slow();
      const { page } = app;
      const org = sim.read.counteragents[1]!.Organization;
      const box = org.Boxes[0]!.BoxIdGuid;
      const composer = page.getByRole('form', { name: 'Диадок' });
      const field = composer.getByRole('combobox', { name: 'Ящик получателя (ToBoxId)' });
      await field.fill(org.Inn);
      const option = page.getByRole('option').filter({ hasText: org.ShortName });
      await option.click();
      await expect(field).toHaveValue(box);

      // diadoc.md §12.4: what the counterparty sent, each with DocflowStatus.PrimaryStatus.
      const conversation = page.getByRole('region', { name: 'Переписка' });
      const theirs = conversation.locator('li:not(.own):not(.conversation-end)');
      await expect(theirs).toHaveCount(3);
      await expect(theirs.first()).toContainText(org.ShortName);
      await expect(theirs.filter({ hasText: 'Договор поставки.pdf' })).toContainText('Документооборот:');

      await dropFiles(page, composer.getByTestId('drop-zone').first(), [
        { name: 'Акт за ноябрь.pdf', type: 'application/pdf', text: '%PDF-1.4 акт' },
      ]);
      await dropFiles(page, composer.getByTestId('diadoc-document').first().getByTestId('drop-zone'), [
        { name: 'Акт за ноябрь.pdf.sig', type: 'application/pkcs7-signature', size: 2_000 },
      ]);
      await expect(composer.getByTestId('diadoc-signature-rule')).toHaveCount(0);
      await composer.getByRole('button', { name: /Отправить/ }).click();
      await expect(composer.locator('.last-result [data-status="sent"]')).toBeVisible();

      const ours = conversation.locator('li.own').filter({ hasText: 'Акт за ноябрь.pdf' });
      await expect(ours).toBeVisible({ timeout: 15_000 });
      await expect(ours).toContainText('Мы');
      await expect(ours).toContainText('Документооборот: Доставлен');
      expect(sim.messages).toHaveLength(1);
    });

    test('a send Diadoc answers 204 for first shows as sent in the composer once it has finished', async ({ app }) => {
      const { page } = app;
      // diadoc.md §4: 204 + Retry-After while the operation runs; the pipeline asks again with the same operationId.
      sim.processingReplies = 2;
      sim.retryAfterSeconds = 1;
      const composer = page.getByRole('form', { name: 'Диадок' });
      await composer.getByLabel('Ящик получателя (ToBoxId)').fill('counterparty-box@diadoc.ru');
      await dropFiles(page, composer.getByTestId('drop-zone').first(), [
        { name: 'акт сверки.pdf', type: 'application/pdf', text: '%PDF-1.4 акт' },
      ]);
      await composer.getByRole('button', { name: 'Сохранить черновиком — подписать в Диадоке' }).click();
      await composer.getByRole('button', { name: /Отправить/ }).click();

      await expect(composer.locator('.last-result [data-status="waiting"]')).toBeVisible();
      await expect.poll(() => sim.messages.length).toBe(1);
      await expect(composer.locator('.last-result [data-status="sent"]')).toBeVisible();
      await expect(composer.locator('.last-result [data-status="waiting"]')).toHaveCount(0);
      await expect(
        page.getByRole('complementary', { name: 'Недавние отправки этому получателю' }).locator('[data-status]'),
      ).toHaveAttribute('data-status', 'sent');
      const posts = sim.server.received.filter((r) => r.path === '/V3/PostMessage');
      expect(posts).toHaveLength(3);
      expect(new Set(posts.map((r) => r.query.get('operationId'))).size).toBe(1);
    });

    test('three signed documents, one through the shelf, every field and flag reach Diadoc', async ({ app }) => {
      const { page } = app;
      const composer = page.getByRole('form', { name: 'Диадок' });
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
      await expect(composer.getByLabel('DocumentNumber 1')).toBeVisible();
      await composer.getByLabel('DocumentNumber 1').fill('7');
      await composer.getByLabel('DocumentDate 1').fill('2026-12-01');
      await expect(composer.getByTestId('diadoc-document').first()).toContainText('дата в виде ДД.ММ.ГГГГ');
      await composer.getByLabel('DocumentDate 1').fill('01.12.2026');
      await composer.getByLabel('Комментарий 1').fill('Договор поставки №7');
      await composer.getByLabel('Свой идентификатор 1').fill('DOG-7');
      await composer.getByLabel('Комментарий 2').fill('Акт за ноябрь');
      await composer.getByLabel('Тип документа 3').fill('UniversalTransferDocument');
      await expect(composer.getByTestId('diadoc-document').nth(2)).toContainText('Диадок берёт из содержимого файла: FileName');
      await composer.getByLabel('Функция 3').selectOption('СЧФДОП');
      await composer.getByLabel('Версия формата 3').fill('utd970_05_03_01');
      await composer.getByTestId('diadoc-document').nth(2).getByLabel('Запросить подпись получателя').check();
      for (const [i, name] of ['договор.pdf.sig', 'акт.pdf.sig', 'упд.xml.sig'].entries())
        await dropFiles(page, composer.getByTestId('diadoc-document').nth(i).getByTestId('drop-zone'), [
          { name, type: 'application/pkcs7-signature', size: 2_000 },
        ]);
      await expect(composer.getByTestId('diadoc-signature-rule')).toHaveCount(0);
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
      });
      expect(body.DocumentAttachments[0].Metadata).toEqual([
        { Key: 'DocumentNumber', Value: '7' },
        { Key: 'DocumentDate', Value: '01.12.2026' },
        { Key: 'FileName', Value: 'договор.pdf' },
      ]);
      expect(Buffer.from(body.DocumentAttachments[0].SignedContent.Content, 'base64')).toHaveLength(120_000);
      expect(Buffer.from(body.DocumentAttachments[0].SignedContent.Signature, 'base64')).toHaveLength(2_000);
      // Above the 500 KB inline advice: on the shelf in parts, named in the message.
      expect(body.DocumentAttachments[1]).toMatchObject({ TypeNamedId: 'Nonformalized', Comment: 'Акт за ноябрь' });
      expect(body.DocumentAttachments[1].SignedContent.NameOnShelf).toMatch(/^dd-api-/);
      expect(body.DocumentAttachments[1].SignedContent.Content).toBeUndefined();
      expect(sim.messages[0]!.documents[1]).toMatchObject({ contentBytes: 600_000 });
      expect(body.DocumentAttachments[2]).toMatchObject({
        TypeNamedId: 'UniversalTransferDocument',
        Function: 'СЧФДОП',
        Version: 'utd970_05_03_01',
        NeedRecipientSignature: true,
      });
      expect(body.DocumentAttachments[2].Metadata).toBeUndefined();
      expect(Buffer.from(body.DocumentAttachments[2].SignedContent.Content, 'base64').toString()).toBe('<Файл/>');
      expect(sim.messages).toHaveLength(1);
      await openHistoryEntry(page, 'counterparty-box');
      await expect(page.getByTestId('provider-message-id')).toHaveText(sim.messages[0]!.messageId);

      // Opened again from history and sent from the composer: a new message, so a new operationId.
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

    test('signatures pair themselves with their documents by name, in the same drop or later, and one without a document is explained', async ({
      app,
    }) => {
      const { page } = app;
      const composer = page.getByRole('form', { name: 'Диадок' });
      const zone = composer.getByTestId('drop-zone').first();
      await composer.getByLabel('Ящик получателя (ToBoxId)').fill('counterparty-box@diadoc.ru');
      await dropFiles(page, zone, [
        { name: 'акт.pdf.sig', type: 'application/pkcs7-signature', size: 1_500 },
        { name: 'акт.pdf', type: 'application/pdf', text: '%PDF-1.4 акт' },
        { name: 'договор.pdf', type: 'application/pdf', text: '%PDF-1.4 договор' },
      ]);
      const cards = composer.getByTestId('diadoc-document');
      await expect(cards).toHaveCount(2);
      await expect(cards.nth(0)).toContainText('акт.pdf.sig');
      await expect(composer.getByTestId('documents-count')).toHaveText('Документов: 2 / 40');
      await composer.getByLabel('Комментарий 2').fill('Договор поставки №7');

      // Later, onto the composer rather than the card: the .p7s finds its document; the orphan is explained and dropped nowhere.
      await dropFiles(page, zone, [
        { name: 'договор.pdf.p7s', type: 'application/pkcs7-signature', size: 1_700 },
        { name: 'упд.xml.sig', type: 'application/pkcs7-signature', size: 900 },
      ]);
      await expect(cards.nth(1)).toContainText('договор.pdf.p7s');
      await expect(zone.getByRole('alert')).toContainText('упд.xml.sig: в письме нет документа «упд.xml», к которому эта подпись');
      await expect(cards).toHaveCount(2);
      await expect(composer.getByLabel('Комментарий 2')).toHaveValue('Договор поставки №7');
      await expect(composer.getByTestId('diadoc-signature-rule')).toHaveCount(0);

      await composer.getByRole('button', { name: /Отправить/ }).click();
      await expect(composer.locator('.last-result [data-status="sent"]')).toBeVisible();
      const body = JSON.parse(sim.server.received.find((r) => r.path === '/V3/PostMessage')!.body.toString());
      expect(
        body.DocumentAttachments.map(
          (d: { SignedContent: { Signature: string } }) => Buffer.from(d.SignedContent.Signature, 'base64').length,
        ),
      ).toEqual([1_500, 1_700]);
      expect(body.DocumentAttachments[1].Comment).toBe('Договор поставки №7');
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
      // Reads (document types, counterparties) may have gone out; nothing was posted.
      expect(sim.server.received.filter((r) => r.method === 'POST')).toHaveLength(0);
    });
  });
}
