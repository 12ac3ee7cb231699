import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { electronSkipReason, findElectron, root } from '../e2e/targets.ts';

/**
 * `npm start`: the built app in Electron. Electron 45 fetches its binary on first use rather
 * than at install, so this fetches it when missing; where that is blocked it says so in one line.
 */
let electron = findElectron();
if (!electron) {
  console.log('npm start: fetching the Electron binary (first start only)…');
  spawnSync(process.execPath, [join(root, 'node_modules/electron/install.js')], { stdio: 'inherit' });
  electron = findElectron();
}
if (!electron) {
  console.error(`npm start: ${electronSkipReason} Meanwhile \`npm run web\` runs the same app in a browser.`);
  process.exit(1);
}
const child = spawn(electron, [root], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
