import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AccountView } from '../shared/accounts.ts';
import type { Reply } from '../shared/contract.ts';
import type { SendSummary } from '../shared/sends.ts';
import { benchHost, value } from './bench-host.ts';
import type { SimProcess } from './sims.ts';

export interface LargeSendResult {
  name: string;
  payloadBytes: number;
  peakRssGrowth: number;
  peakHeapGrowth: number;
  ms: number;
  mbPerSecond: number;
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

/** 40 × 1 MB Diadoc documents and one 5 MB Market file through the host, memory watched. */
export async function benchLargeSends(sims: SimProcess, scale = 1): Promise<LargeSendResult[]> {
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

  const results: LargeSendResult[] = [];
  const run = async (name: string, payloadBytes: number, send: () => Promise<Reply>) => {
    let status = '';
    const m = await peakDuring(async () => {
      status = value<SendSummary>(await send()).status;
    });
    if (status !== 'sent') throw new Error(`${name}: ${status}`);
    results.push({ name, payloadBytes, peakRssGrowth: m.rss, peakHeapGrowth: m.heap, ms: m.ms, mbPerSecond: payloadBytes / 1024 / 1024 / (m.ms / 1000) });
  };
  await run('Diadoc 40 × 1 MB', docBytes * 40, () =>
    host.dispatch('sends.send', { accountId: diadoc.id, message: { provider: 'diadoc', fromBoxId: 'sandbox-box-from@diadoc.ru', toBoxId: 'counterparty@diadoc.ru', documents: docs.map((d) => ({ file: d.id, typeNamedId: 'Nonformalized', comment: d.name })) } }),
  );
  await run('Market file 5 MB', fileBytes, () => host.dispatch('sends.send', { accountId: market.id, message: { provider: 'market', businessId: '100500', chatId: '777', kind: 'file', file: file.id } }));
  await dispose();
  return results;
}
