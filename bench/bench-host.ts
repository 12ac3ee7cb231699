import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reply } from '../shared/contract.ts';
import { createHost, type Host, type HostOptions } from '../electron/host.ts';
import { confSettings } from '../electron/vault/conf-settings.ts';
import { keyedSecretBox } from '../electron/vault/secret-box.ts';

/** The reply's value; a refusal stops the benchmark with the reason. */
export function value<T>(r: Reply): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value as T;
}

/** A real host on a fresh data directory, with no in-process simulators (they run in their own process). */
export async function benchHost(
  name: string,
  timeoutMs?: number,
  team?: HostOptions['team'],
): Promise<{ host: Host; dataDir: string; dispose: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  const host = await createHost({
    dataDir,
    settings: confSettings(dataDir),
    secretBox: keyedSecretBox(),
    version: 'bench',
    sandbox: false,
    ...(timeoutMs ? { timeoutMs } : {}),
    ...(team ? { team } : {}),
  });
  return {
    host,
    dataDir,
    async dispose() {
      await host.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
