import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface SimProcess {
  urls: { greenapi: string; pachca: string; market: string; diadoc: string };
  token: string;
  stop(): Promise<void>;
}

/** The four simulators in a child process, so the host's memory and CPU are measured alone. */
export async function startSimProcess(token = 'bench-token-0000', opts: { marketChats?: number } = {}): Promise<SimProcess> {
  const proc: ChildProcess = spawn(process.execPath, [join(import.meta.dirname, '../electron/testing/sim-process.ts')], {
    env: { ...process.env, SIM_TOKEN: token, ...(opts.marketChats ? { SIM_MARKET_CHATS: String(opts.marketChats) } : {}) },
    // stdin is a pipe held by this process: its end tells the simulators their parent is gone.
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const urls = await new Promise<SimProcess['urls']>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /SIMS (\{.*\})/.exec(out);
      if (m) resolve(JSON.parse(m[1]!) as SimProcess['urls']);
    });
    proc.once('exit', (code) => reject(new Error(`simulators exited with ${code}`)));
  });
  return {
    urls,
    token,
    stop: () =>
      new Promise((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}
