import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHistory } from '../electron/history/store.ts';
import { DirectoryStore, type DirectoryEntry } from '../electron/readside/directory-store.ts';
import type { ConversationItem } from '../shared/recipients.ts';
import { stats, type Stats } from './stats.ts';

const first = [
  'Анна',
  'Иван',
  'Мария',
  'Пётр',
  'Ольга',
  'Сергей',
  'Елена',
  'Дмитрий',
  'Наталья',
  'Алексей',
  'Юлия',
  'Михаил',
  'Татьяна',
  'Андрей',
];
const last = [
  'Иванова',
  'Петров',
  'Смирнова',
  'Кузнецов',
  'Попова',
  'Соколов',
  'Лебедева',
  'Козлов',
  'Новикова',
  'Морозов',
  'Волкова',
  'Зайцев',
];
const statuses = ['NEW', 'WAITING_FOR_PARTNER', 'WAITING_FOR_CUSTOMER', 'FINISHED'];

/**
 * `rows` Market-like chats (buyer name, order number, status) and contacts with phones for one
 * account, stored as a refresh would store them, 5 000 to a transaction. `generation` is the
 * refresh's mark: a later refresh sweeps only rows older than its own.
 */
export function seedDirectory(store: DirectoryStore, account: string, rows: number, generation: number): void {
  const page: DirectoryEntry[] = [];
  for (let i = 0; i < rows; i++) {
    const order = 45_000_000 + i * 37;
    const phone = `79${String(100_000_000 + ((i * 7919) % 900_000_000)).padStart(9, '0')}`;
    page.push({
      kind: i % 2 ? 'chat' : 'contact',
      target: String(7_000_000 + i),
      name: `${first[i % first.length]} ${last[(i * 7) % last.length]}`,
      detail: i % 2 ? `${order} · ${statuses[i % statuses.length]}` : phone,
      label: `chat ${7_000_000 + i}`,
    });
    if (page.length === 5000) store.put(account, page.splice(0), generation);
  }
  store.put(account, page, generation);
}

/**
 * The recipient directory at scale: `rows` Market-like chats (buyer name, order number, status)
 * and contacts with phones for one account, then searches as an operator types them. Each query
 * runs `runs` times; the figure is the slowest query's p95 (wall time, with the CPU time beside it).
 */
export function benchDirectory(
  rows: number,
  runs: number,
): { search: Stats; searchCpu: Stats; slowest: string; perQuery: { q: string; s: Stats; cpu: Stats }[]; conversation: Stats } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-directory-'));
  const file = join(dir, 'history.sqlite');
  openHistory(file).close();
  const store = new DirectoryStore(file);
  const account = 'acct-bench';
  seedDirectory(store, account, rows, 1);
  for (let i = 0; i < 30; i++) store.markUsed(account, String(7_000_000 + i * 101), `chat ${7_000_000 + i * 101}`, 1000 + i);
  const queries = [
    '',
    'а',
    'ив',
    'мар',
    'Мария',
    'Мария Смирнова',
    'Петр',
    '45000370',
    String(45_000_000 + 37 * (rows - 1)),
    '+7 910',
    '7910000',
    'нетакого',
  ];
  const perQuery = queries.map((q) => {
    const samples: number[] = [];
    // The process's CPU time beside the wall time: on a shared machine a search that waits for a core
    // shows in the wall time only, which tells the query's own cost from the machine's.
    const cpu: number[] = [];
    for (let r = 0; r < runs; r++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      store.search(account, 'market', q, 20);
      samples.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
    return { q, s: stats(samples), cpu: stats(cpu) };
  });
  const slowest = perQuery.reduce((a, b) => (b.s.p95 > a.s.p95 ? b : a));

  const items: ConversationItem[] = Array.from({ length: 200 }, (_, i) => ({
    id: String(9_000_000 + i),
    at: 1_790_000_000_000 + i * 60_000,
    author: i % 3 ? 'Мария С.' : 'PARTNER',
    own: i % 3 === 0,
    text: 'Здравствуйте! Подскажите, пожалуйста, когда привезут заказ и можно ли поменять адрес доставки? '.repeat(2),
    files: i % 10 === 0 ? ['photo.jpg'] : [],
  }));
  store.putConversation(account, '7000011', Date.now(), items);
  const conv: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    store.conversation(account, '7000011');
    conv.push(performance.now() - t0);
  }
  store.close();
  rmSync(dir, { recursive: true, force: true });
  return { search: slowest.s, searchCpu: slowest.cpu, slowest: slowest.q, perQuery, conversation: stats(conv) };
}
