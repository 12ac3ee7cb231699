import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { AccountView } from '../../shared/accounts.ts';
import type { SendSummary } from '../../shared/sends.ts';
import { createHost } from '../host.ts';
import { confSettings } from '../vault/conf-settings.ts';
import { keyedSecretBox } from '../vault/secret-box.ts';

/**
 * The process the shelf crash test kills: a real host that sends one Diadoc draft with a large
 * document (through the shelf, in parts) unless its history already holds it, then waits until the
 * send has settled. Started again after a SIGKILL, it resumes by the outbox's own recovery.
 */
const config = z
  .object({ dataDir: z.string(), baseUrl: z.string(), token: z.string(), file: z.string() })
  .parse(JSON.parse(readFileSync(process.env.SHELF_CRASH_CONFIG ?? '', 'utf8')));

const host = await createHost({
  dataDir: config.dataDir,
  settings: confSettings(config.dataDir),
  secretBox: keyedSecretBox(Buffer.alloc(32, 5)),
  version: 'shelf-crash',
  sandbox: false,
  timeoutMs: 10_000,
});

async function call<T>(channel: string, input?: unknown): Promise<T> {
  const r = await host.dispatch(channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.kind} ${r.error.message}`);
  return r.value as T;
}

const sends = async () => (await call<{ items: SendSummary[] }>('history.list', { limit: 10 })).items;
if ((await sends()).length === 0) {
  const account = await call<AccountView>('accounts.create', {
    name: 'Диадок',
    baseUrl: config.baseUrl,
    settings: { provider: 'diadoc', authScheme: 'bearer', fromBoxId: 'sandbox-box-from@diadoc.ru' },
    secrets: { token: config.token },
  });
  const file = await host.files.register(config.file);
  console.log('SUBMITTING');
  await call('sends.send', {
    accountId: account.id,
    message: {
      provider: 'diadoc',
      fromBoxId: 'sandbox-box-from@diadoc.ru',
      toBoxId: 'counterparty@diadoc.ru',
      isDraft: true,
      documents: [{ file: file.id, typeNamedId: 'Nonformalized', comment: 'скан договора' }],
    },
  });
}
for (;;) {
  const [s] = await sends();
  if (s && !['pending', 'sending', 'waiting', 'scheduled'].includes(s.status)) {
    console.log(`SETTLED ${s.status}`);
    break;
  }
  await new Promise((r) => setTimeout(r, 100));
}
await host.close();
process.exit(0);
