import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { seedHistory } from '../electron/history/seed.ts';
import { benchBrowser } from './browser.ts';
import { benchHistoryScale, benchHistoryWrite } from './history-scale.ts';
import { benchHistoryUpgrade } from './history-upgrade.ts';
import { benchDirectory } from './directory.ts';
import { benchLargeSendsInChild } from './large-sends.ts';
import { electronOutputs } from '../scripts/bundle-plan.ts';
import { benchReadSide, MARKET_GET_CHATS_PER_HOUR } from './readside.ts';
import { preloadWeight, rendererWeight } from './renderer-weight.ts';
import { benchSendOverhead } from './send-overhead.ts';
import { startSimProcess } from './sims.ts';
import { fmt } from './stats.ts';
import { benchTeamSendPath, fullLoadTeamRate, teamSendPathMissing, teamSendPathRows } from './team-send-path.ts';

/**
 * `npm run bench`: every figure of the benchmark issue in one run on this machine, printed as
 * one table and written to bench/results.md. `--smoke` runs each figure at a tiny size (that is
 * what `npm test` does, so the bench cannot rot); its numbers mean nothing.
 */
const smoke = process.argv.includes('--smoke');
const rows: { figure: string; value: string; target: string; met: boolean | undefined }[] = [];
const details: string[] = [];
// Each row is printed as it is measured too: a run that fails late still shows what it measured.
const row = (figure: string, value: string, target: string, met: boolean | undefined) => {
  rows.push({ figure, value, target, met });
  console.log(`bench row: ${figure} = ${value} (target ${target})`);
};
const MB = 1024 * 1024;

// Issue 14: a directory refresh of 10 000 Market chats.
const marketChats = smoke ? 200 : 10_000;
const directoryRows = smoke ? 2_000 : 100_000;
const sims = await startSimProcess(undefined, { marketChats });
try {
  // 1. Send overhead and the history's share of it.
  const overhead = await benchSendOverhead(sims, smoke ? 30 : 2000);
  for (const r of overhead.results) {
    row(
      `Send overhead p50, ${r.provider} (pipeline ${fmt(r.pipeline.p50)} / bare fetch ${fmt(r.bare.p50)} ms; p95 ${fmt(r.pipeline.p95)} / ${fmt(r.bare.p95)}; ratio ${r.ratioP50.toFixed(2)})`,
      `${fmt(r.overheadP50)} ms`,
      '≤ 0.5 ms',
      r.overheadP50 <= 0.5,
    );
  }
  row(
    `History cost per send inside the pipeline (p95 ${fmt(overhead.historyPerSend.p95)} ms)`,
    `${fmt(overhead.historyPerSend.p50)} ms`,
    '≤ 0.3 ms',
    overhead.historyPerSend.p50 <= 0.3,
  );
  // Issue 15: the same sends with team mode off and on (signed in to a real local team server).
  const teamMissing = teamSendPathMissing();
  if (teamMissing) row('Send path with team mode on', `not measured: ${teamMissing}`, 'no more than without team mode', false);
  else teamSendPathRows(await benchTeamSendPath(sims, smoke ? 30 : 1000, smoke ? 20 : fullLoadTeamRate), smoke, row, (ms) => fmt(ms));

  // 2. History scale.
  const sizes = smoke ? [2_000] : [10_000, 100_000, 1_000_000];
  const scale = await benchHistoryScale(sizes);
  for (const s of scale) {
    const big = s.rows >= 1_000_000;
    row(
      `History ${s.rows.toLocaleString('en')}: newest page (p95 ${fmt(s.newestPage.p95)})`,
      `${fmt(s.newestPage.p50)} ms`,
      big ? '≤ 2 ms' : '—',
      big ? s.newestPage.p50 <= 2 : undefined,
    );
    row(
      `History ${s.rows.toLocaleString('en')}: full-text, most common word “${s.commonWord}” (p95 ${fmt(s.searchCommon.p95)})`,
      `${fmt(s.searchCommon.p50)} ms`,
      big ? '≤ 20 ms' : '—',
      big ? s.searchCommon.p50 <= 20 : undefined,
    );
    row(
      `History ${s.rows.toLocaleString('en')}: full-text, rare word (p95 ${fmt(s.searchRare.p95)})`,
      `${fmt(s.searchRare.p50)} ms`,
      big ? '≤ 20 ms' : '—',
      big ? s.searchRare.p50 <= 20 : undefined,
    );
    row(
      `History ${s.rows.toLocaleString('en')}: full-text, slowest of all ${s.searchWorstWord.words} words, “${s.searchWorstWord.word}” (p95 ${fmt(s.searchWorstWord.stats.p95)})`,
      `${fmt(s.searchWorstWord.stats.p50)} ms`,
      big ? '≤ 20 ms' : '—',
      big ? s.searchWorstWord.stats.p50 <= 20 : undefined,
    );
    row(
      `History ${s.rows.toLocaleString('en')}: full-text, half-typed “зак” (p95 ${fmt(s.searchPrefix.p95)})`,
      `${fmt(s.searchPrefix.p50)} ms`,
      big ? '≤ 20 ms' : '—',
      big ? s.searchPrefix.p50 <= 20 : undefined,
    );
    row(
      `History ${s.rows.toLocaleString('en')}: “${s.commonWord}” inside the combined filters (p95 ${fmt(s.searchFiltered.p95)})`,
      `${fmt(s.searchFiltered.p50)} ms`,
      big ? '≤ 20 ms' : '—',
      big ? s.searchFiltered.p50 <= 20 : undefined,
    );
    row(
      `History ${s.rows.toLocaleString('en')}: “${s.commonWord}” to one recipient (p95 ${fmt(s.searchOneRecipient.p95)})`,
      `${fmt(s.searchOneRecipient.p50)} ms`,
      big ? '≤ 20 ms' : '—',
      big ? s.searchOneRecipient.p50 <= 20 : undefined,
    );
    row(
      `History ${s.rows.toLocaleString('en')}: “${s.commonWord}” in the oldest 5 days (p95 ${fmt(s.searchOldWindow.p95)})`,
      `${fmt(s.searchOldWindow.p50)} ms`,
      big ? '≤ 20 ms' : '—',
      big ? s.searchOldWindow.p50 <= 20 : undefined,
    );
    row(
      `History ${s.rows.toLocaleString('en')}: combined filters (p95 ${fmt(s.combinedFilters.p95)})`,
      `${fmt(s.combinedFilters.p50)} ms`,
      big ? '≤ 5 ms' : '—',
      big ? s.combinedFilters.p50 <= 5 : undefined,
    );
    row(
      `History ${s.rows.toLocaleString('en')}: bytes per row / seeding time`,
      `${Math.round(s.bytesPerRow)} B / ${(s.seedMs / 1000).toFixed(1)} s`,
      '—',
      undefined,
    );
  }
  // Start-up on a history an older version wrote (schema 8): the conversion runs after the window is usable.
  const upgrade = await benchHistoryUpgrade(smoke ? 2_000 : 1_000_000);
  const oldRows = upgrade.rows.toLocaleString('en');
  row(
    `Old-shaped history ${oldRows}: host usable (first history page answered), upgrade included`,
    `${fmt(upgrade.usableMs, 0)} ms`,
    '≤ 1 000 ms',
    smoke ? undefined : upgrade.usableMs <= 1000,
  );
  row(
    `Old-shaped history ${oldRows}: the same upgrade in one step before the window, as the first schema 9 did`,
    `${fmt(upgrade.blockingMs, 0)} ms`,
    '—',
    undefined,
  );
  row(
    `Old-shaped history ${oldRows}: a history page while the rows convert in the background (p95 ${fmt(upgrade.pageDuring.p95)}, max ${fmt(upgrade.pageDuring.max)}, ${upgrade.pageDuring.n} pages)`,
    `${fmt(upgrade.pageDuring.p50)} ms`,
    '≤ 100 ms p95',
    smoke ? undefined : upgrade.pageDuring.p95 <= 100,
  );
  row(
    `Old-shaped history ${oldRows}: background conversion done after / seeding time`,
    `${(upgrade.convertMs / 1000).toFixed(1)} s / ${(upgrade.seedMs / 1000).toFixed(1)} s`,
    '—',
    undefined,
  );
  const write = await benchHistoryWrite(smoke ? 100 : 2000);
  const lax = await benchHistoryWrite(smoke ? 100 : 2000, false);
  // Three fsynced commits per send (write-ahead, start, outcome): the price of a power cut that loses nothing.
  row(
    `History write-ahead + start + outcome, store alone, no fsync (p95 ${fmt(lax.p95)})`,
    `${fmt(lax.p50)} ms`,
    '≤ 0.3 ms',
    lax.p50 <= 0.3,
  );
  row(
    `The same with the three commits fsynced (synchronous=FULL), as the app runs (p95 ${fmt(write.p95)})`,
    `${fmt(write.p50)} ms (+${fmt(write.p50 - lax.p50)} ms a send)`,
    '—',
    undefined,
  );

  // The recipient directory and the conversation cache (issue 14's targets).
  const directory = benchDirectory(directoryRows, smoke ? 5 : 200);
  row(
    `Directory search in the host over ${directoryRows.toLocaleString('en')} recipients, slowest query «${directory.slowest}» (p50 ${fmt(directory.search.p50)}; its CPU time p50 ${fmt(directory.searchCpu.p50)} / p95 ${fmt(directory.searchCpu.p95)} ms, the rest is waiting for a core)`,
    `${fmt(directory.search.p95)} ms p95`,
    '≤ 5 ms',
    smoke ? undefined : directory.search.p95 <= 5,
  );
  row(
    `Conversation of 200 messages from the cache (p50 ${fmt(directory.conversation.p50)})`,
    `${fmt(directory.conversation.p95)} ms p95`,
    '≤ 50 ms',
    smoke ? undefined : directory.conversation.p95 <= 50,
  );
  const read = await benchReadSide(sims, { conversations: smoke ? 5 : 300, chats: marketChats, sends: smoke ? 5 : 100 });
  const conv = read.conversation;
  row(
    `Market conversation opened fresh from the simulator through the host (p50 ${fmt(conv.pipeline.p50)} ms; the bare request p50 ${fmt(conv.bare.p50)} / p95 ${fmt(conv.bare.p95)} ms; per-run difference p50 ${fmt(conv.overhead.p50)} / p95 ${fmt(conv.overhead.p95)} ms)`,
    `${fmt(conv.pipeline.p95)} ms p95`,
    `≤ ${fmt(conv.bare.p95 + 20, 1)} ms (simulator p95 + 20)`,
    smoke ? undefined : conv.pipeline.p95 <= conv.bare.p95 + 20,
  );
  const refresh = read.refresh;
  row(
    `Directory refresh of ${refresh.chats.toLocaleString('en')} Market chats: getChats requests, counted by the simulator's quota (${refresh.stored.toLocaleString('en')} stored in ${refresh.seconds.toFixed(1)} s)`,
    `${refresh.requests.toLocaleString('en')} requests`,
    `≤ ${MARKET_GET_CHATS_PER_HOUR.toLocaleString('en')} an hour (yandex-market.md §9.6)`,
    smoke ? undefined : refresh.requests <= MARKET_GET_CHATS_PER_HOUR,
  );
  const delay = refresh.sendDuring.p50 - refresh.sendIdle.p50;
  row(
    `A Market send during that refresh, one every 50 ms (${refresh.sendsDuring} sends: p50 ${fmt(refresh.sendDuring.p50)} / p95 ${fmt(refresh.sendDuring.p95)} ms; without a refresh p50 ${fmt(refresh.sendIdle.p50)} / p95 ${fmt(refresh.sendIdle.p95)} ms)`,
    `${delay >= 0 ? '+' : ''}${fmt(delay)} ms p50`,
    '≤ +1 ms (no send waits behind a read)',
    smoke ? undefined : delay <= 1,
  );
  const w = refresh.writesDuringSends;
  row(
    `Directory page writes made while a send was waiting or on its way, during that refresh (${w.of} writes in all)`,
    `${w.writes} (${fmt(w.ms)} ms)`,
    '0 (a refresh stores only between sends)',
    smoke ? undefined : w.writes === 0,
  );
  details.push(
    '### Directory search per query',
    '',
    '| query | p50 ms | p95 ms | max ms | CPU p50 ms | CPU p95 ms |',
    '|---|---:|---:|---:|---:|---:|',
    ...directory.perQuery.map(
      (q) => `| «${q.q}» | ${fmt(q.s.p50)} | ${fmt(q.s.p95)} | ${fmt(q.s.max)} | ${fmt(q.cpu.p50)} | ${fmt(q.cpu.p95)} |`,
    ),
    '',
  );

  // 3. Renderer weight.
  const weight = rendererWeight(join(import.meta.dirname, '../renderer/dist'));
  const preload = preloadWeight(join(import.meta.dirname, '..', electronOutputs.preload));
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  row('Renderer initial JS (gzip)', kb(weight.initialGzip), '≤ 200 KB', weight.initialGzip <= 200 * 1024);
  row(`Preload bundle (gzip; ${preload.bytes} bytes raw)`, kb(preload.gzip), 'no schema library', !preload.zod);
  // The first download is the initial chunks and the preload; zod belongs to the main process alone.
  const withZod = [
    ...weight.chunks.filter((c) => c.initial && c.zod).map((c) => c.file),
    ...(preload.zod ? [electronOutputs.preload] : []),
  ];
  row('zod in the first download (initial chunks and preload)', withZod.length ? withZod.join(', ') : 'none', 'none', withZod.length === 0);
  details.push(
    '### Renderer chunks and the preload',
    '',
    '| file | bytes | gzip | initial | zod |',
    '|---|---:|---:|:-:|:-:|',
    ...weight.chunks.map((c) => `| ${c.file} | ${c.bytes} | ${c.gzip} | ${c.initial ? '✓' : ''} | ${c.zod ? '✓' : ''} |`),
    `| ${electronOutputs.preload} | ${preload.bytes} | ${preload.gzip} | ✓ | ${preload.zod ? '✓' : ''} |`,
    '',
  );

  // 4. Time to interactive and history scrolling, in Chromium through the harness.
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-browser-'));
  const rowsToSeed = smoke ? 2_000 : 100_000;
  seedHistory(join(dataDir, 'history.sqlite'), rowsToSeed);
  const browser = await benchBrowser(dataDir, {
    runs: smoke ? 1 : 7,
    scrollFrames: smoke ? 20 : 300,
    pickerRecipients: directoryRows,
    ...(smoke ? { pickerWords: 1 } : {}),
  });
  row(
    `Time to usable composer, cold (p95 ${fmt(browser.ttiCold.p95, 0)})`,
    `${fmt(browser.ttiCold.p50, 0)} ms`,
    '≤ 300 ms',
    browser.ttiCold.p50 <= 300,
  );
  row(
    `Time to usable composer, warm (p95 ${fmt(browser.ttiWarm.p95, 0)})`,
    `${fmt(browser.ttiWarm.p50, 0)} ms`,
    '≤ 300 ms',
    browser.ttiWarm.p50 <= 300,
  );
  if (browser.scroll) {
    const f = browser.scroll.frames;
    row(
      `History scrolling, ${rowsToSeed.toLocaleString('en')} rows: p95 frame (max ${fmt(f.max, 1)} ms, ${browser.scroll.over50} over 50 ms)`,
      `${fmt(f.p95, 1)} ms`,
      '≤ 20 ms, none > 50',
      f.p95 <= 20 && browser.scroll.over50 === 0,
    );
  }
  if (browser.picker) {
    const p = browser.picker;
    row(
      `Picker: a keystroke to its options painted, ${p.recipients.toLocaleString('en')} recipients (${p.withinOneFrame} of ${p.keystrokes} keystrokes within one frame${p.missing ? `, ${p.missing} never showed options` : ''}; p50 ${fmt(p.frames.p50, 0)} frames; ${fmt(p.ms.p50, 1)} / ${fmt(p.ms.p95, 1)} ms p50 / p95)`,
      `${fmt(p.frames.p95, 0)} frames p95`,
      '≤ 1 frame',
      smoke ? undefined : p.missing === 0 && p.frames.p95 <= 1,
    );
    const c = p.copy;
    row(
      c
        ? `Picker's copy of the directory, ${c.rows.toLocaleString('en')} recipients: ${(c.bytes / MB).toFixed(1)} MB over the bridge in ${c.pages} page${c.pages === 1 ? '' : 's'}, searchable after ${fmt(c.ms, 0)} ms (fetch, parse, filing between frames)`
        : "Picker's copy of the directory",
      c ? `${(c.heapBytes / MB).toFixed(1)} MB heap` : 'not loaded',
      'report',
      undefined,
    );
  }
  rmSync(dataDir, { recursive: true, force: true });

  // 5. Large sends.
  for (const r of await benchLargeSendsInChild(sims, smoke ? 0.02 : 1, smoke ? 1 : 7)) {
    const mb = (b: number) => (b / MB).toFixed(1);
    row(
      `${r.name}: peak memory growth of the host (RSS p95 ${mb(r.peakRssGrowth.p95)}, max ${mb(r.peakRssGrowth.max)} MB; heap+buffers with uncollected garbage p50 ${mb(r.peakHeapGrowth.p50)} MB; ${r.mbPerSecond.p50.toFixed(1)} MB/s)`,
      `${mb(r.peakRssGrowth.p50)} MB RSS`,
      `≤ ${mb(2 * r.payloadBytes)} MB`,
      r.peakRssGrowth.p50 <= 2 * r.payloadBytes,
    );
  }
} finally {
  await sims.stop();
}

const verdict = (m: boolean | undefined) => (m === undefined ? '' : m ? 'met' : '**missed**');
const table = [
  '| figure | value | target | |',
  '|---|---:|---|---|',
  ...rows.map((r) => `| ${r.figure} | ${r.value} | ${r.target} | ${verdict(r.met)} |`),
].join('\n');
const header = [
  `# Benchmark results${smoke ? ' (smoke run: sizes too small to mean anything)' : ''}`,
  '',
  `- machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB`,
  `- date: ${new Date().toISOString()}`,
  `- Node ${process.versions.node}, SQLite ${process.versions.sqlite ?? '?'}`,
  '- each figure: median (p50) and spread (p95, max) over repeated runs in this one run',
  '',
].join('\n');
console.log(table);
if (!smoke) writeFileSync(join(import.meta.dirname, 'results.md'), `${header}\n${table}\n\n${details.join('\n')}\n`);
console.log(smoke ? 'bench smoke: every figure produced a number' : 'written to bench/results.md');
