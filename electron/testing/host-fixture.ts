import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccountCreate, AccountView } from '../../shared/accounts.ts';
import type { Reply } from '../../shared/contract.ts';
import { createHost, type Host, type HostOptions } from '../host.ts';
import { confSettings } from '../vault/conf-settings.ts';
import { keyedSecretBox, type SecretBox } from '../vault/secret-box.ts';
import { capturingLog } from './capturing-log.ts';

/**
 * A real host on a temp data directory, as tests and the harness build it. Its log lines are kept
 * in `log.lines` rather than printed, so a test run stays quiet and a test can assert a line.
 */
export async function testHost(
  opts: Pick<HostOptions, 'clock' | 'sandbox' | 'timeoutMs' | 'killPoint' | 'historyConnection' | 'team' | 'evidenceTiming'> & {
    dataDir?: string;
    secretBox?: SecretBox;
  } = {},
): Promise<Host & { dataDir: string; log: ReturnType<typeof capturingLog>; dispose(): Promise<void> }> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'operator-host-'));
  const log = capturingLog();
  const host = await createHost({
    log,
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
    log,
    async dispose() {
      await host.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

export type TestHost = Awaited<ReturnType<typeof testHost>>;

/**
 * How most host-level tests open: `sim` started, a test host, and one account on the simulator.
 * `stop` closes the host and the simulator.
 */
export async function hostWithAccount(
  sim: { start(): Promise<string>; stop(): Promise<void> },
  account: Omit<AccountCreate, 'baseUrl'>,
  opts: Parameters<typeof testHost>[0] = {},
): Promise<{ host: TestHost; account: AccountView; baseUrl: string; stop: () => Promise<void> }> {
  const baseUrl = await sim.start();
  const host = await testHost(opts);
  return {
    host,
    account: await ok<AccountView>(host.dispatch('accounts.create', { ...account, baseUrl })),
    baseUrl,
    stop: async () => {
      await host.dispose();
      await sim.stop();
    },
  };
}

/** A dispatch's value, or the test fails with the host's own words. */
export function value<T>(r: Reply): T {
  if (!r.ok) throw new Error(`${r.error.kind}: ${r.error.message}`);
  return r.value as T;
}

/** {@link value} of a dispatch still in flight. */
export async function ok<T>(p: Promise<Reply>): Promise<T> {
  return value<T>(await p);
}
