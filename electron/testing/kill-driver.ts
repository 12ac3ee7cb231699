import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import type { AccountView } from '../../shared/accounts.ts';
import type { SendRequest } from '../../shared/contract.ts';
import type { SendSummary } from '../../shared/sends.ts';
import { createHost } from '../host.ts';
import type { KillPoint } from '../outbox/kill-points.ts';
import { confSettings } from '../vault/conf-settings.ts';
import { keyedSecretBox } from '../vault/secret-box.ts';

/**
 * The host the kill-point matrix kills: one scenario (a send, a cancel, a reschedule, a send
 * again, a full disk, a locked database) on a data directory of its own. OPERATOR_KILL_AT names
 * the kill point where it SIGKILLs itself (after OPERATOR_KILL_SKIP earlier hits of it);
 * OPERATOR_POWER_CUT_COPY, when set, first copies the data directory's files as they are at that
 * instant, without a checkpoint, as a power cut would leave them. KILL_PHASE=recover starts the
 * host again on the directory and prints what the history holds once nothing is left unfinished.
 */
export type KillAction = 'send' | 'cancel' | 'reschedule' | 'send_again' | 'disk_full' | 'locked' | 'bad_gateway';
export type KillProvider = 'greenapi' | 'pachca' | 'market' | 'diadoc';

export interface KillConfig {
  dataDir: string;
  urls: Record<KillProvider, string>;
  token: string;
  provider: KillProvider;
  action: KillAction;
  key: string;
  timeoutMs: number;
}

const config = JSON.parse(readFileSync(process.env.KILL_CONFIG!, 'utf8')) as KillConfig;
const killAt = process.env.OPERATOR_KILL_AT as KillPoint | undefined;
let skip = Number(process.env.OPERATOR_KILL_SKIP ?? 0);
const copyTo = process.env.OPERATOR_POWER_CUT_COPY;
const recovering = process.env.KILL_PHASE === 'recover';
const dataDir = recovering && copyTo ? copyTo : config.dataDir;

function die(): never {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
}

/** Every file of the data directory but SQLite's shared-memory index, which a power cut does not keep either. */
function powerCutCopy(): void {
  mkdirSync(copyTo!, { recursive: true });
  for (const f of readdirSync(config.dataDir)) if (!f.endsWith('-shm')) copyFileSync(join(config.dataDir, f), join(copyTo!, f));
}

let db: DatabaseSync | undefined;
const host = await createHost({
  dataDir,
  settings: confSettings(dataDir),
  secretBox: keyedSecretBox(Buffer.alloc(32, 5)),
  version: 'kill',
  sandbox: false,
  timeoutMs: config.timeoutMs,
  historyConnection: (c) => (db = c),
  ...(recovering
    ? {}
    : {
        killPoint: (point: KillPoint) => {
          if (config.action === 'disk_full' && point === 'after_answer') {
            const { page_count } = db!.prepare('PRAGMA page_count').get() as { page_count: number };
            db!.exec(`PRAGMA max_page_count = ${page_count}`);
          }
          if (point !== killAt || skip-- > 0) return;
          if (copyTo) powerCutCopy();
          die();
        },
      }),
});

async function call<T>(channel: string, input?: unknown): Promise<T> {
  const r = await host.dispatch(channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.kind} ${r.error.reason ?? ''} ${r.error.message}`);
  return r.value as T;
}

async function all(): Promise<SendSummary[]> {
  return (await call<{ items: SendSummary[] }>('history.list', { limit: 100 })).items;
}

if (recovering) {
  // Scheduled sends due within moments are waited for too: a moved send must leave at its new time.
  for (;;) {
    const open = (await all()).filter(
      (s) => ['pending', 'sending', 'waiting'].includes(s.status) || (s.status === 'scheduled' && (s.scheduledAt ?? 0) < Date.now() + 5000),
    );
    if (open.length === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const sends = await all();
  await host.close();
  console.log(`RESULT ${JSON.stringify(sends)}`);
  process.exit(0);
}

const { provider, key } = config;
const account = await call<AccountView>('accounts.create', {
  name: provider,
  baseUrl: config.urls[provider],
  settings: {
    greenapi: { provider, form: 'v1' },
    pachca: { provider, isBot: false },
    market: { provider, businessId: '100500' },
    diadoc: { provider, authScheme: 'bearer', fromBoxId: 'sandbox-box-from@diadoc.ru' },
  }[provider],
  secrets: { token: config.token },
});
let fileId = '';
if (provider === 'diadoc') {
  const doc = join(config.dataDir, 'act.pdf');
  writeFileSync(doc, '%PDF-1.4 kill point act\n');
  fileId = (await host.files.register(doc)).id;
}

const long = config.action === 'disk_full' || config.action === 'locked' ? ` ${'Подробности заказа. '.repeat(180)}`.slice(0, 3500) : '';
const text = `Сообщение ${key}${long}`;
const message = {
  greenapi: { provider: 'greenapi', recipientType: 'individual', to: '79001234567', text },
  pachca: { provider: 'pachca', entityType: 'discussion', entityId: 4242, content: text },
  market: { provider: 'market', businessId: '100500', chatId: '777', kind: 'text', text },
  diadoc: {
    provider: 'diadoc',
    fromBoxId: 'sandbox-box-from@diadoc.ru',
    toBoxId: 'counterparty-box@diadoc.ru',
    // Unsigned, so a draft (diadoc.md §12.2); an unsigned normal send is refused before it is written.
    isDraft: true,
    documents: [{ file: fileId, typeNamedId: 'Nonformalized', comment: text }],
  },
}[provider] as SendRequest['message'];

switch (config.action) {
  case 'send':
  case 'bad_gateway':
    await call('sends.send', { accountId: account.id, message }).catch((e: unknown) => console.log(`REFUSED ${String(e)}`));
    break;
  case 'cancel': {
    const s = await call<SendSummary>('sends.send', { accountId: account.id, message, scheduledAt: Date.now() + 60_000 });
    await call('sends.cancel', { id: s.id });
    break;
  }
  case 'reschedule': {
    const s = await call<SendSummary>('sends.send', { accountId: account.id, message, scheduledAt: Date.now() + 60_000 });
    await call('sends.reschedule', { id: s.id, at: Date.now() + 1000 });
    break;
  }
  case 'send_again': {
    // The first attempt is refused by the provider (the test injects it): failed, so it may be sent again.
    const first = await call<SendSummary>('sends.send', { accountId: account.id, message });
    if (first.status !== 'failed') throw new Error(`expected a refusal, got ${first.status}`);
    await call('sends.retry', { id: first.id });
    break;
  }
  case 'disk_full':
  case 'locked': {
    const s = await call<SendSummary>('sends.send', { accountId: account.id, message });
    // The app dies while the outcome is only in the journal (a lock that came too late on a slow machine is said so).
    if (s.unrecorded) die();
    console.log(`NOT_UNRECORDED ${s.status}`);
    break;
  }
}
for (;;) {
  const open = (await all()).filter((s) => ['pending', 'sending', 'waiting'].includes(s.status));
  if (open.length === 0) break;
  await new Promise((r) => setTimeout(r, 50));
}
await host.close();
console.log('DONE');
process.exit(0);
