import { randomBytes } from 'node:crypto';
import type { AccountSettings } from '../../shared/accounts.ts';
import type { ProviderId } from '../../shared/providers.ts';
import type { SandboxEndpoints } from '../vault/accounts.ts';
import { DiadocSimulator } from '../sandbox/diadoc.ts';
import { GreenApiInstanceSimulator } from '../sandbox/green-api-instance.ts';
import { GreenApiV1Simulator } from '../sandbox/green-api-v1.ts';
import { MarketSimulator } from '../sandbox/market.ts';
import { PachcaSimulator } from '../sandbox/pachca.ts';
import type { RecordLimits } from '../sandbox/server.ts';

/** Settings of the sandbox account each provider gets (the Pachca one is a bot, to show every field). */
export const sandboxSettings: Record<ProviderId, AccountSettings> = {
  pachca: { provider: 'pachca', isBot: true },
  diadoc: { provider: 'diadoc', authScheme: 'bearer', fromBoxId: 'sandbox-box-from@diadoc.ru' },
  market: { provider: 'market', businessId: '100500' },
  greenapi: { provider: 'greenapi', form: 'v1' },
};

/** What the app's simulators remember of the requests they get: enough to read, never a whole upload. */
export const SANDBOX_RECORD_LIMITS: RecordLimits = { requests: 200, bodyBytes: 64 * 1024 };

/**
 * The app's Sandbox: the simulators in-process on 127.0.0.1 with a fresh token per start, so a
 * new operator can send a message of every kind without credentials. Each one starts on the
 * first use of its sandbox account, not with the app, and keeps a bounded record.
 */
export class SandboxRuntime implements SandboxEndpoints {
  readonly token = `sbx_${randomBytes(12).toString('hex')}`;
  readonly pachca = new PachcaSimulator({ tokens: [this.token], botTokens: [this.token] });
  readonly diadoc = new DiadocSimulator({ tokens: [this.token] });
  readonly market = new MarketSimulator({ tokens: [this.token] });
  readonly greenV1 = new GreenApiV1Simulator({ tokens: [this.token] });
  readonly greenInstance = new GreenApiInstanceSimulator({ instances: { '1101000001': this.token } });
  private readonly starting = new Map<ProviderId, Promise<string>>();

  constructor() {
    for (const sim of this.simulators()) sim.server.keepAtMost(SANDBOX_RECORD_LIMITS);
  }

  private simulators() {
    return [this.pachca, this.diadoc, this.market, this.greenV1, this.greenInstance];
  }

  private simulatorFor(provider: ProviderId) {
    return { pachca: this.pachca, diadoc: this.diadoc, market: this.market, greenapi: this.greenV1 }[provider];
  }

  /** Which simulators are listening: only those whose sandbox account has been used. */
  running(): ProviderId[] {
    return [...this.starting.keys()];
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.starting.values());
    await Promise.all(this.simulators().map((s) => s.stop()));
    this.starting.clear();
  }

  /** The simulator's address, starting it on first use. */
  baseUrl(provider: ProviderId): Promise<string> {
    let url = this.starting.get(provider);
    if (!url) {
      url = this.simulatorFor(provider).start();
      this.starting.set(provider, url);
      // A simulator that failed to start is tried again on the next use.
      url.catch(() => this.starting.delete(provider));
    }
    return url;
  }

  tokenFor(_provider: ProviderId): string {
    return this.token;
  }

  clientId(_provider: ProviderId): string | undefined {
    return undefined;
  }
}
