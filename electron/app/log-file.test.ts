import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/accounts.ts';
import type { OutgoingMessage } from '../../shared/messages/index.ts';
import { createHost } from '../host.ts';
import { confSettings } from '../vault/conf-settings.ts';
import { keyedSecretBox } from '../vault/secret-box.ts';
import { LOG_FILE_NAME, RotatingLog } from './log-file.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'operator-log-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const allLogText = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.startsWith(LOG_FILE_NAME))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('');

describe('the rotating log file', () => {
  it('rotates at its cap and keeps only its few files', () => {
    const dir = tempDir();
    const log = new RotatingLog({ dir, maxBytes: 1000, files: 3, now: () => Date.UTC(2026, 10, 30) });
    for (let i = 0; i < 200; i++) log.write('info', 'send.status', { n: i, pad: 'x'.repeat(40) });

    expect(readdirSync(dir).sort()).toEqual([LOG_FILE_NAME, `${LOG_FILE_NAME}.1`, `${LOG_FILE_NAME}.2`]);
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f)).byteLength).toBeLessThanOrEqual(1000);
    const newest = readFileSync(join(dir, LOG_FILE_NAME), 'utf8').trimEnd().split('\n');
    expect(newest.at(-1)).toBe('2026-11-30T00:00:00.000Z INFO send.status {"n":199,"pad":"' + 'x'.repeat(40) + '"}');
    // The oldest kept lines follow the newest of the file before them: nothing in between is lost.
    const older = readFileSync(join(dir, `${LOG_FILE_NAME}.1`), 'utf8')
      .trimEnd()
      .split('\n');
    const n = (line: string) => Number(/"n":(\d+)/.exec(line)![1]);
    expect(n(newest[0]!)).toBe(n(older.at(-1)!) + 1);
  });

  it('continues an existing file after a restart, counting its size', () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOG_FILE_NAME), 'y'.repeat(990) + '\n');
    new RotatingLog({ dir, maxBytes: 1000 }).write('warn', 'after.restart');
    expect(readFileSync(join(dir, `${LOG_FILE_NAME}.1`), 'utf8')).toBe('y'.repeat(990) + '\n');
    expect(readFileSync(join(dir, LOG_FILE_NAME), 'utf8')).toMatch(/ WARN after\.restart\n$/);
  });

  it('keeps one line per event, even for a multi-line stack', () => {
    const dir = tempDir();
    const log = new RotatingLog({ dir });
    log.write('error', 'main.uncaught_exception', new Error('first\nsecond').stack);
    expect(readFileSync(join(dir, LOG_FILE_NAME), 'utf8').trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('the log after sends over all four providers', () => {
  it('names every send’s state and holds no token', async () => {
    const dataDir = tempDir();
    const logDir = join(dataDir, 'logs');
    const log = new RotatingLog({ dir: logDir });
    const host = await createHost({
      dataDir,
      settings: confSettings(dataDir),
      secretBox: keyedSecretBox(Buffer.alloc(32, 7)),
      version: '0.0.0-test',
      log,
    });
    log.redactWith(() => host.secretsSeen());
    try {
      const created = await host.dispatch('accounts.createSandbox', undefined);
      const accounts = (created as { value: AccountView[] }).value;
      const by = (p: string) => accounts.find((a) => a.provider === p)!.id;
      const file = join(dataDir, 'act.pdf');
      writeFileSync(file, 'act of work');
      const handle = (await host.dispatch('files.register', { path: file })) as { value: { id: string } };
      const messages: [string, OutgoingMessage][] = [
        ['greenapi', { provider: 'greenapi', recipientType: 'individual', to: '79001234567', text: 'Здравствуйте' }],
        ['pachca', { provider: 'pachca', entityType: 'discussion', entityId: 198, content: 'Документы готовы' }],
        ['market', { provider: 'market', businessId: '100500', chatId: '777', kind: 'text', text: 'Ответ покупателю' }],
        [
          'diadoc',
          {
            provider: 'diadoc',
            fromBoxId: 'sandbox-box-from@diadoc.ru',
            toBoxId: 'counterparty-box@diadoc.ru',
            // A draft: it waits in Diadoc, so it needs no signature.
            isDraft: true,
            documents: [{ file: handle.value.id, typeNamedId: 'Nonformalized' }],
          },
        ],
      ];
      for (const [provider, message] of messages) {
        const sent = await host.dispatch('sends.send', { accountId: by(provider), message });
        expect(sent, `${provider}: ${JSON.stringify(sent)}`).toMatchObject({ ok: true, value: { status: 'sent' } });
      }
      // An unexpected failure that quotes a token (an exception's text, a URL) is written redacted too.
      const token = host.sandbox!.token;
      log.write('error', 'host.unexpected', `GET http://127.0.0.1/waInstance1/sendMessage/${token} failed`);

      const text = allLogText(logDir);
      for (const provider of ['greenapi', 'pachca', 'market', 'diadoc'])
        expect(text).toMatch(new RegExp(`"provider":"${provider}","status":"sent"`));
      expect(text).toContain('sendMessage/‹redacted›');
      expect(host.secretsSeen()).toContain(token);
      for (const secret of host.secretsSeen()) expect(text).not.toContain(secret);
      expect(text).not.toContain('Здравствуйте');
    } finally {
      await host.close();
    }
  });
});
