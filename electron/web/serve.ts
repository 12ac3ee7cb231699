import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { useProxyFromEnv } from '../app/env-proxy.ts';
import { createHost } from '../host.ts';
import { loadBundledTeamLink } from '../team/bundled-link.ts';
import { confSettings } from '../vault/conf-settings.ts';
import { keyedSecretBox } from '../vault/secret-box.ts';
import { startBridge } from './bridge.ts';

/**
 * `npm run web`: the real host and the built renderer on 127.0.0.1, for development and the
 * end-to-end tests. PORT and OPERATOR_DATA_DIR come from the environment. Team mode is wired as
 * main.ts wires it: the team link the build bundled beside main.js (dist-electron/team-link.js),
 * when there is one, goes to the host; without it the harness has no team mode, as the app has none.
 */
const root = resolve(import.meta.dirname, '../..');
const dataDir = resolve(process.env.OPERATOR_DATA_DIR ?? join(root, '.tmp', 'web-data'));
const port = Number(process.env.PORT ?? 0);
const staticDir = join(root, 'renderer', 'dist');
if (!existsSync(join(staticDir, 'index.html'))) {
  console.error('The renderer is not built: run `npm run build:renderer` (or `npm run web`, which builds it).');
  process.exit(1);
}
mkdirSync(dataDir, { recursive: true });
// The harness has no OS keychain: its key lives beside the data, which is honest for a test tool only.
const keyFile = join(dataDir, 'harness.key');
if (!existsSync(keyFile)) writeFileSync(keyFile, randomBytes(32), { mode: 0o600 });
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
// Node's fetch carries the provider calls here: it follows HTTP(S)_PROXY/NO_PROXY only when told.
useProxyFromEnv();
const host = await createHost({
  dataDir,
  settings: confSettings(dataDir),
  secretBox: keyedSecretBox(readFileSync(keyFile)),
  version: pkg.version,
  readSideBackground: true,
  team: await loadBundledTeamLink(join(root, 'dist-electron', 'team-link.js'), (m) => console.warn(`[team.link] ${m}`)),
  ...(process.env.OPERATOR_TIMEOUT_MS ? { timeoutMs: Number(process.env.OPERATOR_TIMEOUT_MS) } : {}),
});
const bridge = await startBridge(host, { staticDir, port });
console.log(`Operator console (browser harness) on ${bridge.url}`);
console.log(`Data directory: ${dataDir}`);
console.log(
  host.team ? 'Team mode: available (dist-electron/team-link.js)' : 'Team mode: not in this build (no dist-electron/team-link.js)',
);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await bridge.close();
  await host.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
