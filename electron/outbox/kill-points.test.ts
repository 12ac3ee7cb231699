import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SendSummary } from '../../shared/sends.ts';
import { DiadocSimulator } from '../sandbox/diadoc.ts';
import { GreenApiV1Simulator } from '../sandbox/green-api-v1.ts';
import { MarketSimulator } from '../sandbox/market.ts';
import { PachcaSimulator } from '../sandbox/pachca.ts';
import type { Fault, SimServer } from '../sandbox/server.ts';
import type { KillAction, KillConfig, KillProvider } from '../testing/kill-driver.ts';
import { plainPreview } from '../../shared/send-labels.ts';

const TOKEN = 'kill-point-token-7c7c7c7c';
const DRIVER = join(import.meta.dirname, '../testing/kill-driver.ts');
const PROVIDERS: KillProvider[] = ['greenapi', 'pachca', 'market', 'diadoc'];
/** The host's own kill points on a send's way, plus the moment the simulator holds the whole body (the host killed from outside). */
const SEND_POINTS = [
  'before_write_ahead_commit',
  'after_write_ahead_commit',
  'before_start_commit',
  'after_body_sent',
  'after_answer',
  'before_final_commit',
] as const;

interface Scenario {
  provider: KillProvider;
  action: KillAction;
  point: string;
  skip?: number;
  powerCut?: boolean;
}

interface Verdict {
  provider: string;
  point: string;
  lost: number;
  duplicated: number;
  wrong: string[];
  statuses: string;
}

function node(
  args: string[],
  env: Record<string, string>,
): { proc: ChildProcess; out: Promise<{ code: number | null; signal: string | null; text: string }> } {
  const proc = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  proc.stdout.on('data', (d: Buffer) => (text += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (text += d.toString()));
  // A run that hangs fails with what it printed, rather than the whole matrix timing out blind.
  const guard = setTimeout(() => {
    text += '\n[kill-points] stopped after 90 s';
    proc.kill('SIGTERM');
  }, 90_000);
  return {
    proc,
    out: new Promise((r) =>
      proc.on('exit', (code, signal) => {
        clearTimeout(guard);
        r({ code, signal: signal === 'SIGTERM' ? 'TIMEOUT' : signal, text });
      }),
    ),
  };
}

/** Runs at most `n` at a time: the machine has two cores. */
async function pooled<T, R>(items: readonly T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

describe('the send pipeline killed where it hurts', () => {
  const sims = {
    greenapi: new GreenApiV1Simulator({ tokens: [TOKEN] }),
    pachca: new PachcaSimulator({ tokens: [TOKEN] }),
    market: new MarketSimulator({ tokens: [TOKEN] }),
    diadoc: new DiadocSimulator({ tokens: [TOKEN] }),
  };
  const servers: Record<KillProvider, SimServer> = {
    greenapi: sims.greenapi.server,
    pachca: sims.pachca.server,
    market: sims.market.server,
    diadoc: sims.diadoc.server,
  };
  let urls: Record<KillProvider, string>;
  /** What each key's run wants of the simulator when its request arrives. */
  const onArrival = new Map<string, () => Fault | undefined>();
  const root = mkdtempSync(join(tmpdir(), 'kill-points-'));

  beforeAll(async () => {
    urls = {
      greenapi: await sims.greenapi.start(),
      pachca: await sims.pachca.start(),
      market: await sims.market.start(),
      diadoc: await sims.diadoc.start(),
    };
    for (const server of Object.values(servers))
      server.chooseFault = (req) => {
        const key = /\[k\d+\]/.exec(req.body.toString('utf8'))?.[0];
        return key ? onArrival.get(key)?.() : undefined;
      };
  });
  afterAll(async () => {
    await Promise.all(Object.values(sims).map((s) => s.stop()));
    rmSync(root, { recursive: true, force: true });
  });

  const created = (key: string): number =>
    [
      ...sims.greenapi.messages.map((m) => m.body),
      ...sims.pachca.messages.map((m) => m.content),
      ...sims.market.messages.map((m) => m.text),
      ...sims.diadoc.messages.map((m) => m.documents.map((d) => d.comment ?? '').join(' ')),
    ].filter((t) => t.includes(key)).length;
  const received = (key: string): number =>
    Object.values(servers).reduce((n, s) => n + s.received.filter((r) => r.body.toString('utf8').includes(key)).length, 0);

  let counter = 0;
  async function run(sc: Scenario): Promise<Verdict> {
    const key = `[k${++counter}]`;
    const dataDir = join(root, `run-${counter}`);
    const copyDir = join(root, `run-${counter}-power-cut`);
    const configFile = join(root, `run-${counter}.json`);
    const config: KillConfig = { dataDir, urls, token: TOKEN, provider: sc.provider, action: sc.action, key, timeoutMs: 1500 };
    writeFileSync(configFile, JSON.stringify(config));
    const env: Record<string, string> = {
      KILL_CONFIG: configFile,
      ...(sc.point !== 'none' && sc.point !== 'after_body_sent' ? { OPERATOR_KILL_AT: sc.point } : {}),
      ...(sc.skip ? { OPERATOR_KILL_SKIP: String(sc.skip) } : {}),
      ...(sc.powerCut ? { OPERATOR_POWER_CUT_COPY: copyDir } : {}),
    };
    const trigger = join(root, `run-${counter}.lock-now`);
    let locker: ChildProcess | undefined;
    if (sc.action === 'locked') {
      const script = `
        const fs = require('node:fs');
        const [file, trigger] = process.argv.slice(1);
        const poll = setInterval(() => {
          if (!fs.existsSync(trigger)) return;
          clearInterval(poll);
          const db = new (require('node:sqlite').DatabaseSync)(file);
          db.exec('PRAGMA busy_timeout = 5000; BEGIN IMMEDIATE');
          db.exec("INSERT INTO state (key, value) VALUES ('held', '1') ON CONFLICT(key) DO UPDATE SET value = '2'");
          setInterval(() => {}, 1000);
        }, 5);`;
      locker = spawn(process.execPath, ['-e', script, join(dataDir, 'history.sqlite'), trigger], { stdio: 'ignore' });
    }
    const act = node([DRIVER], env);
    let refusals = sc.action === 'send_again' ? 1 : 0;
    onArrival.set(key, () => {
      if (refusals-- > 0)
        return {
          status: 403,
          body: { error: 'forbidden', message: 'refused for the test' },
          headers: { 'content-type': 'application/json' },
        };
      // Only the first arrival: a repeat after recovery (Diadoc, by key) is answered as usual.
      if (sc.point === 'after_body_sent' && received(key) === 1) {
        act.proc.kill('SIGKILL');
        return { delayMs: 3000 };
      }
      // Once: a repeat by key (Diadoc) then finds the message already made.
      if (sc.action === 'bad_gateway' && received(key) === 1) return { statusAfterProcessing: 502 };
      if (sc.action === 'locked') {
        // The locker is already running; this tells it to take the lock while the answer is held back.
        writeFileSync(trigger, '');
        return { delayMs: 1200 };
      }
      return undefined;
    });
    const first = await act.out;
    if (locker) {
      const gone = new Promise((r) => locker.once('exit', r));
      locker.kill('SIGKILL');
      await gone;
    }
    if (first.code !== 0 && first.signal !== 'SIGKILL')
      throw new Error(`driver failed (${sc.provider} ${sc.action} ${sc.point}):\n${first.text}`);
    const again = await node([DRIVER], { ...env, KILL_PHASE: 'recover' }).out;
    const line = /RESULT (.*)/.exec(again.text)?.[1];
    if (!line) throw new Error(`recovery failed (${sc.provider} ${sc.action} ${sc.point}):\n${again.text}`);
    const rows = (JSON.parse(line) as SendSummary[]).filter((s) => plainPreview(s.preview).includes(key));
    const made = created(key);
    const arrived = received(key);
    const settled = rows.some((s) => s.status === 'sent' || s.status === 'outcome_unknown');
    const wrong: string[] = [];
    for (const s of rows) {
      if (['pending', 'sending', 'waiting'].includes(s.status)) wrong.push(`left ${s.status}`);
      if (s.status === 'sent' && made === 0) wrong.push('sent but never created');
      if (s.status === 'outcome_unknown' && arrived === 0) wrong.push('unknown though nothing arrived');
      if (s.status === 'failed' && made > 0 && !settled) wrong.push('failed though created');
      if (s.unrecorded) wrong.push('still unrecorded');
    }
    if (sc.action === 'cancel' && rows.some((s) => s.status === 'cancelled') && arrived > 0) wrong.push('cancelled yet sent');
    onArrival.delete(key);
    return {
      provider: sc.provider,
      point: `${sc.action === 'send' ? '' : `${sc.action} `}${sc.point}${sc.powerCut ? ' (power cut)' : ''}`,
      lost: made > 0 && !settled ? made : 0,
      duplicated: Math.max(0, made - 1),
      wrong,
      statuses: rows.map((s) => s.status).join('+') || '(not written)',
    };
  }

  function report(title: string, verdicts: Verdict[]): void {
    const lines = verdicts.map(
      (v) =>
        `${v.provider.padEnd(9)} ${v.point.padEnd(48)} lost ${v.lost}  duplicated ${v.duplicated}  ${v.statuses}${v.wrong.length ? `  WRONG: ${v.wrong.join(', ')}` : ''}`,
    );
    console.log(`${title}\n${lines.join('\n')}`);
  }

  it(
    'loses nothing and duplicates nothing at any kill point, for every provider, in cancel, reschedule, send again, a 5xx after processing, a full disk and a locked database',
    { timeout: 900_000 },
    async () => {
      const scenarios: Scenario[] = [
        ...PROVIDERS.flatMap((provider) => SEND_POINTS.map((point): Scenario => ({ provider, action: 'send', point }))),
        ...PROVIDERS.map((provider): Scenario => ({ provider, action: 'bad_gateway', point: 'none' })),
        { provider: 'greenapi', action: 'cancel', point: 'after_cancel_commit' },
        { provider: 'pachca', action: 'reschedule', point: 'after_reschedule_commit' },
        { provider: 'market', action: 'send_again', point: 'after_write_ahead_commit', skip: 1 },
        { provider: 'greenapi', action: 'send_again', point: 'after_answer', skip: 1 },
        { provider: 'greenapi', action: 'disk_full', point: 'none' },
        { provider: 'pachca', action: 'locked', point: 'none' },
      ];
      const verdicts = await pooled(scenarios, 2, run);
      report('kill-point matrix:', verdicts);
      expect(verdicts.reduce((n, v) => n + v.lost, 0)).toBe(0);
      expect(verdicts.reduce((n, v) => n + v.duplicated, 0)).toBe(0);
      expect(verdicts.filter((v) => v.wrong.length)).toEqual([]);
      // Where the body may have arrived and the answer was lost, the operator is asked, unless the provider is idempotent by key.
      for (const v of verdicts.filter(
        (v) => v.point === 'after_body_sent' || v.point === 'after_answer' || v.point === 'before_final_commit',
      ))
        expect(v.statuses, `${v.provider} ${v.point}`).toBe(v.provider === 'diadoc' ? 'sent' : 'outcome_unknown');
      for (const v of verdicts.filter((v) => v.point.startsWith('bad_gateway')))
        expect(v.statuses, `${v.provider} ${v.point}`).toBe(v.provider === 'diadoc' ? 'sent' : 'outcome_unknown');
      for (const v of verdicts.filter((v) => ['after_write_ahead_commit', 'before_start_commit'].includes(v.point)))
        expect(v.statuses).toBe('sent');
      expect(verdicts.filter((v) => v.point === 'before_write_ahead_commit').map((v) => v.statuses)).toEqual(
        PROVIDERS.map(() => '(not written)'),
      );
    },
  );

  it(
    'after a simulated power cut (the files copied at the kill point, no checkpoint) the copy opens and holds the same truth',
    { timeout: 900_000 },
    async () => {
      const points = ['after_write_ahead_commit', 'before_start_commit', 'after_answer', 'before_final_commit'];
      const scenarios = PROVIDERS.flatMap((provider) =>
        points.map((point): Scenario => ({ provider, action: 'send', point, powerCut: true })),
      );
      const verdicts = await pooled(scenarios, 2, run);
      report('power-cut copies:', verdicts);
      expect(verdicts.reduce((n, v) => n + v.lost, 0)).toBe(0);
      expect(verdicts.reduce((n, v) => n + v.duplicated, 0)).toBe(0);
      expect(verdicts.filter((v) => v.wrong.length)).toEqual([]);
    },
  );
});
