import { client } from '../api.ts';

/**
 * Copies through the main process, which owns the system clipboard (the app page has no
 * clipboard permission). The browser harness has no main process clipboard, so there the page
 * copies itself.
 */
export async function copyText(text: string): Promise<void> {
  const { copied } = await client.app.copy({ text });
  if (!copied) await navigator.clipboard.writeText(text);
}
