import { assert, afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PachcaMessage } from '../../shared/messages/pachca.ts';
import { PachcaSimulator } from '../sandbox/pachca.ts';
import { closedPortUrl } from '../testing/net.ts';
import { TempFiles } from '../testing/temp-files.ts';
import { pachcaAdapter } from './pachca.ts';
import type { AdapterAccount, AdapterContext, LocalFile } from './types.ts';

const TOKEN = 'pachca-personal-token-1a2b3c4d';
const BOT = 'pachca-bot-token-9z8y7x6w';
const temp = new TempFiles('pachca');
const localFile = (name: string, content: Buffer | string, type = 'application/pdf'): LocalFile => temp.add(name, content, type);

const msg = (over: Partial<PachcaMessage> = {}): PachcaMessage => ({
  provider: 'pachca',
  entityType: 'discussion',
  entityId: 334,
  content: 'Заказ №42 отправлен',
  ...over,
});

describe('Pachca adapter against the simulator', () => {
  const sim = new PachcaSimulator({ tokens: [TOKEN], botTokens: [BOT] });
  let account: AdapterAccount;
  let bot: AdapterAccount;
  const progress: [number, number][] = [];
  const ctx = (a: AdapterAccount, timeoutMs = 2000): AdapterContext => ({
    account: a,
    file: temp.get,
    idempotencyKey: 'unused',
    timeoutMs,
    now: () => 1_000_000,
    onProgress: (s, t) => progress.push([s, t]),
  });
  beforeAll(async () => {
    const baseUrl = await sim.start();
    account = { id: 'p1', baseUrl, settings: { provider: 'pachca', isBot: false }, secrets: { token: TOKEN } };
    bot = { id: 'p2', baseUrl, settings: { provider: 'pachca', isBot: true }, secrets: { token: BOT } };
  });
  afterAll(async () => {
    await sim.stop();
    temp.dispose();
  });
  beforeEach(() => {
    sim.server.clearFaults();
    sim.server.received.length = 0;
    progress.length = 0;
  });

  it.each(["a$&b$'c.pdf", 'a$`b$$c.pdf', 'Счёт на оплату №5.pdf'])('keeps the file name %s in the key, taken literally', async (name) => {
    const f = localFile(name, Buffer.alloc(1000, 3));
    expect(await pachcaAdapter.send(ctx(account), msg({ files: [f.id] }))).toMatchObject({ kind: 'sent' });
    const [entry] = sim.messages.at(-1)!.files;
    expect(entry).toMatchObject({ name });
    expect(entry!.key).toMatch(/^attaches\/files\/93746\/[0-9a-f-]{36}\//);
    expect(entry!.key.endsWith(`/${name}`)).toBe(true);
    expect(sim.uploads.at(-1)).toMatchObject({ key: entry!.key, name });
  });

  it('uploads a file in three steps and sends it with two rows of buttons', async () => {
    const pdf = localFile('счёт 42.pdf', Buffer.alloc(300_000, 7));
    const buttons = [
      [
        { text: 'Подробнее', url: 'https://example.com/order/42' },
        { text: 'Отлично!', data: 'awesome' },
      ],
      [{ text: 'Связаться', data: 'contact' }],
    ];
    const r = await pachcaAdapter.send(ctx(account), msg({ files: [pdf.id], buttons }));
    expect(r).toMatchObject({ kind: 'sent', providerMessageId: String(sim.messages.at(-1)!.id) });
    const [uploads, direct, message] = sim.server.received;
    expect(uploads).toMatchObject({ method: 'POST', path: '/uploads' });
    expect(uploads!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(direct).toMatchObject({ method: 'POST', path: '/direct_upload' });
    expect(direct!.headers.authorization).toBeUndefined();
    expect(direct!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(sim.uploads.at(-1)).toMatchObject({ name: 'счёт 42.pdf', size: 300_000, sha256: pdf.sha256 });
    expect(message!.path).toBe('/messages');
    const body = JSON.parse(message!.body.toString());
    expect(body).toEqual({
      message: {
        entity_type: 'discussion',
        entity_id: 334,
        content: 'Заказ №42 отправлен',
        files: [{ key: sim.uploads.at(-1)!.key, name: 'счёт 42.pdf', file_type: 'file', size: 300_000 }],
        buttons,
      },
    });
    expect(body.message.files[0].key).toMatch(/\/счёт 42\.pdf$/);
    expect(progress.at(-1)![0]).toBeGreaterThanOrEqual(300_000);
    expect(JSON.stringify(r.exchanges)).not.toContain(TOKEN);
  });

  it('sends every documented field: a bot reply in a thread with display name, avatar, skip mentions and link preview', async () => {
    const r = await pachcaAdapter.send(
      ctx(bot),
      msg({
        entityType: 'thread',
        entityId: 5,
        parentMessageId: 194270,
        displayName: 'Бот поддержки',
        displayAvatarUrl: 'https://example.com/a.png',
        skipInviteMentions: true,
        linkPreview: true,
      }),
    );
    expect(r.kind).toBe('sent');
    expect(JSON.parse(sim.server.received.at(-1)!.body.toString())).toEqual({
      message: {
        entity_type: 'thread',
        entity_id: 5,
        content: 'Заказ №42 отправлен',
        parent_message_id: 194270,
        display_name: 'Бот поддержки',
        display_avatar_url: 'https://example.com/a.png',
        skip_invite_mentions: true,
      },
      link_preview: true,
    });
  });

  it('refuses 101 buttons, 9 in a row, and bot fields on a personal token before any request', () => {
    const row = (n: number) => Array.from({ length: n }, (_, i) => ({ text: `b${i}`, data: `d${i}` }));
    expect(pachcaAdapter.check(msg({ buttons: [...Array.from({ length: 12 }, () => row(8)), row(5)] }), account)).toContainEqual({
      field: 'buttons',
      reason: 'too_many_buttons',
      limit: 100,
    });
    expect(pachcaAdapter.check(msg({ buttons: [row(9)] }), account)).toContainEqual({
      field: 'buttons.0.8',
      reason: 'too_many_in_row',
      limit: 8,
    });
    expect(pachcaAdapter.check(msg({ displayName: 'Бот' }), account)).toContainEqual({ field: 'displayName', reason: 'bot_only' });
    expect(pachcaAdapter.check(msg({ buttons: [row(8)] }), account)).toEqual([]);
    expect(sim.server.received).toHaveLength(0);
  });

  it.each([
    [
      400,
      { errors: [{ key: 'message.content', value: null, message: 'Текст не может быть пустым', code: 'blank', payload: null }] },
      'invalid',
      'content',
    ],
    [
      422,
      {
        errors: [{ key: 'message.files.0.name', value: 'a.txt', message: 'Расширение не совпадает', code: 'wrong_params', payload: null }],
      },
      'invalid',
      'files.0.name',
    ],
    [
      402,
      { errors: [{ key: 'plan', value: null, message: 'Нужен платный тариф', code: 'payment_required', payload: null }] },
      'payment_required',
      'plan',
    ],
    [
      403,
      { errors: [{ key: 'message.entity_id', value: 334, message: 'Нет доступа к чату', code: 'forbidden', payload: null }] },
      'forbidden',
      'entityId',
    ],
    [403, { error: 'insufficient_scope', error_description: 'messages:create is required' }, 'forbidden', undefined],
    [401, { error: 'invalid_token', error_description: 'Access token is invalid' }, 'unauthorized', undefined],
    [
      404,
      { errors: [{ key: 'message.entity_id', value: 1, message: 'Чат не найден', code: 'not_found', payload: null }] },
      'not_found',
      'entityId',
    ],
    [409, { errors: [{ key: 'message', value: null, message: 'Conflict', code: 'already_exists', payload: null }] }, 'conflict', 'message'],
    [
      410,
      { errors: [{ key: 'message.parent_message_id', value: 5, message: 'Сообщение удалено', code: 'message_deleted', payload: null }] },
      'not_found',
      'parentMessageId',
    ],
  ] as const)('maps %i to %s, pointing at the field', async (status, body, kind, field) => {
    sim.server.inject({ path: '/messages', status, body });
    const r = await pachcaAdapter.send(ctx(account), msg());
    expect(r).toMatchObject({ kind: 'failed', error: { kind, providerStatus: status } });
    assert(r.kind === 'failed');
    expect(r.error.field).toBe(field);
    expect(r.error.message.length).toBeGreaterThan(3);
  });

  it('waits on 429 with Retry-After; HTML, cut and huge replies are readable provider errors', async () => {
    sim.server.inject({ path: '/messages', status: 429, headers: { 'retry-after': '3' } });
    expect(await pachcaAdapter.send(ctx(account), msg())).toMatchObject({
      kind: 'retry',
      retryAt: 1_003_000,
      error: { kind: 'rate_limited' },
    });
    sim.server.inject({ path: '/messages', malformed: true, status: 200 }, { path: '/messages', hugeBytes: 2 * 1024 * 1024, status: 422 });
    expect(await pachcaAdapter.send(ctx(account), msg())).toMatchObject({ kind: 'unknown', error: { reason: 'unreadable_success' } });
    expect(await pachcaAdapter.send(ctx(account), msg())).toMatchObject({
      kind: 'failed',
      error: { kind: 'invalid', reason: 'unreadable_reply' },
    });
  });

  it.each([
    ['a gateway’s HTML 502', { html: true, status: 502 }],
    ['a cut-off 500', { malformed: true, status: 500 }],
    ['an oversized 503', { hugeBytes: 2 * 1024 * 1024, status: 503 }],
    [
      'a 504 with Pachca’s own error',
      { status: 504, body: { errors: [{ key: 'server', value: null, message: 'Timeout', code: 'unhandled', payload: null }] } },
    ],
  ])('leaves the message send unknown after %s: Pachca may have created it', async (_, fault) => {
    sim.server.inject({ path: '/messages', ...fault });
    const r = await pachcaAdapter.send(ctx(account), msg());
    expect(r).toMatchObject({ kind: 'unknown', error: { kind: 'outcome_unknown', reason: 'server_error', providerStatus: fault.status } });
  });

  it('leaves a timed-out or dropped message send unknown, but repeats a failed upload safely', async () => {
    sim.server.inject({ path: '/messages', delayMs: 600 });
    expect(await pachcaAdapter.send(ctx(account, 200), msg())).toMatchObject({ kind: 'unknown', error: { reason: 'timeout' } });
    sim.server.inject({ path: '/messages', dropAfterBody: true });
    expect(await pachcaAdapter.send(ctx(account), msg())).toMatchObject({ kind: 'unknown', error: { reason: 'connection_lost' } });
    const f = localFile('a.txt', 'hello', 'text/plain');
    sim.server.inject({ path: '/direct_upload', dropAfterBody: true });
    expect(await pachcaAdapter.send(ctx(account), msg({ files: [f.id] }))).toMatchObject({
      kind: 'retry',
      error: { kind: 'network', reason: 'not_reached' },
    });
    expect(sim.server.received.filter((r) => r.path === '/messages').length).toBe(2);
    expect(await pachcaAdapter.send(ctx({ ...account, baseUrl: await closedPortUrl() }), msg())).toMatchObject({
      kind: 'retry',
      error: { reason: 'not_reached' },
    });
  });

  it('checks the connection with GET /profile and notices a token of the wrong kind', async () => {
    expect(await pachcaAdapter.checkConnection!(ctx(account))).toMatchObject({ ok: true, reason: 'connected' });
    expect(await pachcaAdapter.checkConnection!(ctx({ ...account, settings: { provider: 'pachca', isBot: true } }))).toMatchObject({
      ok: false,
      reason: 'token_not_bot',
    });
    expect(await pachcaAdapter.checkConnection!(ctx({ ...account, secrets: { token: 'wrong-token-000' } }))).toMatchObject({
      ok: false,
      reason: 'token_rejected',
    });
  });

  it('paces a chat at four sends a second and describes a send for the history', () => {
    expect(pachcaAdapter.rateRules!(msg(), account)).toEqual([{ key: 'pachca:p1:discussion:334', limit: 4, windowMs: 1000 }]);
    expect(
      pachcaAdapter.describe(msg({ entityType: 'user', entityId: 7, buttons: [[{ text: 'Оплатить', url: 'https://pay.example' }]] })),
    ).toMatchObject({
      to: { kind: 'user', id: '7' },
      preview: { kind: 'text', text: 'Заказ №42 отправлен' },
      searchText: expect.stringContaining('Оплатить'),
    });
  });
});
