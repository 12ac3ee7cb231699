import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../clock.ts';
import { createHost, type Host, type HostOptions } from '../host.ts';
import { confSettings } from '../vault/conf-settings.ts';
import { keyedSecretBox } from '../vault/secret-box.ts';

/** A real host on a temp data directory, as tests and the harness build it. */
export async function testHost(
  opts: { clock?: Clock; sandbox?: boolean; dataDir?: string; timeoutMs?: number; team?: HostOptions['team'] } = {},
): Promise<Host & { dataDir: string; dispose(): Promise<void> }> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'operator-host-'));
  const host = await createHost({
    dataDir,
    settings: confSettings(dataDir),
    secretBox: keyedSecretBox(Buffer.alloc(32, 7)),
    version: '0.0.0-test',
    sandbox: opts.sandbox ?? false,
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.team ? { team: opts.team } : {}),
  });
  return Object.assign(host, {
    dataDir,
    async dispose() {
      await host.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  });
}
