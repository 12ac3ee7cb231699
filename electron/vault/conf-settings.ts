import Conf from 'conf';
import type { SettingsStore } from './accounts.ts';

/**
 * The settings file outside Electron (tests, the browser harness): `conf` is what electron-store
 * is built on, so the file is the same `config.json` in the same data directory.
 */
export function confSettings(dataDir: string): SettingsStore {
  const conf = new Conf<Record<string, unknown>>({
    cwd: dataDir,
    configName: 'config',
    projectName: 'operator-console',
    projectSuffix: '',
  });
  return { get: (k) => conf.get(k), set: (k, v) => conf.set(k, v) };
}
