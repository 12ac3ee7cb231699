import type { AccountView } from '../shared/accounts.ts';
import type { OutgoingMessage } from '../shared/messages/index.ts';
import type { HistoryStore } from '../electron/history/types.ts';
import { benchHost, value } from './bench-host.ts';
import type { SimProcess } from './sims.ts';
import { stats, type Stats } from './stats.ts';

export interface OverheadResult {
  provider: string;
  pipeline: Stats;
  bare: Stats;
  overheadP50: number;
  ratioP50: number;
}

/** Wraps the history's write methods to time what the pipeline spends on them per send. */
function timeHistory(history: HistoryStore): { perSend: number[]; mark(): void } {
  const perSend: number[] = [];
  let acc = 0;
  for (const name of ['insertSend', 'updateSend', 'startAttempt', 'finishAttempt', 'catchUpIndex'] as const) {
    const original = history[name].bind(history) as (...a: unknown[]) => unknown;
    // The wrapper hands back what the store answers: the outbox acts on whether a move applied.
    (history as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      const t0 = performance.now();
      const out = original(...args);
      acc += performance.now() - t0;
      return out;
    };
  }
  return {
    perSend,
    mark() {
      perSend.push(acc);
      acc = 0;
    },
  };
}

/**
 * The same sends through the host's contract call and the whole pipeline (validation, the
 * write-ahead record, the adapter, the final status) and as a bare fetch to the same simulator,
 * interleaved so both see the same machine state.
 */
export async function benchSendOverhead(sims: SimProcess, n = 2000): Promise<{ results: OverheadResult[]; historyPerSend: Stats }> {
  const { host, dispose } = await benchHost('overhead');
  const timer = timeHistory(host.history);
  const green = value<AccountView>(
    await host.dispatch('accounts.create', {
      name: 'WA',
      baseUrl: sims.urls.greenapi,
      settings: { provider: 'greenapi', form: 'v1' },
      secrets: { token: sims.token },
    }),
  );
  const pachca = value<AccountView>(
    await host.dispatch('accounts.create', {
      name: 'Pachca',
      baseUrl: sims.urls.pachca,
      settings: { provider: 'pachca', isBot: false },
      secrets: { token: sims.token },
    }),
  );

  const cases: { provider: string; accountId: string; message: (i: number) => OutgoingMessage; bare: () => Promise<unknown> }[] = [
    {
      provider: 'greenapi',
      accountId: green.id,
      message: () => ({ provider: 'greenapi', recipientType: 'individual', to: '79001234567', text: 'Ваш заказ №42 отправлен' }),
      bare: () =>
        fetch(`${sims.urls.greenapi}/v1/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${sims.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ to: '79001234567', type: 'text', text: { body: 'Ваш заказ №42 отправлен' } }),
        }).then((r) => r.text()),
    },
    {
      provider: 'pachca',
      accountId: pachca.id,
      // Spread over many chats: Pachca's per-chat pace (4 a second) is not what is measured here.
      message: (i) => ({ provider: 'pachca', entityType: 'discussion', entityId: 1000 + (i % 2000), content: 'Ваш заказ №42 отправлен' }),
      bare: () =>
        fetch(`${sims.urls.pachca}/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${sims.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ message: { entity_type: 'discussion', entity_id: 198, content: 'Ваш заказ №42 отправлен' } }),
        }).then((r) => r.text()),
    },
  ];
  const results: OverheadResult[] = [];
  for (const c of cases) {
    const a: number[] = [];
    const b: number[] = [];
    const warm = Math.min(200, n);
    for (let i = 0; i < n + warm; i++) {
      let t0 = performance.now();
      const r = await host.dispatch('sends.send', { accountId: c.accountId, message: c.message(i) });
      const ta = performance.now() - t0;
      timer.mark();
      if (!r.ok || (r.value as { status: string }).status !== 'sent')
        throw new Error(`${c.provider} send did not go: ${JSON.stringify(r).slice(0, 300)}`);
      t0 = performance.now();
      await c.bare();
      const tb = performance.now() - t0;
      if (i >= warm) {
        a.push(ta);
        b.push(tb);
      }
    }
    const pipeline = stats(a);
    const bare = stats(b);
    results.push({ provider: c.provider, pipeline, bare, overheadP50: pipeline.p50 - bare.p50, ratioP50: pipeline.p50 / bare.p50 });
  }
  const historyPerSend = stats(timer.perSend.slice(Math.min(200, n)));
  await dispose();
  return { results, historyPerSend };
}
