import type { AccountView } from '../shared/accounts.ts';
import type { Conversation, DirectoryState } from '../shared/recipients.ts';
import type { SendSummary } from '../shared/sends.ts';
import { DirectoryStore } from '../electron/readside/directory-store.ts';
import { benchHost, value } from './bench-host.ts';
import type { SimProcess } from './sims.ts';
import { stats, type Stats } from './stats.ts';

const BUSINESS = '100500';
/** yandex-market.md §9.6: getChats is allowed 5 000 requests an hour per cabinet (the spec's tier). */
export const MARKET_GET_CHATS_PER_HOUR = 5000;

export interface ConversationFresh {
  pipeline: Stats;
  bare: Stats;
  /** Per run: the host's time minus the bare request's time in the same run. */
  overhead: Stats;
}

export interface RefreshFigures {
  chats: number;
  stored: number;
  /** getChats requests the refresh made, counted by the simulator's quota headers. */
  requests: number;
  seconds: number;
  sendIdle: Stats;
  sendDuring: Stats;
  sendsDuring: number;
  /** Directory page writes (main-thread SQLite + FTS work) made while a send was waiting or on its way, and their time. */
  writesDuringSends: { writes: number; of: number; ms: number };
}

/**
 * Counts the directory's page writes that ran while some send was waiting or on its way: the
 * main-thread work a refresh can put in a send's path. Measured by wrapping the store for the run.
 */
function watchDirectoryWrites(): { figures: () => RefreshFigures['writesDuringSends']; stop: () => void } {
  type Put = (this: DirectoryStore, ...args: Parameters<DirectoryStore['put']>) => void;
  const original = Object.getOwnPropertyDescriptor(DirectoryStore.prototype, 'put')!;
  const put = original.value as Put;
  const f = { writes: 0, of: 0, ms: 0 };
  const watched: Put = function (...args) {
    const during = this.sendActive();
    const t0 = performance.now();
    try {
      put.apply(this, args);
    } finally {
      f.of++;
      if (during) {
        f.writes++;
        f.ms += performance.now() - t0;
      }
    }
  };
  Object.defineProperty(DirectoryStore.prototype, 'put', { ...original, value: watched });
  return { figures: () => ({ ...f }), stop: () => Object.defineProperty(DirectoryStore.prototype, 'put', original) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the simulator says is left of the cabinet's getChats quota (one request of its own). */
async function getChatsRemaining(sims: SimProcess): Promise<number> {
  const res = await fetch(`${sims.urls.market}/v2/businesses/${BUSINESS}/chats?limit=1`, {
    method: 'POST',
    headers: { 'api-key': sims.token, 'content-type': 'application/json' },
    body: '{}',
  });
  await res.text();
  return Number(res.headers.get('x-ratelimit-resource-remaining'));
}

/**
 * Issue 14's read-side targets against the Market simulator in its own process:
 * - a conversation opened fresh through the host (contract call, read client, limiter, parsing,
 *   the cache write) beside the bare getChatHistory request it makes, interleaved;
 * - a directory refresh of `chats` chats: the requests it takes against the hourly quota, and
 *   the latency of sends made while it runs beside the same sends without it.
 */
export async function benchReadSide(
  sims: SimProcess,
  opts: { conversations: number; chats: number; sends: number },
): Promise<{ conversation: ConversationFresh; refresh: RefreshFigures }> {
  const { host, dispose } = await benchHost('readside');
  try {
    const account = value<AccountView>(
      await host.dispatch('accounts.create', {
        name: 'Market',
        baseUrl: sims.urls.market,
        settings: { provider: 'market', businessId: BUSINESS },
        secrets: { token: sims.token },
      }),
    );

    // Opening a conversation fresh: the host's whole path against the simulator's own latency.
    const chatId = '7000011';
    const bare = () =>
      fetch(`${sims.urls.market}/v2/businesses/${BUSINESS}/chats/history?chatId=${chatId}&limit=50`, {
        method: 'POST',
        headers: { 'api-key': sims.token, 'content-type': 'application/json', accept: 'application/json' },
        body: '{}',
      }).then((r) => r.text());
    const warm = Math.min(20, opts.conversations);
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < opts.conversations + warm; i++) {
      let t0 = performance.now();
      const c = value<Conversation>(await host.dispatch('conversations.get', { accountId: account.id, target: chatId, fresh: true }));
      const ta = performance.now() - t0;
      if (c.state !== 'ok' || c.fromCache) throw new Error(`conversation not read fresh: ${JSON.stringify(c).slice(0, 300)}`);
      t0 = performance.now();
      await bare();
      const tb = performance.now() - t0;
      if (i >= warm) {
        a.push(ta);
        b.push(tb);
      }
    }
    const conversation = { pipeline: stats(a), bare: stats(b), overhead: stats(a.map((x, i) => x - b[i]!)) };

    // Sends at an operator's brisk pace, one every 50 ms, with and without a refresh running.
    let n = 0;
    const send = async (): Promise<number> => {
      const t0 = performance.now();
      const s = value<SendSummary>(
        await host.dispatch('sends.send', {
          accountId: account.id,
          message: {
            provider: 'market',
            businessId: BUSINESS,
            chatId: String(7_000_001 + (n++ % 50)),
            kind: 'text',
            text: 'Заказ передан в доставку',
          },
        }),
      );
      if (s.status !== 'sent') throw new Error(`Market send did not go: ${s.status}`);
      return performance.now() - t0;
    };
    const idle: number[] = [];
    for (let i = 0; i < opts.sends; i++) {
      idle.push(await send());
      await sleep(50);
    }

    const before = await getChatsRemaining(sims);
    const watch = watchDirectoryWrites();
    const t0 = performance.now();
    let done = false;
    const refresh = host.dispatch('recipients.refresh', { accountId: account.id }).finally(() => (done = true));
    const during: number[] = [];
    // A send counts when it was made while the refresh ran (the first always is), however it ended.
    while (!done) {
      during.push(await send());
      await sleep(50);
    }
    const state = value<DirectoryState>(await refresh);
    const seconds = (performance.now() - t0) / 1000;
    watch.stop();
    if (state.state !== 'ready') throw new Error(`the refresh ended ${state.state}: ${JSON.stringify(state.error)}`);
    const after = await getChatsRemaining(sims);
    return {
      conversation,
      refresh: {
        chats: opts.chats,
        stored: state.count,
        // The two quota probes count themselves: one of them falls between before and after.
        requests: before - after - 1,
        seconds,
        sendIdle: stats(idle),
        sendDuring: stats(during),
        sendsDuring: during.length,
        writesDuringSends: watch.figures(),
      },
    };
  } finally {
    await dispose();
  }
}
