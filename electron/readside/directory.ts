import { z } from 'zod';
import { type SendError } from '../../shared/errors.ts';
import { OperatorError, sendError } from '../../shared/operator-error.ts';
import type { OutgoingMessage } from '../../shared/messages/index.ts';
import {
  SNAPSHOT_BY_NAME,
  SNAPSHOT_PAGE,
  type Conversation,
  type DirectorySnapshot,
  type DirectoryState,
  type RecipientSearchResult,
} from '../../shared/recipients.ts';
import { mayLookUp } from '../../shared/recipient-match.ts';
import type { Clock } from '../clock.ts';
import { storedJson } from '../stored-json.ts';
import type { AccountView } from '../../shared/accounts.ts';
import type { AdapterAccount } from '../providers/types.ts';
import type { DirectoryEntry, DirectoryStore } from './directory-store.ts';
import type { ReadClient } from './read-client.ts';
import type { ProviderReader, ReaderContext } from './reader.ts';
import { readers } from './readers/index.ts';

export interface AccountSource {
  list(): AccountView[];
  resolve(id: string): Promise<{ view: AccountView; adapter: AdapterAccount }>;
}

/** A directory older than this is read again in the background. */
const STALE_MS = 30 * 60_000;
/** How often the background looks for stale directories. */
const SWEEP_EVERY_MS = 5 * 60_000;

interface Deps {
  store: DirectoryStore;
  client: ReadClient;
  accounts: AccountSource;
  clock: Clock;
  /**
   * Told when what a search over the account would answer may have changed, so an open picker asks
   * again; `used` when the change was only a recipient written to (a picker can mark its copy itself).
   */
  changed?: (accountId: string, used?: { target: string; at: number }) => void;
}

/** During a refresh the picker hears of new pages at most this often (a large directory has hundreds). */
const PAGE_NEWS_EVERY_MS = 1000;
/**
 * Rows stored in one transaction. Storing (the FTS index above all) is CPU on the main thread, which
 * a send needs too: a page is stored in pieces this small, each only while no send is under way.
 */
const STORE_CHUNK = 20;

const stateSchema = z.object({ refreshedAt: z.number().optional(), error: z.custom<SendError>().optional() });

/**
 * The recipient directory and conversations, read in the main process. Refreshes run one at a
 * time per account, page by page through the read client (which lets every send go first), and
 * store each page as it arrives, so a search works on what is known while the rest loads.
 */
export class Directory {
  private readonly running = new Map<string, Promise<DirectoryState>>();
  private readonly states = new Map<string, { refreshedAt?: number; error?: SendError }>();
  private timer: unknown;
  private closed = false;
  private readonly d: Deps;

  constructor(d: Deps) {
    this.d = d;
  }

  private reader(view: AccountView): ProviderReader {
    return readers[view.provider];
  }

  private context(account: AdapterAccount): ReaderContext {
    return { account, client: this.d.client, nameOf: (t) => this.d.store.one(account.id, account.settings.provider, t)?.name || undefined };
  }

  private view(accountId: string): AccountView {
    const v = this.d.accounts.list().find((a) => a.id === accountId);
    if (!v) throw new OperatorError(sendError('not_found', 'There is no such account.', { reason: 'account_missing' }));
    return v;
  }

  private supported(view: AccountView): boolean {
    // The reader's own test needs the decrypted account; the settings alone decide it, so a view will do.
    return this.reader(view).supports({ id: view.id, baseUrl: view.baseUrl, settings: view.settings, secrets: {} });
  }

  state(accountId: string): DirectoryState {
    const view = this.view(accountId);
    const count = this.d.store.count(accountId);
    if (!this.supported(view)) return { state: 'unsupported', count };
    const s = this.states.get(accountId) ?? this.load(accountId);
    if (this.running.has(accountId)) return { state: 'refreshing', count, ...(s.refreshedAt ? { refreshedAt: s.refreshedAt } : {}) };
    if (s.error) return { state: 'failed', count, error: s.error, ...(s.refreshedAt ? { refreshedAt: s.refreshedAt } : {}) };
    return s.refreshedAt ? { state: 'ready', count, refreshedAt: s.refreshedAt } : { state: 'never', count };
  }

  private load(accountId: string): { refreshedAt?: number; error?: SendError } {
    const raw = this.d.store.getState(`directory:${accountId}`);
    const parsed = raw ? stateSchema.safeParse(storedJson(raw)) : undefined;
    const s = parsed?.success ? (parsed.data.refreshedAt ? { refreshedAt: parsed.data.refreshedAt } : {}) : {};
    this.states.set(accountId, s);
    return s;
  }

  /** Reads the account's whole directory again (joins a refresh already running). */
  refresh(accountId: string): Promise<DirectoryState> {
    const running = this.running.get(accountId);
    if (running) return running;
    const view = this.view(accountId);
    if (!this.supported(view)) return Promise.resolve(this.state(accountId));
    const run = this.run(view).finally(() => {
      this.running.delete(accountId);
      this.d.changed?.(accountId);
    });
    this.running.set(accountId, run);
    this.d.changed?.(accountId);
    return run;
  }

  private async run(view: AccountView): Promise<DirectoryState> {
    const generation = this.d.clock.now();
    try {
      const { adapter } = await this.d.accounts.resolve(view.id);
      const ctx = this.context(adapter);
      let toldAt = -Infinity;
      for await (const page of this.reader(view).directory(ctx)) {
        if (this.closed) return this.state(view.id);
        await this.store(view.id, page, generation);
        if (this.d.clock.now() - toldAt >= PAGE_NEWS_EVERY_MS) {
          toldAt = this.d.clock.now();
          this.d.changed?.(view.id);
        }
      }
      // What no list named any more goes in pieces too: each row leaves the FTS index as well.
      for (;;) {
        await this.d.client.stepAside();
        if (this.closed) return this.state(view.id);
        if (this.d.store.sweep(view.id, generation, STORE_CHUNK) === 0) break;
      }
      this.remember(view.id, { refreshedAt: this.d.clock.now() });
    } catch (e) {
      const error =
        e instanceof OperatorError ? e.error : sendError('provider_error', 'The list could not be read.', { reason: 'read_failed' });
      if (!(e instanceof OperatorError)) console.error('[directory] refresh failed:', e);
      this.remember(view.id, { ...this.states.get(view.id), error });
    }
    this.running.delete(view.id);
    return this.state(view.id);
  }

  /** A refresh's page, stored piece by piece in the gaps between sends (bench: "send during refresh"). */
  private async store(accountId: string, page: readonly DirectoryEntry[], generation: number): Promise<void> {
    for (let i = 0; i < page.length; i += STORE_CHUNK) {
      await this.d.client.stepAside();
      if (this.closed) return;
      this.d.store.put(accountId, page.slice(i, i + STORE_CHUNK), generation);
    }
  }

  private remember(accountId: string, s: { refreshedAt?: number; error?: SendError }): void {
    this.states.set(accountId, s);
    this.d.store.setState(`directory:${accountId}`, JSON.stringify({ refreshedAt: s.refreshedAt }));
  }

  async search(accountId: string, text: string, limit: number): Promise<RecipientSearchResult> {
    const view = this.view(accountId);
    let items = this.d.store.search(accountId, view.provider, text, limit);
    const reader = this.reader(view);
    // An INN that no counterparty has: ask the provider's organisation look-up (Diadoc).
    if (items.length === 0 && reader.lookup && mayLookUp(text) && this.supported(view)) {
      const { adapter } = await this.d.accounts.resolve(accountId);
      const found = await reader.lookup(this.context(adapter), text);
      if (found.length) {
        // Marked now: a refresh running meanwhile keeps it; the next one drops it if no list names it.
        this.d.store.put(accountId, found, this.d.clock.now());
        items = this.d.store.search(accountId, view.provider, text, limit);
      }
    }
    if (this.state(accountId).state === 'never') void this.refresh(accountId);
    return { items, directory: this.state(accountId), revision: this.d.store.revision(accountId) };
  }

  /**
   * A page of the account's directory for the picker's own copy (nothing for a provider without one);
   * the first page also carries the first rows by name, which an empty search lists.
   */
  snapshot(accountId: string, after: number | undefined): DirectorySnapshot {
    const directory = this.state(accountId);
    const revision = this.d.store.revision(accountId);
    const provider = this.view(accountId).provider;
    if (directory.state === 'unsupported')
      return { revision, provider, directory, targets: [], kinds: '', names: [], details: [], used: [], byName: [] };
    const byName =
      after === undefined
        ? this.d.store.firstByName(accountId, provider, SNAPSHOT_BY_NAME).map(({ accountId: _a, provider: _p, ...r }) => r)
        : [];
    return { revision, provider, directory, byName, ...this.d.store.snapshotPage(accountId, after ?? 0, SNAPSHOT_PAGE) };
  }

  /** The conversation from the cache, or read now (`fresh`, or nothing cached). Never throws for a read failure. */
  async conversation(accountId: string, target: string, fresh: boolean): Promise<Conversation> {
    const view = this.view(accountId);
    const reader = this.reader(view);
    if (!reader.conversation || !this.supported(view)) return { state: 'unsupported', items: [], fromCache: false };
    const cached = this.d.store.conversation(accountId, target);
    if (cached && !fresh) return { state: 'ok', items: cached.items, fetchedAt: cached.fetchedAt, fromCache: true };
    try {
      const { adapter } = await this.d.accounts.resolve(accountId);
      const items = (await reader.conversation(this.context(adapter), target)).slice(-200);
      const fetchedAt = this.d.clock.now();
      this.d.store.putConversation(accountId, target, fetchedAt, items);
      return { state: 'ok', items, fetchedAt, fromCache: false };
    } catch (e) {
      const error =
        e instanceof OperatorError
          ? e.error
          : sendError('provider_error', 'The conversation could not be read.', { reason: 'read_failed' });
      return {
        state: 'failed',
        items: cached?.items ?? [],
        fromCache: cached !== undefined,
        error,
        ...(cached ? { fetchedAt: cached.fetchedAt } : {}),
      };
    }
  }

  /** A send was submitted to `message`'s recipient: it becomes recent. */
  used(accountId: string, provider: AccountView['provider'], message: OutgoingMessage, label: string): void {
    const target = readers[provider].targetOf(message);
    if (!target) return;
    const at = this.d.clock.now();
    this.d.store.markUsed(accountId, target, label, at);
    // It moves to the top of the picker, whose copy of the directory is now one write behind.
    this.d.changed?.(accountId, { target, at });
  }

  nameForLabel(accountId: string, label: string): string | undefined {
    return this.d.store.nameForLabel(accountId, label);
  }

  /** Refreshes stale directories now and every few minutes, one account at a time. */
  startBackground(): void {
    const tick = async () => {
      for (const a of this.d.accounts.list()) {
        if (this.closed) return;
        const s = this.state(a.id);
        if (s.state === 'unsupported' || s.state === 'refreshing') continue;
        if (!s.refreshedAt || this.d.clock.now() - s.refreshedAt > STALE_MS) await this.refresh(a.id);
      }
      if (!this.closed) this.timer = this.d.clock.setTimer(() => void tick(), SWEEP_EVERY_MS);
    };
    this.timer = this.d.clock.setTimer(() => void tick(), 2000);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) this.d.clock.clearTimer(this.timer);
    await Promise.allSettled(this.running.values());
  }
}
