import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AccountView } from '../shared/accounts.ts';
import type { SendSummary } from '../shared/sends.ts';
import { benchHost, value } from './bench-host.ts';
import type { SimProcess } from './sims.ts';
import { stats, type Stats } from './stats.ts';

export interface LargeSendResult {
  name: string;
  payloadBytes: number;
  /** Over the repeats: peak growth of the process's resident memory while one send ran. */
  peakRssGrowth: Stats;
  /** The same for V8's heap plus buffers, garbage not yet collected included. */
  peakHeapGrowth: Stats;
  mbPerSecond: Stats;
}

/** Samples the process's memory while `work` runs; growth is measured from just before it. */
async function peakDuring(work: () => Promise<void>): Promise<{ rss: number; heap: number; ms: number }> {
  globalThis.gc?.();
  const base = process.memoryUsage();
  const baseHeap = base.heapUsed + base.arrayBuffers + base.external;
  let rss = 0;
  let heap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss - base.rss);
    heap = Math.max(heap, m.heapUsed + m.arrayBuffers + m.external - baseHeap);
  };
  const timer = setInterval(sample, 2);
  const t0 = performance.now();
  await work();
  const ms = performance.now() - t0;
  clearInterval(timer);
  sample();
  return { rss, heap, ms };
}

export type LargeKind = 'diadoc' | 'market';

/**
 * One kind of large send through the host, memory watched: 40 × 1 MB Diadoc documents, or one
 * 5 MB Market file. The same kind is sent once small first: the first request loads fetch's
 * own code and grows the heap once, which is the cost of a first send, not of a large one.
 */
export async function benchLargeSend(
  kind: LargeKind,
  sims: Pick<SimProcess, 'urls' | 'token'>,
  scale = 1,
  repeats = 5,
): Promise<LargeSendResult> {
  const { host, dataDir, dispose } = await benchHost(`large-${kind}`, 120_000);
  const account = value<AccountView>(
    await host.dispatch(
      'accounts.create',
      kind === 'diadoc'
        ? {
            name: 'Diadoc',
            baseUrl: sims.urls.diadoc,
            settings: { provider: 'diadoc', authScheme: 'bearer', fromBoxId: 'sandbox-box-from@diadoc.ru' },
            secrets: { token: sims.token },
          }
        : {
            name: 'Market',
            baseUrl: sims.urls.market,
            settings: { provider: 'market', businessId: '100500' },
            secrets: { token: sims.token },
          },
    ),
  );
  const file = async (name: string, bytes: number) => {
    const path = join(dataDir, name);
    writeFileSync(path, randomBytes(bytes));
    return (await host.files.register(path)).id;
  };
  const message = (files: string[]) =>
    kind === 'diadoc'
      ? {
          provider: 'diadoc',
          fromBoxId: 'sandbox-box-from@diadoc.ru',
          toBoxId: 'counterparty@diadoc.ru',
          isDraft: true,
          documents: files.map((f, i) => ({ file: f, typeNamedId: 'Nonformalized', comment: `Акт ${i + 1}` })),
        }
      : { provider: 'market', businessId: '100500', chatId: '777', kind: 'file', file: files[0] };
  const send = async (files: string[]) =>
    value<SendSummary>(await host.dispatch('sends.send', { accountId: account.id, message: message(files) })).status;

  if ((await send([await file('warm-up.pdf', 10_000)])) !== 'sent') throw new Error(`warm-up ${kind} send did not go`);
  const payload =
    kind === 'diadoc' ? { count: 40, bytes: Math.round(1024 * 1024 * scale) } : { count: 1, bytes: Math.round(5 * 1024 * 1024 * scale) };
  const files: string[] = [];
  for (let i = 0; i < payload.count; i++) files.push(await file(kind === 'diadoc' ? `act-${i}.pdf` : 'photo.jpg', payload.bytes));
  const payloadBytes = payload.count * payload.bytes;

  const rss: number[] = [];
  const heap: number[] = [];
  const speed: number[] = [];
  for (let i = 0; i < repeats; i++) {
    let status = '';
    const m = await peakDuring(async () => {
      status = await send(files);
    });
    if (status !== 'sent') throw new Error(`${kind}: ${status}`);
    rss.push(m.rss);
    heap.push(m.heap);
    speed.push(payloadBytes / 1024 / 1024 / (m.ms / 1000));
  }
  await dispose();
  return {
    name: kind === 'diadoc' ? 'Diadoc 40 × 1 MB' : 'Market file 5 MB',
    payloadBytes,
    peakRssGrowth: stats(rss),
    peakHeapGrowth: stats(heap),
    mbPerSecond: stats(speed),
  };
}

/**
 * Runs each kind of {@link benchLargeSend} in a fresh process of its own (with `--expose-gc`),
 * so the memory it measures starts from a host that has done nothing else: not one that just
 * seeded a million history rows, or sent the other kind, and would hide growth in memory it
 * already holds.
 */
export async function benchLargeSendsInChild(sims: SimProcess, scale = 1, repeats = 5): Promise<LargeSendResult[]> {
  const results: LargeSendResult[] = [];
  for (const kind of ['diadoc', 'market'] as const) {
    results.push(
      await new Promise<LargeSendResult>((resolve, reject) => {
        const child = spawn(process.execPath, ['--expose-gc', import.meta.filename], {
          env: {
            ...process.env,
            BENCH_SIMS: JSON.stringify({ urls: sims.urls, token: sims.token }),
            BENCH_KIND: kind,
            BENCH_SCALE: String(scale),
            BENCH_REPEATS: String(repeats),
          },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.once('exit', (code) => {
          const m = /LARGE (\{.*\})/.exec(out);
          if (code === 0 && m) resolve(JSON.parse(m[1]!) as LargeSendResult);
          else reject(new Error(`large-sends bench (${kind}) exited with ${code}: ${out.slice(-500)}`));
        });
      }),
    );
  }
  return results;
}

if (process.env.BENCH_SIMS && process.argv[1] === import.meta.filename) {
  const kind = process.env.BENCH_KIND === 'market' ? 'market' : 'diadoc';
  const result = await benchLargeSend(
    kind,
    JSON.parse(process.env.BENCH_SIMS) as Pick<SimProcess, 'urls' | 'token'>,
    Number(process.env.BENCH_SCALE ?? 1),
    Number(process.env.BENCH_REPEATS ?? 5),
  );
  console.log(`LARGE ${JSON.stringify(result)}`);
}
