import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AccountView } from '../shared/accounts.ts';
import type { Reply } from '../shared/contract.ts';
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

/**
 * 40 × 1 MB Diadoc documents and one 5 MB Market file through the host, memory watched. Each
 * kind is sent once small first: the first request loads fetch's own code and grows the
 * heap once, which is the cost of a first send, not of a large one.
 */
export async function benchLargeSends(sims: Pick<SimProcess, 'urls' | 'token'>, scale = 1, repeats = 5): Promise<LargeSendResult[]> {
  const { host, dataDir, dispose } = await benchHost('large', 120_000);
  const diadoc = value<AccountView>(await host.dispatch('accounts.create', { name: 'Diadoc', baseUrl: sims.urls.diadoc, settings: { provider: 'diadoc', authScheme: 'bearer', fromBoxId: 'sandbox-box-from@diadoc.ru' }, secrets: { token: sims.token } }));
  const market = value<AccountView>(await host.dispatch('accounts.create', { name: 'Market', baseUrl: sims.urls.market, settings: { provider: 'market', businessId: '100500' }, secrets: { token: sims.token } }));

  const docBytes = Math.round(1024 * 1024 * scale);
  const docs: Awaited<ReturnType<typeof host.files.register>>[] = [];
  for (let i = 0; i < 40; i++) {
    const path = join(dataDir, `act-${i}.pdf`);
    writeFileSync(path, randomBytes(docBytes));
    docs.push(await host.files.register(path));
  }
  const filePath = join(dataDir, 'photo.jpg');
  const fileBytes = Math.round(5 * 1024 * 1024 * scale);
  writeFileSync(filePath, randomBytes(fileBytes));
  const file = await host.files.register(filePath);

  const small = join(dataDir, 'warm-up.pdf');
  writeFileSync(small, randomBytes(10_000));
  const warm = await host.files.register(small);
  for (const message of [
    { provider: 'diadoc', fromBoxId: 'sandbox-box-from@diadoc.ru', toBoxId: 'counterparty@diadoc.ru', documents: [{ file: warm.id, typeNamedId: 'Nonformalized' }] },
    { provider: 'market', businessId: '100500', chatId: '777', kind: 'file', file: warm.id },
  ] as const) {
    const accountId = message.provider === 'diadoc' ? diadoc.id : market.id;
    if (value<SendSummary>(await host.dispatch('sends.send', { accountId, message })).status !== 'sent') throw new Error(`warm-up ${message.provider} send did not go`);
  }

  const results: LargeSendResult[] = [];
  const run = async (name: string, payloadBytes: number, send: () => Promise<Reply>) => {
    const rss: number[] = [];
    const heap: number[] = [];
    const speed: number[] = [];
    for (let i = 0; i < repeats; i++) {
      let status = '';
      const m = await peakDuring(async () => {
        status = value<SendSummary>(await send()).status;
      });
      if (status !== 'sent') throw new Error(`${name}: ${status}`);
      rss.push(m.rss);
      heap.push(m.heap);
      speed.push(payloadBytes / 1024 / 1024 / (m.ms / 1000));
    }
    results.push({ name, payloadBytes, peakRssGrowth: stats(rss), peakHeapGrowth: stats(heap), mbPerSecond: stats(speed) });
  };
  await run('Diadoc 40 × 1 MB', docBytes * 40, () =>
    host.dispatch('sends.send', { accountId: diadoc.id, message: { provider: 'diadoc', fromBoxId: 'sandbox-box-from@diadoc.ru', toBoxId: 'counterparty@diadoc.ru', documents: docs.map((d) => ({ file: d.id, typeNamedId: 'Nonformalized', comment: d.name })) } }),
  );
  await run('Market file 5 MB', fileBytes, () => host.dispatch('sends.send', { accountId: market.id, message: { provider: 'market', businessId: '100500', chatId: '777', kind: 'file', file: file.id } }));
  await dispose();
  return results;
}

/**
 * Runs {@link benchLargeSends} in a fresh process (with `--expose-gc`), so the memory it
 * measures starts from a host that has done nothing else, not from one that just seeded a
 * million history rows and would hide growth in memory it already holds.
 */
export function benchLargeSendsInChild(sims: SimProcess, scale = 1, repeats = 5): Promise<LargeSendResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', import.meta.filename], {
      env: { ...process.env, BENCH_SIMS: JSON.stringify({ urls: sims.urls, token: sims.token }), BENCH_SCALE: String(scale), BENCH_REPEATS: String(repeats) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      const m = /LARGE (\[.*\])/.exec(out);
      if (code === 0 && m) resolve(JSON.parse(m[1]!) as LargeSendResult[]);
      else reject(new Error(`large-sends bench exited with ${code}: ${out.slice(-500)}`));
    });
  });
}

if (process.env.BENCH_SIMS && process.argv[1] === import.meta.filename) {
  const results = await benchLargeSends(JSON.parse(process.env.BENCH_SIMS) as Pick<SimProcess, 'urls' | 'token'>, Number(process.env.BENCH_SCALE ?? 1), Number(process.env.BENCH_REPEATS ?? 5));
  console.log(`LARGE ${JSON.stringify(results)}`);
}
