import { chromium, type Page } from '@playwright/test';
import { startHarness } from '../e2e/harness-process.ts';
import { chromiumArgs, findChromium } from '../e2e/targets.ts';
import { stats, type Stats } from './stats.ts';

async function composerReady(page: Page): Promise<number> {
  await page.waitForFunction(() => performance.getEntriesByName('operator:composer-ready').length > 0, undefined, { timeout: 30_000 });
  return page.evaluate(() => performance.getEntriesByName('operator:composer-ready')[0]!.startTime);
}

export interface BrowserFigures {
  ttiCold: Stats;
  ttiWarm: Stats;
  scroll?: { frames: Stats; over50: number; rows: number };
}

/**
 * Time to a usable composer (from navigation start to the composer's first render with an
 * account), cold (a fresh browser context, empty cache) and warm (a reload); and, with a seeded
 * history, frame times while scrolling it.
 */
export async function benchBrowser(
  dataDir: string,
  opts: { runs?: number; scrollFrames?: number; rows?: number } = {},
): Promise<BrowserFigures> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('No Chromium: apt-get install chromium');
  const harness = await startHarness(dataDir);
  const browser = await chromium.launch({ executablePath, args: chromiumArgs });
  try {
    const setup = await browser.newPage();
    await setup.goto(harness.url);
    await setup.evaluate(() =>
      fetch('./rpc/accounts.createSandbox', { method: 'POST', headers: { 'x-operator': '1' } }).then((r) => r.json()),
    );
    await setup.close();

    const runs = opts.runs ?? 7;
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 820 } });
      const page = await context.newPage();
      await page.goto(harness.url);
      cold.push(await composerReady(page));
      await page.reload();
      warm.push(await composerReady(page));
      await context.close();
    }
    const result: BrowserFigures = { ttiCold: stats(cold), ttiWarm: stats(warm) };

    if (opts.scrollFrames) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
      await page.goto(harness.url);
      await composerReady(page);
      await page.getByRole('button', { name: 'История' }).click();
      await page.locator('[data-send-id]').first().waitFor();
      const frames = await page.evaluate(async (n) => {
        const el = document.querySelector<HTMLElement>('[data-testid="history-scroll"]')!;
        const deltas: number[] = [];
        let last = performance.now();
        for (let i = 0; i < n; i++) {
          await new Promise<void>((r) => requestAnimationFrame(() => r()));
          const now = performance.now();
          deltas.push(now - last);
          last = now;
          el.scrollTop += 240;
        }
        return deltas.slice(5);
      }, opts.scrollFrames);
      const rows = await page.locator('[data-testid="history-count"]').textContent();
      result.scroll = {
        frames: stats(frames),
        over50: frames.filter((d) => d > 50).length,
        rows: Number(/\d+/.exec(rows ?? '')?.[0] ?? 0),
      };
      await page.close();
    }
    return result;
  } finally {
    await browser.close();
    await harness.stop();
  }
}
