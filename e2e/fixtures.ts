import { test as base, chromium, _electron, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness } from './harness-process.ts';
import { chromiumArgs, electronSkipReason, findChromium, findElectron, root } from './targets.ts';

export type Target = 'harness' | 'electron';

/** A running app: its page, its data directory, and a way to restart it on the same data. */
export interface RunningApp {
  page: Page;
  dataDir: string;
  restart(): Promise<Page>;
  /** Kills the host process outright (SIGKILL: no shutdown, nothing flushed) and starts it again on the same data. */
  kill(): Promise<Page>;
  /** Everything the host process printed (stdout and stderr) so far. */
  logs(): string;
}

let harnessLog = '';

/**
 * The same specs run on both targets: the built renderer in Chromium through the harness's
 * loopback bridge, and the real Electron app where its binary is installed.
 */
export function appTest(target: Target) {
  return base.extend<{ app: RunningApp }>({
    // oxlint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern, so it must be there even when empty
    app: async ({}, use, testInfo) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'operator-e2e-'));
      if (target === 'electron') {
        const executablePath = findElectron();
        testInfo.skip(!executablePath, electronSkipReason);
        const launch = () =>
          _electron.launch({ executablePath: executablePath!, args: [root], env: { ...process.env, OPERATOR_DATA_DIR: dataDir } });
        let app = await launch();
        let electronLog = '';
        app.process().stdout?.on('data', (d: Buffer) => (electronLog += d.toString()));
        app.process().stderr?.on('data', (d: Buffer) => (electronLog += d.toString()));
        const relaunch = async () => {
          app = await launch();
          running.page = await app.firstWindow();
          return running.page;
        };
        const running: RunningApp = {
          logs: () => electronLog,
          page: await app.firstWindow(),
          dataDir,
          async restart() {
            await app.close();
            return relaunch();
          },
          async kill() {
            const proc = app.process();
            const exited = new Promise((resolve) => proc.once('exit', resolve));
            proc.kill('SIGKILL');
            await exited;
            return relaunch();
          },
        };
        await use(running);
        await app.close();
      } else {
        const executablePath = findChromium();
        if (!executablePath) throw new Error('No Chromium found: install it with `apt-get install chromium` or set CHROMIUM_PATH.');
        const browser = await chromium.launch({ executablePath, args: chromiumArgs });
        const context = await browser.newContext({ locale: 'ru-RU', viewport: { width: 1280, height: 820 } });
        harnessLog = '';
        const start = (port?: number) =>
          startHarness(dataDir, { ...(port ? { port } : {}), env: { OPERATOR_TIMEOUT_MS: '5000' }, onOutput: (t) => (harnessLog += t) });
        let harness = await start();
        // Back on the same port, so the page's address stays right.
        const restartOnSamePort = async () => {
          harness = await start(harness.port);
          await running.page.goto(harness.url);
          return running.page;
        };
        const running: RunningApp = {
          logs: () => harnessLog,
          page: await context.newPage(),
          dataDir,
          async restart() {
            await harness.stop();
            return restartOnSamePort();
          },
          async kill() {
            const exited = new Promise((resolve) => harness.proc.once('exit', resolve));
            harness.proc.kill('SIGKILL');
            await exited;
            return restartOnSamePort();
          },
        };
        await running.page.goto(harness.url);
        await use(running);
        await browser.close();
        await harness.stop();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

export const targets: Target[] = ['harness', 'electron'];
export { electronSkipReason };
