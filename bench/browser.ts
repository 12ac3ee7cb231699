import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import type { AccountView } from '../shared/accounts.ts';
import { DirectoryStore } from '../electron/readside/directory-store.ts';
import { startHarness } from '../e2e/harness-process.ts';
import { chromiumArgs, findChromium } from '../e2e/targets.ts';
import { seedDirectory } from './directory.ts';
import { stats, type Stats } from './stats.ts';

/** How long a page may take to load on a machine shared with other jobs (a full run once timed out at 30 s); the figures say how long it took. */
const LOADED_MS = 180_000;

async function composerReady(page: Page): Promise<number> {
  await page.waitForFunction(() => performance.getEntriesByName('operator:composer-ready').length > 0, undefined, { timeout: LOADED_MS });
  return page.evaluate(() => performance.getEntriesByName('operator:composer-ready')[0]!.startTime);
}

export interface BrowserFigures {
  ttiCold: Stats;
  ttiWarm: Stats;
  scroll?: { frames: Stats; over50: number; rows: number };
  picker?: PickerFigures;
}

export interface PickerFigures {
  /** Frames from a keystroke to the frame that paints its options: 1 = the very next frame. */
  frames: Stats;
  ms: Stats;
  keystrokes: number;
  withinOneFrame: number;
  /** Keystrokes whose options did not appear within 10 s. */
  missing: number;
  recipients: number;
  /** What the picker's own copy of the directory cost to have: loaded while the composer stands open, before the first keystroke. */
  copy?: CopyFigures;
}

export interface CopyFigures {
  rows: number;
  pages: number;
  /** From the first page asked for to the copy searchable (fetch, parse and filing, in slices between frames). */
  ms: number;
  /** The pages as they came over the harness bridge (JSON). */
  bytes: number;
  /** JS heap of the page after garbage collection, with the copy less without it. */
  heapBytes: number;
}

/** Words an operator types into the Market chat field, each from an empty field, one key at a time; no two share a first letter, so no keystroke is answered from an earlier one's cache. */
const PICKER_WORDS = ['Мария', 'Иван', 'Ольга', 'Сергей', 'Елена', 'Дмитрий', 'Наталья', 'Алексей', 'Юлия', 'Татьяна', '4503703', '+7 910'];

declare global {
  interface Window {
    __pickerWatch?: Promise<{ ms: number; frames: number }>;
  }
}

/**
 * Arms a watch in the page for the options answering `expected`: from the keystroke's keydown to
 * the moment the listbox says it answers that text, counting the animation frames in between.
 * The options are painted in the frame after the last one counted.
 */
function armWatch(page: Page, expected: string): Promise<void> {
  return page.evaluate((text) => {
    window.__pickerWatch = new Promise((resolve) => {
      let t0 = -1;
      let ticks = 0;
      const selector = `[role="listbox"][data-results-for="${CSS.escape(text)}"]`;
      const tick = () => {
        if (t0 < 0) return;
        ticks++;
        raf = requestAnimationFrame(tick);
      };
      let raf = 0;
      const finish = () => {
        if (t0 < 0 || !document.querySelector(selector)) return;
        const ms = performance.now() - t0;
        cancelAnimationFrame(raf);
        observer.disconnect();
        clearTimeout(timer);
        resolve({ ms, frames: ticks + 1 });
      };
      const observer = new MutationObserver(finish);
      observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-results-for'] });
      // A key outside the US layout arrives as text input alone (no keydown): whichever comes first starts the clock.
      const start = (e: Event) => {
        if (t0 >= 0) return;
        t0 = e.timeStamp;
        raf = requestAnimationFrame(tick);
      };
      window.addEventListener('keydown', start, { capture: true, once: true });
      window.addEventListener('beforeinput', start, { capture: true, once: true });
      // No options within 10 s is reported as such (NaN), not as a time.
      const timer = setTimeout(() => {
        observer.disconnect();
        cancelAnimationFrame(raf);
        resolve({ ms: NaN, frames: NaN });
      }, 10_000);
    });
  }, expected);
}

async function heapAfterGc(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usedSize;
}

/** Opens the Market composer and waits for the picker's copy of `rows` recipients, measuring what it cost. */
async function loadCopy(page: Page, rows: number): Promise<CopyFigures | undefined> {
  const before = await heapAfterGc(page);
  await page.getByRole('button', { name: 'Маркет' }).click();
  const copied = await page
    .waitForFunction(
      (n) => {
        const m = performance
          .getEntriesByName('operator:directory-copy')
          .find((e): e is PerformanceMeasure => e instanceof PerformanceMeasure && (e.detail as { rows: number }).rows >= n);
        if (!m) return undefined;
        const bytes = performance
          .getEntriesByType('resource')
          .filter((e): e is PerformanceResourceTiming => e.name.includes('recipients.snapshot'))
          .reduce((sum, e) => sum + e.encodedBodySize, 0);
        return { ms: m.duration, ...(m.detail as { rows: number; pages: number }), bytes };
      },
      rows,
      { timeout: LOADED_MS },
    )
    .then((h) => h.jsonValue())
    .catch(() => undefined);
  if (!copied) return undefined;
  return { ...copied, heapBytes: (await heapAfterGc(page)) - before };
}

async function benchPicker(page: Page, words: readonly string[]): Promise<{ frames: number[]; ms: number[]; missing: number }> {
  const field = page.getByRole('form', { name: 'Яндекс Маркет' }).getByRole('combobox', { name: 'ID чата с покупателем' });
  const frames: number[] = [];
  const ms: number[] = [];
  let missing = 0;
  for (const word of words) {
    await field.fill('');
    await field.focus();
    let typed = '';
    for (const ch of word) {
      typed += ch;
      await armWatch(page, typed);
      await page.keyboard.type(ch);
      const r = await page.evaluate(() => window.__pickerWatch!);
      if (Number.isNaN(r.ms)) missing++;
      else {
        frames.push(r.frames);
        ms.push(r.ms);
      }
      // An operator's pace between keys, and the frame painted before the next one.
      await page.waitForTimeout(60);
    }
  }
  return { frames, ms, missing };
}

/**
 * Time to a usable composer (from navigation start to the composer's first render with an
 * account), cold (a fresh browser context, empty cache) and warm (a reload); and, with a seeded
 * history, frame times while scrolling it.
 */
export async function benchBrowser(
  dataDir: string,
  opts: { runs?: number; scrollFrames?: number; rows?: number; pickerRecipients?: number; pickerWords?: number } = {},
): Promise<BrowserFigures> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('No Chromium: apt-get install chromium');
  const harness = await startHarness(dataDir);
  const browser = await chromium.launch({ executablePath, args: chromiumArgs });
  try {
    const setup = await browser.newPage();
    setup.setDefaultTimeout(LOADED_MS);
    await setup.goto(harness.url);
    const created = await setup.evaluate(() =>
      fetch('./rpc/accounts.createSandbox', { method: 'POST', headers: { 'x-operator': '1' } }).then(
        (r) => r.json() as Promise<{ ok: boolean; value?: AccountView[] }>,
      ),
    );
    const market = created.value?.find((a) => a.provider === 'market');
    if (opts.pickerRecipients && market) {
      // The sandbox's own refresh first, so no refresh runs while keystrokes are timed; then the
      // directory grows to the figure's size, marked newer than any refresh of this run would sweep.
      await setup.evaluate(
        (accountId) =>
          fetch('./rpc/recipients.refresh', {
            method: 'POST',
            headers: { 'x-operator': '1', 'content-type': 'application/json' },
            body: JSON.stringify({ accountId }),
          }).then((r) => r.json()),
        market.id,
      );
      const store = new DirectoryStore(join(dataDir, 'history.sqlite'));
      seedDirectory(store, market.id, opts.pickerRecipients, Number.MAX_SAFE_INTEGER);
      store.close();
    }
    await setup.close();

    const runs = opts.runs ?? 7;
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 820 } });
      const page = await context.newPage();
      page.setDefaultTimeout(LOADED_MS);
      await page.goto(harness.url);
      cold.push(await composerReady(page));
      await page.reload();
      warm.push(await composerReady(page));
      await context.close();
    }
    const result: BrowserFigures = { ttiCold: stats(cold), ttiWarm: stats(warm) };

    if (opts.scrollFrames) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
      page.setDefaultTimeout(LOADED_MS);
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
    if (opts.pickerRecipients) {
      if (!market) throw new Error('the sandbox made no Market account');
      const page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
      page.setDefaultTimeout(LOADED_MS);
      await page.goto(harness.url);
      await composerReady(page);
      const copy = await loadCopy(page, opts.pickerRecipients);
      const r = await benchPicker(page, PICKER_WORDS.slice(0, opts.pickerWords ?? PICKER_WORDS.length));
      result.picker = {
        frames: stats(r.frames),
        ms: stats(r.ms),
        keystrokes: r.frames.length + r.missing,
        withinOneFrame: r.frames.filter((f) => f <= 1).length,
        missing: r.missing,
        recipients: opts.pickerRecipients,
        ...(copy ? { copy } : {}),
      };
      await page.close();
    }
    return result;
  } finally {
    await browser.close();
    await harness.stop();
  }
}
