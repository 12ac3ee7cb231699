import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { electronSkipReason, findChromium, findElectron, root } from '../e2e/targets.ts';

/**
 * Runs the end-to-end specs. Without Chromium it says in one line how to get one instead of
 * failing obscurely; without the Electron binary the Electron path is skipped, with its reason.
 */
const chromium = findChromium();
const electron = findElectron();
if (!chromium) {
  console.error(
    'e2e: no Chromium found — install it with `sudo apt-get install chromium` (or set CHROMIUM_PATH to a Chromium binary), then run `npm test` again.',
  );
  process.exit(1);
}
console.log(`e2e: browser harness in ${chromium}`);
console.log(electron ? `e2e: Electron path with ${electron}` : `e2e: Electron path skipped — ${electronSkipReason}`);
const r = spawnSync(
  process.execPath,
  [join(root, 'node_modules/@playwright/test/cli.js'), 'test', '-c', join(root, 'e2e/playwright.config.ts'), ...process.argv.slice(2)],
  { stdio: 'inherit', cwd: root },
);
process.exit(r.status ?? 1);
