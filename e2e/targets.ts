import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where the end-to-end specs can run: the browser harness in Chromium, and real Electron. */
export const root = resolve(import.meta.dirname, '..');

const chromiumCandidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return chromiumCandidates.find((p) => existsSync(p));
}

/** The Electron binary that `npm install electron` would have downloaded, if it is there. */
export function findElectron(): string | undefined {
  const pkg = join(root, 'node_modules', 'electron');
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  let rel = 'electron';
  try {
    rel = readFileSync(join(pkg, 'path.txt'), 'utf8');
  } catch {
    if (!override) return undefined;
  }
  const bin = override ? join(override, rel) : join(pkg, 'dist', rel);
  return existsSync(bin) ? bin : undefined;
}

export const electronSkipReason =
  'Electron binary not installed (node_modules/electron/dist is empty: its download is blocked on this machine). Run `npx install-electron` where the network allows it to run this path.';

/** The flags a closed-network, root, headless machine needs (see the env notes). */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
