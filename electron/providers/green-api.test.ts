import { assert, afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GreenApiMessage } from '../../shared/messages/green-api.ts';
import { GreenApiInstanceSimulator } from '../sandbox/green-api-instance.ts';
import { GreenApiV1Simulator } from '../sandbox/green-api-v1.ts';
import { closedPortUrl } from '../testing/net.ts';
import { greenApiAdapter } from './green-api.ts';
import type { AdapterAccount, AdapterContext } from './types.ts';

const TOKEN = 'gr.v1-token-abcdef123456';
const INSTANCE_TOKEN = 'd75b3a66374942c5b3c019c698abc2067e151558acbd412345';
const msg = (over: Partial<GreenApiMessage> = {}): GreenApiMessage => ({
  provider: 'greenapi',
  recipientType: 'individual',
  to: '79001234567',
  text: 'Заказ №42 отправлен',
  ...over,
});

function ctx(account: AdapterAccount, timeoutMs = 2000): AdapterContext {
  return {
    account,
    file: () => {
      throw new Error('no files here');
    },
    idempotencyKey: 'k',
    timeoutMs,
    now: () => 1_000_000,
  };
}

describe('Green-API v1 (/v1/messages)', () => {
  const sim = new GreenApiV1Simulator({ tokens: [TOKEN] });
  let account: AdapterAccount;
  beforeAll(async () => {
    account = { id: 'a1', baseUrl: await sim.start(), settings: { provider: 'greenapi', form: 'v1' }, secrets: { token: TOKEN } };
  });
  afterAll(() => sim.stop());
  beforeEach(() => {
    sim.server.clearFaults();
    sim.server.received.length = 0;
  });

  it('sends an individual text with the Bearer token and returns the provider id', async () => {
    const r = await greenApiAdapter.send(ctx(account), msg({ to: '+7 (900) 123-45-67' }));
    expect(r).toMatchObject({ kind: 'sent', providerMessageId: sim.messages.at(-1)!.id });
    const req = sim.server.received.at(-1)!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1/messages');
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.body.toString())).toEqual({ to: '79001234567', type: 'text', text: { body: 'Заказ №42 отправлен' } });
  });

  it('names a group with recipient_type "group"', async () => {
    await greenApiAdapter.send(ctx(account), msg({ recipientType: 'group', to: '79001234567-1581234048' }));
    expect(JSON.parse(sim.server.received.at(-1)!.body.toString())).toEqual({
      recipient_type: 'group',
      to: '79001234567-1581234048',
      type: 'text',
      text: { body: 'Заказ №42 отправлен' },
    });
  });

  it('keeps the token out of the recorded exchange', async () => {
    const r = await greenApiAdapter.send(ctx(account), msg());
    expect(JSON.stringify(r.exchanges)).not.toContain(TOKEN);
    expect(r.exchanges[0]!.requestHeaders.authorization).toBe('Bearer ‹redacted›');
  });

  it('maps the simulator’s own refusals: a wrong token is unauthorized, a bad number names the field', async () => {
    const wrong = await greenApiAdapter.send(ctx({ ...account, secrets: { token: 'gr.wrong-token-000' } }), msg());
    expect(wrong).toMatchObject({ kind: 'failed', error: { kind: 'unauthorized', providerCode: '1041', providerStatus: 400 } });
    const long = await greenApiAdapter.send(ctx(account), msg({ text: 'x'.repeat(4097) }));
    expect(long).toMatchObject({ kind: 'failed', error: { kind: 'too_large', field: 'text', providerCode: '1032' } });
  });

  it.each([
    [1020, 'invalid', 'to'],
    [1021, 'invalid', 'to'],
    [1022, 'not_found', 'to'],
    [1023, 'forbidden', 'to'],
    [1030, 'invalid', 'text'],
    [1031, 'invalid', 'text'],
    [1032, 'too_large', 'text'],
    [1040, 'unauthorized', undefined],
    [1041, 'unauthorized', undefined],
    [1042, 'provider_error', undefined],
    [1060, 'provider_error', undefined],
    [1061, 'not_found', undefined],
    [1062, 'payment_required', undefined],
    [1071, 'forbidden', undefined],
    [82, 'rate_limited', undefined],
  ] as const)('maps documented error %i to %s with the provider’s words', async (code, kind, field) => {
    sim.server.inject({ status: 400, body: { errors: [{ code, details: `details ${code}`, title: `заголовок ${code}` }], meta: {} } });
    const r = await greenApiAdapter.send(ctx(account), msg());
    expect(r.kind).toBe('failed');
    if (r.kind !== 'failed') return;
    expect(r.error).toMatchObject({
      kind,
      providerStatus: 400,
      providerCode: String(code),
      providerText: `заголовок ${code} — details ${code}`,
    });
    expect(r.error.field).toBe(field);
  });

  it('calls a gateway’s HTML 502 and 504 unknown, keeping the page readable: the message may have been queued', async () => {
    for (const status of [502, 504]) {
      sim.server.inject({ html: true, status });
      const r = await greenApiAdapter.send(ctx(account), msg());
      expect(r).toMatchObject({ kind: 'unknown', error: { kind: 'outcome_unknown', reason: 'server_error', providerStatus: status } });
      assert(r.kind === 'unknown');
      expect(r.error.providerText).toContain('Bad Gateway');
    }
  });

  it('turns a cut-off JSON body and a huge body into a readable outcome, never a crash', async () => {
    sim.server.inject({ malformed: true, status: 500 }, { hugeBytes: 3 * 1024 * 1024, status: 400 });
    expect(await greenApiAdapter.send(ctx(account), msg())).toMatchObject({ kind: 'unknown', error: { kind: 'outcome_unknown' } });
    const huge = await greenApiAdapter.send(ctx(account), msg());
    expect(huge).toMatchObject({ kind: 'failed', error: { kind: 'invalid', reason: 'unreadable_reply' } });
    assert(huge.kind === 'failed');
    expect(huge.error.message).toContain('oversized');
  });

  it('calls a 201 whose body cannot be read an unknown outcome, not a failure to repeat', async () => {
    sim.server.inject({ malformed: true, status: 201 });
    expect(await greenApiAdapter.send(ctx(account), msg())).toMatchObject({
      kind: 'unknown',
      error: { kind: 'outcome_unknown', reason: 'unreadable_success' },
    });
  });

  it('waits on 429 with Retry-After instead of failing', async () => {
    sim.server.inject({ status: 429, headers: { 'retry-after': '7' } });
    expect(await greenApiAdapter.send(ctx(account), msg())).toMatchObject({
      kind: 'retry',
      retryAt: 1_000_000 + 7000,
      error: { kind: 'rate_limited' },
    });
  });

  it('calls a timeout after the body was sent an unknown outcome', async () => {
    sim.server.inject({ delayMs: 800 });
    expect(await greenApiAdapter.send(ctx(account, 200), msg())).toMatchObject({
      kind: 'unknown',
      error: { kind: 'outcome_unknown', reason: 'timeout' },
    });
  });

  it('calls a connection dropped after the body an unknown outcome', async () => {
    sim.server.inject({ dropAfterBody: true });
    expect(await greenApiAdapter.send(ctx(account), msg())).toMatchObject({
      kind: 'unknown',
      error: { kind: 'outcome_unknown', reason: 'connection_lost' },
    });
  });

  it('retries a refused connection: nothing reached the provider', async () => {
    const r = await greenApiAdapter.send(ctx({ ...account, baseUrl: await closedPortUrl() }), msg());
    expect(r).toMatchObject({ kind: 'retry', error: { kind: 'network', reason: 'not_reached' } });
  });

  it('refuses 4097 characters before sending and accepts 4096', () => {
    expect(greenApiAdapter.check(msg({ text: 'a'.repeat(4097) }), account)).toEqual([{ field: 'text', reason: 'too_long', limit: 4096 }]);
    expect(greenApiAdapter.check(msg({ text: 'a'.repeat(4096) }), account)).toEqual([]);
    expect(greenApiAdapter.check(msg({ to: '12ab' }), account)).toEqual([{ field: 'to', reason: 'bad_phone' }]);
  });
});

describe('Green-API instance form (waInstance…/sendMessage)', () => {
  const sim = new GreenApiInstanceSimulator({ instances: { '1101000001': INSTANCE_TOKEN } });
  let account: AdapterAccount;
  beforeAll(async () => {
    account = {
      id: 'a2',
      baseUrl: await sim.start(),
      settings: { provider: 'greenapi', form: 'instance', idInstance: '1101000001' },
      secrets: { token: INSTANCE_TOKEN },
    };
  });
  afterAll(() => sim.stop());

  it('puts the credentials in the path, the chat id with its suffix in the body, and redacts the token from history', async () => {
    const r = await greenApiAdapter.send(ctx(account), msg({ recipientType: 'group', to: '120363043968066561' }));
    expect(r).toMatchObject({ kind: 'sent', providerMessageId: sim.messages.at(-1)!.idMessage });
    const req = sim.server.received.at(-1)!;
    expect(req.path).toBe(`/waInstance1101000001/sendMessage/${INSTANCE_TOKEN}`);
    expect(req.headers.authorization).toBeUndefined();
    expect(JSON.parse(req.body.toString())).toEqual({ chatId: '120363043968066561@g.us', message: 'Заказ №42 отправлен' });
    expect(JSON.stringify(r.exchanges)).not.toContain(INSTANCE_TOKEN);
    expect(r.exchanges[0]!.url).toMatch(/sendMessage\/‹redacted›$/);
  });

  it('holds this form to 4096 characters too, the stricter of the two revisions the sheet quotes', async () => {
    expect(greenApiAdapter.check(msg({ text: 'a'.repeat(4096) }), account)).toEqual([]);
    expect(greenApiAdapter.check(msg({ text: 'a'.repeat(4097) }), account)).toEqual([{ field: 'text', reason: 'too_long', limit: 4096 }]);
    const emoji = '😀'.repeat(150) + 'я'.repeat(4096 - 150);
    expect(await greenApiAdapter.send(ctx(account), msg({ text: emoji }))).toMatchObject({ kind: 'sent' });
    expect(sim.messages.at(-1)!.message).toBe(emoji);
  });

  it('maps a wrong token to unauthorized and an unknown instance to forbidden', async () => {
    expect(await greenApiAdapter.send(ctx({ ...account, secrets: { token: 'nope-nope' } }), msg())).toMatchObject({
      kind: 'failed',
      error: { kind: 'unauthorized', providerStatus: 401 },
    });
    expect(
      await greenApiAdapter.send(ctx({ ...account, settings: { provider: 'greenapi', form: 'instance', idInstance: '999' } }), msg()),
    ).toMatchObject({ kind: 'failed', error: { kind: 'forbidden', providerStatus: 403 } });
  });

  it('reads the 466 quota body', async () => {
    sim.server.inject({
      status: 466,
      body: {
        invokeStatus: {
          method: 'sendMessage',
          used: 3,
          total: 3,
          status: 'QUOTE_EXCEEDED',
          description: 'Monthly quota has been exceeded',
        },
      },
    });
    expect(await greenApiAdapter.send(ctx(account), msg())).toMatchObject({
      kind: 'failed',
      error: { kind: 'rate_limited', providerCode: 'QUOTE_EXCEEDED', message: 'Monthly quota has been exceeded' },
    });
  });

  it('checks the connection with getStateInstance, and says plainly when the token is wrong', async () => {
    expect(await greenApiAdapter.checkConnection!(ctx(account))).toEqual({ ok: true, reason: 'connected', detail: 'authorized' });
    expect(await greenApiAdapter.checkConnection!(ctx({ ...account, secrets: { token: 'nope-nope' } }))).toMatchObject({
      ok: false,
      reason: 'token_rejected',
    });
  });
});
