import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { MainLanguage } from './strings.ts';

/** The settings file electron-store (and conf, outside Electron) keep in the data folder. */
export const CONFIG_FILE = 'config.json';

function readConfig(dataDir: string): { state: 'absent' } | { state: 'ok'; value: Record<string, unknown> } | { state: 'corrupt' } {
  const file = join(dataDir, CONFIG_FILE);
  if (!existsSync(file)) return { state: 'absent' };
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return { state: 'ok', value: value as Record<string, unknown> };
  } catch {
    // Falls through: a file that is not one JSON object is as unusable as unreadable JSON.
  }
  return { state: 'corrupt' };
}

/**
 * A settings file that does not parse (cut short by a power loss, edited by hand) is renamed, never
 * deleted or overwritten: it holds the accounts, and support may recover them from it. Returns the
 * new name, or nothing when the file was fine or absent.
 */
export function setAsideCorruptConfig(dataDir: string, now: number): string | undefined {
  if (readConfig(dataDir).state !== 'corrupt') return undefined;
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  const name = `config.corrupt-${stamp}.json`;
  renameSync(join(dataDir, CONFIG_FILE), join(dataDir, name));
  return name;
}

/** The operator's language as saved, read without the settings store so even a failed start speaks it. */
export function savedLanguage(dataDir: string): MainLanguage {
  try {
    const config = readConfig(dataDir);
    return config.state === 'ok' && config.value.language === 'en' ? 'en' : 'ru';
  } catch {
    return 'ru';
  }
}
