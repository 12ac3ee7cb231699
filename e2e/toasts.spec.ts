import { expect, type Locator } from '@playwright/test';
import { GreenApiV1Simulator } from '../electron/sandbox/green-api-v1.ts';
import { appTest, targets } from './fixtures.ts';
import { addAccount } from './helpers.ts';

const TOKEN = 'gr.e2e-toasts-token-8a7b6c5d';

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function boxOf(l: Locator): Promise<Box> {
  const box = await l.boundingBox();
  if (!box) throw new Error('not on screen');
  return box;
}

for (const target of targets) {
  const test = appTest(target);
  test.describe(`Toasts beside the composer [${target}]`, () => {
    let sim: GreenApiV1Simulator;
    test.beforeEach(async () => {
      sim = new GreenApiV1Simulator({ tokens: [TOKEN] });
      await sim.start();
    });
    test.afterEach(() => sim?.stop());

    test('at 1280×800 a stack of toasts, a long refusal among them, leaves the Send button and the composer’s actions free', async ({
      app,
    }) => {
      const { page } = app;
      await page.setViewportSize({ width: 1280, height: 800 });
      await addAccount(page, { provider: 'greenapi', name: 'WA', baseUrl: sim.server.baseUrl, token: TOKEN });
      await addAccount(page, {
        provider: 'greenapi',
        name: 'WA старый ключ',
        baseUrl: sim.server.baseUrl,
        token: 'gr.revoked-token-00000000',
      });
      await page.getByRole('button', { name: 'WhatsApp' }).click();
      const composer = page.getByRole('form', { name: 'Green-API (WhatsApp)' });
      const send = composer.getByRole('button', { name: /Отправить/ });
      const toasts = page.locator('.toast');

      let mostAtOnce = 0;
      /**
       * Every toast on screen keeps clear of the Send button and the row of actions it sits in. The toasts are
       * measured in one step in the page: one at a time, an older toast could time out between two of them.
       */
      async function expectActionsFree() {
        const sendBox = await boxOf(send);
        const actionsBox = await boxOf(composer.locator('.composer-foot'));
        const boxes = await toasts.evaluateAll((els) =>
          els.map((e) => {
            const r = e.getBoundingClientRect();
            return { x: r.x, y: r.y, width: r.width, height: r.height };
          }),
        );
        expect(boxes.length).toBeGreaterThan(0);
        mostAtOnce = Math.max(mostAtOnce, boxes.length);
        for (const toastBox of boxes) {
          expect(overlaps(toastBox, sendBox)).toBe(false);
          expect(overlaps(toastBox, actionsBox)).toBe(false);
        }
      }

      await composer.getByLabel('Номер или ID группы').fill('79001234567');
      // A refused key: the widest toast the composer raises, with the provider's reason in it.
      await composer.getByLabel('Аккаунт').selectOption({ label: 'WA старый ключ' });
      await composer.getByLabel('Текст сообщения').fill('Сообщение со старым ключом');
      await send.click();
      await expect(page.locator('.toast-error')).toBeVisible();
      await expectActionsFree();

      await composer.getByLabel('Аккаунт').selectOption({ label: 'WA' });
      for (const n of [1, 2, 3]) {
        await composer.getByLabel('Текст сообщения').fill(`Сообщение ${n}`);
        // No force: Playwright refuses to click a button another element covers.
        await send.click();
        await expect.poll(() => sim.messages.length).toBe(n);
        await expect(composer.getByLabel('Текст сообщения')).toHaveValue('');
        await expectActionsFree();
      }
      expect(sim.messages.map((m) => m.body)).toEqual(['Сообщение 1', 'Сообщение 2', 'Сообщение 3']);
      // Toasts leave after 6 s (12 s for a refusal), so on a slow machine the oldest may be gone; a stack there was.
      expect(mostAtOnce).toBeGreaterThanOrEqual(2);
    });
  });
}
