import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/accounts.ts';
import type { OutgoingMessage } from '../../shared/messages/index.ts';
import type { SendSummary } from '../../shared/sends.ts';
import { fileAsAttached } from '../providers/plumbing/file-bytes.ts';
import { FileChangedError } from '../providers/plumbing/file-changed.ts';
import { marketAdapter } from '../providers/market.ts';
import { DiadocSimulator } from '../sandbox/diadoc.ts';
import { MarketSimulator } from '../sandbox/market.ts';
import { PachcaSimulator } from '../sandbox/pachca.ts';
import { testHost } from '../testing/host-fixture.ts';

const TOKEN = 'files-as-attached-token-5e1f';
const FROM = 'db32772b-9256-49a8-a133-fda593fda38a';
const TO = '13254c424b4f74fd33240094aeb0f15a@diadoc.ru';
const ORIGINAL = 'Акт сверки №17: итого 1 000 ₽'.repeat(4000);
/** Same length in bytes, one digit different: only the SHA-256 can tell. */
const EDITED = ORIGINAL.replace('1 000', '9 000');

describe('a file goes out exactly as it was attached', () => {
  const pachca = new PachcaSimulator({ tokens: [TOKEN], botTokens: [] });
  const market = new MarketSimulator({ tokens: [TOKEN], businesses: ['100500'], chats: ['42'] });
  const diadoc = new DiadocSimulator({ tokens: [TOKEN], boxes: [FROM] });
  let host: Awaited<ReturnType<typeof testHost>>;
  beforeAll(async () => {
    await Promise.all([pachca.start(), market.start(), diadoc.start()]);
    host = await testHost();
  });
  afterAll(async () => {
    await host.dispose();
    await Promise.all([pachca.stop(), market.stop(), diadoc.stop()]);
  });

  async function account(name: string, baseUrl: string, settings: unknown): Promise<string> {
    const r = await host.dispatch('accounts.create', { name, baseUrl, settings, secrets: { token: TOKEN } });
    if (!r.ok) throw new Error(r.error.message);
    return (r.value as AccountView).id;
  }

  const cases = [
    {
      name: 'Pachca',
      sim: pachca,
      settings: { provider: 'pachca', isBot: false },
      message: (file: string): OutgoingMessage => ({ provider: 'pachca', entityType: 'user', entityId: 42, content: 'Акт', files: [file] }),
      field: 'files',
    },
    {
      name: 'Market',
      sim: market,
      settings: { provider: 'market', businessId: '100500' },
      message: (file: string): OutgoingMessage => ({ provider: 'market', businessId: '100500', chatId: '42', kind: 'file', file }),
      field: 'file',
    },
    {
      name: 'Diadoc',
      sim: diadoc,
      settings: { provider: 'diadoc', authScheme: 'bearer', fromBoxId: FROM },
      message: (file: string): OutgoingMessage => ({
        provider: 'diadoc',
        fromBoxId: FROM,
        toBoxId: TO,
        // A draft needs no signature, so the file is the only thing under test.
        isDraft: true,
        documents: [{ file, typeNamedId: 'Nonformalized', metadata: [{ key: 'FileName', value: 'акт.txt' }] }],
      }),
      field: 'documents.0.file',
    },
  ] as const;

  it.each(cases)('refuses a same-size edit made after attaching, naming the file, and nothing reaches $name', async (c) => {
    const accountId = await account(c.name, c.sim.server.baseUrl, c.settings);
    const path = join(host.dataDir, `акт-${c.name}.txt`);
    writeFileSync(path, ORIGINAL);
    const handle = await host.files.register(path);
    writeFileSync(path, EDITED);
    const before = c.sim.server.received.length;

    const r = await host.dispatch('sends.send', { accountId, message: c.message(handle.id) });
    expect(r).toMatchObject({
      ok: true,
      value: { status: 'failed', error: { kind: 'invalid', reason: 'file_changed', field: c.field, fileName: `акт-${c.name}.txt` } },
    });
    expect((r as { value: SendSummary }).value.error?.message).toContain('Attach it again');
    expect(c.sim.server.received.length).toBe(before);

    // Attached again, the edited file goes out.
    const again = await host.files.register(path);
    expect(await host.dispatch('sends.send', { accountId, message: c.message(again.id) })).toMatchObject({
      ok: true,
      value: { status: 'sent' },
    });
  });

  it('stops the upload itself when the file changes after the check, so the request never completes', async () => {
    const path = join(host.dataDir, 'между-проверкой-и-отправкой.txt');
    writeFileSync(path, ORIGINAL);
    const handle = await host.files.register(path);
    writeFileSync(path, EDITED);
    const file = { ...host.files.get(handle.id) };
    const before = market.server.received.length;
    const r = await marketAdapter.send(
      {
        account: {
          id: 'm',
          baseUrl: market.server.baseUrl,
          settings: { provider: 'market', businessId: '100500' },
          secrets: { token: TOKEN },
        },
        file: () => file,
        idempotencyKey: '',
        timeoutMs: 5000,
        now: () => Date.now(),
      },
      { provider: 'market', businessId: '100500', chatId: '42', kind: 'file', file: handle.id },
    );
    expect(r).toMatchObject({ kind: 'failed', error: { reason: 'file_changed', field: 'file', fileName: file.name } });
    expect(market.server.received.length).toBe(before);
  });
});

describe('fileAsAttached', () => {
  it('holds back the last piece until size and SHA-256 match, so a changed file never yields its whole body', async () => {
    const host = await testHost();
    const path = join(host.dataDir, 'report.txt');
    writeFileSync(path, ORIGINAL);
    const file = host.files.get((await host.files.register(path)).id);

    let whole = 0;
    for await (const piece of fileAsAttached(file, 'file')) whole += piece.length;
    expect(whole).toBe(file.size);

    writeFileSync(path, EDITED);
    let partial = 0;
    const reading = (async () => {
      for await (const piece of fileAsAttached(file, 'file')) partial += piece.length;
    })();
    await expect(reading).rejects.toBeInstanceOf(FileChangedError);
    await expect(reading).rejects.toMatchObject({ field: 'file', fileName: 'report.txt' });
    expect(partial).toBeLessThan(file.size);
    await host.dispose();
  });
});
