import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { TeamLinkFactory } from './link.ts';

/**
 * The team link (NATS) is bundled beside main.js (dist-electron/team-link.js) when the build found the
 * team package installed; the desktop's own install never carries the team client's packages. Without
 * that file the desktop has no team mode and works alone, exactly as before team mode existed.
 */
export async function loadBundledTeamLink(
  file: string,
  warn: (message: string) => void,
): Promise<{ factory: TeamLinkFactory } | undefined> {
  if (!existsSync(file)) return undefined;
  try {
    const mod: { connectTeamLink?: unknown } = await import(/* @vite-ignore */ pathToFileURL(file).href);
    if (typeof mod.connectTeamLink === 'function') return { factory: mod.connectTeamLink as TeamLinkFactory };
    warn(`team mode off: ${file} exports no connectTeamLink`);
  } catch (e) {
    warn(`team mode off: ${file} did not load (${e instanceof Error ? e.message : String(e)})`);
  }
  return undefined;
}
