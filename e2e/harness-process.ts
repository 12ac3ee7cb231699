import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { root } from './targets.ts';

export interface HarnessProcess {
  url: string;
  port: number;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/**
 * `npm run web`'s server in a child process on a data directory, as the e2e specs and the
 * benchmark start it; `onOutput` receives everything it prints.
 */
export async function startHarness(
  dataDir: string,
  opts: { port?: number; env?: Record<string, string>; onOutput?: (text: string) => void } = {},
): Promise<HarnessProcess> {
  const proc = spawn(process.execPath, [join(root, 'electron/web/serve.ts')], {
    env: { ...process.env, PORT: String(opts.port ?? 0), OPERATOR_DATA_DIR: dataDir, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    opts.onOutput?.(d.toString());
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      opts.onOutput?.(d.toString());
      const m = /on (http:\/\/127\.0\.0\.1:\d+\/\S*\?token=\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    proc.once('exit', (code) => reject(new Error(`harness exited with ${code}: ${err}`)));
  });
  return {
    url,
    port: Number(new URL(url).port),
    proc,
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

/**
 * Calls a contract channel of a harness from the test process, as its page would: the token as
 * the harness's cookie, under its secret path, with the header a cross-site form cannot send.
 */
export async function harnessCall<T>(h: HarnessProcess, channel: string, input?: unknown): Promise<T> {
  const u = new URL(h.url);
  const token = u.searchParams.get('token') ?? '';
  const res = await fetch(new URL(`rpc/${channel}`, `${u.origin}${u.pathname}`), {
    method: 'POST',
    headers: { cookie: `op_token_${u.port}=${token}`, 'x-operator': '1', 'content-type': 'application/json' },
    ...(input === undefined ? {} : { body: JSON.stringify(input) }),
  });
  const reply = (await res.json()) as { ok: boolean; value?: T; error?: { message?: string } };
  if (!reply.ok) throw new Error(`${channel}: ${reply.error?.message ?? res.status}`);
  return reply.value as T;
}

/** Hands a file to a harness as a dropped file reaches it (`POST /upload`); answers its file handle. */
export async function harnessUpload(h: HarnessProcess, name: string, content: string): Promise<{ id: string }> {
  const u = new URL(h.url);
  const token = u.searchParams.get('token') ?? '';
  const body = Buffer.from(content);
  const res = await fetch(new URL(`upload?name=${encodeURIComponent(name)}`, `${u.origin}${u.pathname}`), {
    method: 'POST',
    headers: { cookie: `op_token_${u.port}=${token}`, 'x-operator': '1', 'content-length': String(body.length) },
    body,
  });
  const reply = (await res.json()) as { ok: boolean; value?: { id: string }; error?: { message?: string } };
  if (!reply.ok || !reply.value) throw new Error(`upload: ${reply.error?.message ?? res.status}`);
  return reply.value;
}
