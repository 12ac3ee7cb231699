import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AccountView } from '../../shared/accounts.ts';
import type { SendRequest } from '../../shared/contract.ts';
import type { SendSummary } from '../../shared/sends.ts';
import { createHost } from '../host.ts';
import { confSettings } from '../vault/conf-settings.ts';
import { keyedSecretBox } from '../vault/secret-box.ts';
import { plainPreview } from '../../shared/send-labels.ts';

/**
 * The process the crash test kills: a real host on a data directory that submits a fixed plan
 * of sends, skipping those already in the history, then waits until none is unfinished.
 * Started again after every SIGKILL, it recovers by the outbox's own rules.
 */
interface CrashConfig {
  dataDir: string;
  urls: { greenapi: string; market: string; diadoc: string };
  token: string;
  count: number;
  timeoutMs: number;
}

const config = JSON.parse(readFileSync(process.env.CRASH_CONFIG!, 'utf8')) as CrashConfig;
const host = await createHost({
  dataDir: config.dataDir,
  settings: confSettings(config.dataDir),
  secretBox: keyedSecretBox(Buffer.alloc(32, 3)),
  version: 'crash',
  sandbox: false,
  timeoutMs: config.timeoutMs,
});

async function call<T>(channel: string, input?: unknown): Promise<T> {
  const r = await host.dispatch(channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.kind} ${r.error.message}`);
  return r.value as T;
}

// Setup happens once, before any kill: accounts and the Diadoc document's file handle.
const setupFile = join(config.dataDir, 'driver-setup.json');
let setup: { accounts: Record<string, string>; fileId: string };
if (existsSync(setupFile)) setup = JSON.parse(readFileSync(setupFile, 'utf8')) as typeof setup;
else {
  const mk = (name: string, provider: string, baseUrl: string, settings: unknown) =>
    call<AccountView>('accounts.create', {
      name,
      baseUrl,
      settings: { provider, ...(settings as object) },
      secrets: { token: config.token },
    });
  const g = await mk('WA', 'greenapi', config.urls.greenapi, { form: 'v1' });
  const m = await mk('Market', 'market', config.urls.market, { businessId: '100500' });
  const d = await mk('Diadoc', 'diadoc', config.urls.diadoc, { authScheme: 'bearer', fromBoxId: 'sandbox-box-from@diadoc.ru' });
  const doc = join(config.dataDir, 'act.pdf');
  writeFileSync(doc, '%PDF-1.4 crash test act\n');
  const handle = await host.files.register(doc);
  setup = { accounts: { greenapi: g.id, market: m.id, diadoc: d.id }, fileId: handle.id };
  writeFileSync(`${setupFile}.tmp`, JSON.stringify(setup));
  renameSync(`${setupFile}.tmp`, setupFile);
  console.log('SETUP');
}

function planned(i: number, s: typeof setup): SendRequest {
  const key = `[k${i}]`;
  switch (i % 3) {
    case 0:
      return {
        accountId: s.accounts.greenapi!,
        message: { provider: 'greenapi', recipientType: 'individual', to: '79001234567', text: `Заказ ${key} отправлен` },
      };
    case 1:
      return {
        accountId: s.accounts.market!,
        message: { provider: 'market', businessId: '100500', chatId: '777', kind: 'text', text: `Ответ покупателю ${key}` },
      };
    default:
      return {
        accountId: s.accounts.diadoc!,
        message: {
          provider: 'diadoc',
          fromBoxId: 'sandbox-box-from@diadoc.ru',
          toBoxId: 'counterparty-box@diadoc.ru',
          // Unsigned, so a draft (diadoc.md §12.2): the operator signs it in Diadoc.
          isDraft: true,
          documents: [{ file: s.fileId, typeNamedId: 'Nonformalized', comment: `Акт ${key}` }],
        },
      };
  }
}

async function all(): Promise<SendSummary[]> {
  const out: SendSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await call<{ items: SendSummary[]; nextCursor?: string }>('history.list', { limit: 500, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

const done = new Set((await all()).map((s) => Number(/\[k(\d+)\]/.exec(plainPreview(s.preview))?.[1] ?? -1)));
const todo = Array.from({ length: config.count }, (_, i) => i).filter((i) => !done.has(i));
// A few at a time, like an operator team: the kill can land anywhere in the pipeline.
let next = 0;
await Promise.all(
  Array.from({ length: 4 }, async () => {
    while (next < todo.length) {
      const i = todo[next++]!;
      await call('sends.send', planned(i, setup)).catch((e: unknown) => console.log(`REFUSED ${i} ${String(e)}`));
    }
  }),
);
for (;;) {
  const open = (await all()).filter((s) => ['pending', 'sending', 'waiting', 'scheduled'].includes(s.status));
  if (open.length === 0) break;
  await new Promise((r) => setTimeout(r, 100));
}
await host.close();
console.log('DONE');
process.exit(0);
