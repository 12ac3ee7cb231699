import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { useProxyFromEnv } from '../app/env-proxy.ts';
import { createHost } from '../host.ts';
import { confSettings } from '../vault/conf-settings.ts';
import { keyedSecretBox } from '../vault/secret-box.ts';
import { startBridge } from './bridge.ts';

/**
 * `npm run web`: the real host and the built renderer on 127.0.0.1, for development and the
 * end-to-end tests. PORT and OPERATOR_DATA_DIR come from the environment.
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
  ...(process.env.OPERATOR_TIMEOUT_MS ? { timeoutMs: Number(process.env.OPERATOR_TIMEOUT_MS) } : {}),
});
const bridge = await startBridge(host, { staticDir, port });
console.log(`Operator console (browser harness) on ${bridge.url}`);
console.log(`Data directory: ${dataDir}`);

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
