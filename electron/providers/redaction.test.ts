import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/accounts.ts';
import type { Reply } from '../../shared/contract.ts';
import type { SendSummary } from '../../shared/sends.ts';
import { testHost } from '../testing/host-fixture.ts';
import { recordingListener, type Heard } from '../testing/recording-listener.ts';

const TOKEN = 'echoed-token.Zx81-qq07';

/** A provider that answers 401 and quotes the credential it got everywhere it can: body, error fields, headers. */
function echo401(h: Heard) {
  const got = String(h.headers.authorization ?? h.headers['api-key'] ?? h.url);
  const words = `Token ${got} is not valid (you sent ${encodeURIComponent(TOKEN)})`;
  return {
    status: 401,
    headers: { 'www-authenticate': `Bearer error="invalid_token", token="${TOKEN}"`, 'x-echo': got },
    body: {
      errors: [{ key: 'token', message: words, code: 'unauthorized' }],
      error: 'invalid_token',
      error_description: words,
      message: words,
      title: words,
      details: words,
      errorCode: 401,
    },
  };
}

function leaks(value: unknown): boolean {
  const text = JSON.stringify(value);
  return text.includes(TOKEN) || text.includes(encodeURIComponent(TOKEN));
}

describe('provider words are redacted before anyone sees them', () => {
  let listener: Awaited<ReturnType<typeof recordingListener>>;
  let host: Awaited<ReturnType<typeof testHost>>;
  beforeAll(async () => {
    listener = await recordingListener(echo401);
    host = await testHost();
  });
  afterAll(async () => {
    await host.dispose();
    await listener.close();
  });

  const cases = [
    {
      name: 'Pachca',
      settings: { provider: 'pachca', isBot: false },
      message: { provider: 'pachca', entityType: 'user', entityId: 42, content: 'Здравствуйте' },
    },
    {
      name: 'Market',
      settings: { provider: 'market', businessId: '123' },
      message: { provider: 'market', businessId: '123', chatId: '456', kind: 'text', text: 'Здравствуйте' },
    },
    {
      name: 'Green-API v1',
      settings: { provider: 'greenapi', form: 'v1' },
      message: { provider: 'greenapi', recipientType: 'individual', to: '79001234567', text: 'Здравствуйте' },
    },
    {
      name: 'Green-API instance',
      settings: { provider: 'greenapi', form: 'instance', idInstance: '1101000001' },
      message: { provider: 'greenapi', recipientType: 'individual', to: '79001234567', text: 'Здравствуйте' },
    },
  ] as const;

  it.each(cases)('a 401 that echoes the token leaves no token in the reply, the history or its exchanges ($name)', async (c) => {
    const created = await host.dispatch('accounts.create', {
      name: 'echo',
      baseUrl: listener.url,
      settings: c.settings,
      secrets: { token: TOKEN },
    });
    if (!created.ok) throw new Error(created.error.message);
    const accountId = (created.value as AccountView).id;
    const heardBefore = listener.heard.length;

    const replies: Reply[] = [
      await host.dispatch('sends.send', { accountId, message: c.message }),
      await host.dispatch('accounts.check', { id: accountId }),
    ];
    // The provider really got the token and really echoed it: the test is about what happens next.
    expect(listener.heard.length).toBeGreaterThan(heardBefore);
    const sent = replies[0]!;
    expect(sent).toMatchObject({ ok: true, value: { status: 'failed' } });
    const id = (sent as { value: SendSummary }).value.id;
    replies.push(await host.dispatch('history.get', { id }), await host.dispatch('history.list', { limit: 50 }));
    const detail = replies[2] as { ok: true; value: { attempts: { exchanges: unknown[] }[]; curl?: string } };
    expect(detail.value.attempts.at(-1)!.exchanges.length).toBeGreaterThan(0);
    for (const r of replies) expect(leaks(r), JSON.stringify(r).slice(0, 400)).toBe(false);
  });
});

describe('the Pachca signed upload form stays out of the history', () => {
  it('keeps neither the policy nor the signature of the form', async () => {
    const POLICY = 'eyJwb2xpY3kiOiJzaWduZWQtZm9ybS1wb2xpY3ktOTk5In0=';
    const SIGNATURE = 'f00dfacecafe0123456789abcdef0123456789abcdef0123456789abcdef0123';
    const pachca = await recordingListener((h) => {
      if (h.url.startsWith('/uploads'))
        return {
          status: 201,
          body: {
            'Content-Disposition': 'attachment',
            acl: 'private',
            policy: POLICY,
            'x-amz-credential': 'AKIAEXAMPLE/20260101/ru-central1/s3/aws4_request',
            'x-amz-algorithm': 'AWS4-HMAC-SHA256',
            'x-amz-date': '20260101T000000Z',
            'x-amz-signature': SIGNATURE,
            key: 'attaches/files/1/${filename}',
            direct_url: `http://127.0.0.1:${new URL(`http://${h.headers.host}`).port}/direct`,
          },
        };
      if (h.url.startsWith('/direct')) return { status: 204, body: '' };
      return { status: 201, body: { data: { id: 7001 } } };
    });
    const host = await testHost();
    const created = await host.dispatch('accounts.create', {
      name: 'Пачка',
      baseUrl: pachca.url,
      settings: { provider: 'pachca', isBot: false },
      secrets: { token: TOKEN },
    });
    if (!created.ok) throw new Error(created.error.message);
    const path = join(host.dataDir, 'act.pdf');
    writeFileSync(path, 'a small act');
    const file = await host.files.register(path);
    const sent = await host.dispatch('sends.send', {
      accountId: (created.value as AccountView).id,
      message: { provider: 'pachca', entityType: 'user', entityId: 42, content: 'Акт', files: [file.id] },
    });
    expect(sent).toMatchObject({ ok: true, value: { status: 'sent' } });
    // The form did its job: the storage got it as issued.
    expect(pachca.heard.find((h) => h.url.startsWith('/direct'))?.body).toContain(SIGNATURE);
    const detail = await host.dispatch('history.get', { id: (sent as { value: SendSummary }).value.id });
    const text = JSON.stringify(detail);
    expect(text).not.toContain(POLICY);
    expect(text).not.toContain(SIGNATURE);
    expect(text).toContain('attaches/files/1/');
    await host.dispose();
    await pachca.close();
  });
});
