import { randomBytes } from 'node:crypto';
import type { AccountSettings } from '../../shared/accounts.ts';
import type { ProviderId } from '../../shared/providers.ts';
import type { SandboxEndpoints } from '../vault/accounts.ts';
import { DiadocSimulator } from '../sandbox/diadoc.ts';
import { GreenApiInstanceSimulator } from '../sandbox/green-api-instance.ts';
import { GreenApiV1Simulator } from '../sandbox/green-api-v1.ts';
import { MarketSimulator } from '../sandbox/market.ts';
import { PachcaSimulator } from '../sandbox/pachca.ts';

/** Settings of the sandbox account each provider gets (the Pachca one is a bot, to show every field). */
export const sandboxSettings: Record<ProviderId, AccountSettings> = {
  pachca: { provider: 'pachca', isBot: true },
  diadoc: { provider: 'diadoc', authScheme: 'bearer', fromBoxId: 'sandbox-box-from@diadoc.ru' },
  market: { provider: 'market', businessId: '100500' },
  greenapi: { provider: 'greenapi', form: 'v1' },
};

/**
 * The app's Sandbox: every simulator running in-process on 127.0.0.1 with a fresh token per
 * start, so a new operator can send a message of every kind without credentials.
 */
export class SandboxRuntime implements SandboxEndpoints {
  readonly token = `sbx_${randomBytes(12).toString('hex')}`;
  readonly pachca = new PachcaSimulator({ tokens: [this.token], botTokens: [this.token] });
  readonly diadoc = new DiadocSimulator({ tokens: [this.token] });
  readonly market = new MarketSimulator({ tokens: [this.token] });
  readonly greenV1 = new GreenApiV1Simulator({ tokens: [this.token] });
  readonly greenInstance = new GreenApiInstanceSimulator({ instances: { '1101000001': this.token } });
  private urls: Partial<Record<ProviderId, string>> = {};

  async start(): Promise<void> {
    const [pachca, diadoc, market, greenapi] = await Promise.all([
      this.pachca.start(),
      this.diadoc.start(),
      this.market.start(),
      this.greenV1.start(),
      this.greenInstance.start(),
    ]);
    this.urls = { pachca, diadoc, market, greenapi };
  }

  async stop(): Promise<void> {
    await Promise.all([this.pachca.stop(), this.diadoc.stop(), this.market.stop(), this.greenV1.stop(), this.greenInstance.stop()]);
  }

  baseUrl(provider: ProviderId): string {
    const u = this.urls[provider];
    if (!u) throw new Error('sandbox is not started');
    return u;
  }

  tokenFor(_provider: ProviderId): string {
    return this.token;
  }

  clientId(_provider: ProviderId): string | undefined {
    return undefined;
  }
}
