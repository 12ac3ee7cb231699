import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/accounts.ts';
import type { SendSummary } from '../../shared/sends.ts';
import { GreenApiV1Simulator } from '../sandbox/green-api-v1.ts';
import { testHost, value } from '../testing/host-fixture.ts';

/** The handler counts as the provider counts: "до 4096 символов" are code points, so emoji count once. */
const TOKEN = 'gr.lengths-token-5e6f';

describe('a Green-API text at the send handler', () => {
  const sim = new GreenApiV1Simulator({ tokens: [TOKEN] });
  let baseUrl: string;
  beforeAll(async () => {
    baseUrl = await sim.start();
  });
  afterAll(() => sim.stop());

  it('sends 4096 characters with 150 emoji and refuses 4097 before any request', async () => {
    const host = await testHost();
    try {
      const account = value<AccountView>(
        await host.dispatch('accounts.create', {
          name: 'WA',
          baseUrl,
          settings: { provider: 'greenapi', form: 'v1' },
          secrets: { token: TOKEN },
        }),
      );
      const text = '😀'.repeat(150) + 'я'.repeat(4096 - 150);
      const message = (body: string) => ({ provider: 'greenapi', recipientType: 'individual', to: '79001234567', text: body });
      const sent = value<SendSummary>(await host.dispatch('sends.send', { accountId: account.id, message: message(text) }));
      expect(sent.status).toBe('sent');
      expect(sim.messages.at(-1)!.body).toBe(text);

      const received = sim.server.received.length;
      const refused = await host.dispatch('sends.send', { accountId: account.id, message: message(`${text}😀`) });
      expect(refused).toMatchObject({ ok: false, error: { kind: 'invalid', field: 'text', reason: 'too_long', limit: 4096 } });
      expect(sim.server.received).toHaveLength(received);
    } finally {
      await host.dispose();
    }
  });
});
