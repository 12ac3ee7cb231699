import { expect, type Page } from '@playwright/test';

/** Creates an account through the Accounts screen, as an operator would. */
export async function addAccount(
  page: Page,
  a: {
    provider: 'pachca' | 'diadoc' | 'market' | 'greenapi';
    name: string;
    baseUrl: string;
    token: string;
    fill?: (form: ReturnType<Page['getByRole']>) => Promise<void>;
  },
): Promise<void> {
  await page.getByRole('button', { name: 'Аккаунты', exact: true }).click();
  await page.getByRole('button', { name: 'Добавить аккаунт' }).first().click();
  const form = page.getByRole('form', { name: 'Добавить аккаунт' });
  await form.getByLabel('Провайдер').selectOption(a.provider);
  await form.getByLabel('Название').fill(a.name);
  await form.getByLabel('Базовый URL').fill(a.baseUrl);
  if (a.fill) await a.fill(form);
  await form.getByLabel('Токен', { exact: true }).fill(a.token);
  await form.getByRole('button', { name: 'Сохранить' }).click();
  await expect(page.locator('.account-list').getByText(a.name, { exact: true })).toBeVisible();
}

/** The Market cabinet the Market specs share (businessId 100500), added through the form, its composer opened. */
export async function addMarketAccount(page: Page, baseUrl: string, token: string): Promise<void> {
  await addAccount(page, {
    provider: 'market',
    name: 'Маркет ООО Ромашка',
    baseUrl,
    token,
    fill: (form) => form.getByLabel('ID кабинета (businessId)').fill('100500'),
  });
  await page.getByRole('button', { name: 'Маркет' }).click();
}

/** Drops files on a drop zone the way a desktop drag does: a DataTransfer with File objects. */
export async function dropFiles(
  page: Page,
  target: ReturnType<Page['locator']>,
  files: { name: string; type: string; size?: number; text?: string }[],
): Promise<void> {
  const dt = await page.evaluateHandle((specs) => {
    const dt = new DataTransfer();
    for (const f of specs) {
      const body = f.text !== undefined ? f.text : new Uint8Array(f.size ?? 0).fill(65);
      dt.items.add(new File([body], f.name, { type: f.type }));
    }
    return dt;
  }, files);
  await target.dispatchEvent('drop', { dataTransfer: dt });
}

export async function openHistoryEntry(page: Page, text: string): Promise<void> {
  await page.getByRole('button', { name: 'История', exact: true }).click();
  await page.getByRole('option').filter({ hasText: text }).first().click();
}

/**
 * Calls a contract channel straight from the page, past the UI: through `window.operator` in
 * Electron, through the bridge in the harness. Answers the raw `Reply`.
 */
export async function callContract(
  page: Page,
  channel: string,
  input?: unknown,
): Promise<{ ok: boolean; value?: unknown; error?: Record<string, unknown> }> {
  return page.evaluate(
    async ([ch, inp]) => {
      const w = window as unknown as { operator?: Record<string, Record<string, (i?: unknown) => Promise<unknown>>> };
      const [area, method] = ch.split('.') as [string, string];
      if (w.operator) return w.operator[area]![method]!(inp) as Promise<{ ok: boolean }>;
      const res = await fetch(`./rpc/${ch}`, {
        method: 'POST',
        headers: { 'x-operator': '1', 'content-type': 'application/json' },
        ...(inp === undefined ? {} : { body: JSON.stringify(inp) }),
      });
      return res.json();
    },
    [channel, input] as const,
  );
}
