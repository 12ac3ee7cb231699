import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost, type Host, type HostOptions } from '../host.ts';
import { confSettings } from '../vault/conf-settings.ts';
import { keyedSecretBox, type SecretBox } from '../vault/secret-box.ts';

/** A real host on a temp data directory, as tests and the harness build it. */
export async function testHost(
  opts: Pick<HostOptions, 'clock' | 'sandbox' | 'timeoutMs' | 'killPoint' | 'historyConnection' | 'team' | 'evidenceTiming'> & {
    dataDir?: string;
    secretBox?: SecretBox;
  } = {},
): Promise<Host & { dataDir: string; dispose(): Promise<void> }> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'operator-host-'));
  const host = await createHost({
    dataDir,
    settings: confSettings(dataDir),
    secretBox: opts.secretBox ?? keyedSecretBox(Buffer.alloc(32, 7)),
    version: '0.0.0-test',
    sandbox: opts.sandbox ?? false,
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.team ? { team: opts.team } : {}),
    ...(opts.evidenceTiming ? { evidenceTiming: opts.evidenceTiming } : {}),
    ...(opts.killPoint ? { killPoint: opts.killPoint } : {}),
    ...(opts.historyConnection ? { historyConnection: opts.historyConnection } : {}),
  });
  return Object.assign(host, {
    dataDir,
    async dispose() {
      await host.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  });
}
