import { z } from 'zod';
import type { AccountView } from '../../shared/accounts.ts';
import { plainPreview } from '../../shared/send-labels.ts';
import type { SendSummary } from '../../shared/sends.ts';
import type { SecretBox } from '../vault/secret-box.ts';
import type { SettingsStore } from '../vault/accounts.ts';
import { chatKeyOf, teamIdentityOf } from './identity.ts';
import { TeamJournal } from './journal.ts';
import { TrailCache } from './trail-cache.ts';
import type { ClaimResult, TeamLink, TeamLinkFactory, TeamSendRow, TemplateDeleteResult, TemplateSaveResult } from './link.ts';

/**
 * The desktop's uplink to its team. It works strictly after the local commit: the history's
 * change event names a send, the uplink reads its summary and journals it, and a drain pushes the
 * journal to the team server idempotently by id. Offline, nothing is lost: the journal is on disk
 * and is replayed on reconnect; claims made offline are soft until the server settles them.
 */
export interface UplinkDeps {
  journalFile: string;
  summaryOf(id: string): SendSummary | undefined;
  accountOf(id: string): AccountView | undefined;
  settings: SettingsStore;
  secretBox: SecretBox;
  factory: TeamLinkFactory;
  now(): number;
  /** Told when the team view, the connection or the journal changed. */
  changed(): void;
  /** The pauses before the journal is pushed again after the server could not be reached (retryPausesMs unless told). */
  retryPausesMs?: readonly number[];
}

export const claimTtlMs = 2 * 3_600_000;
/** How far back a send by someone else makes the composer warn. */
export const recentAnswerMs = 4 * 3_600_000;
const presenceEveryMs = 30_000;
/**
 * Pauses before a drain that could not reach the server is tried again: short at first, because a
 * publish lost with a connection that is back at once should not wait; longer while the server stays
 * away. The link becoming live again starts a drain at once whatever the pause.
 */
export const retryPausesMs: readonly number[] = [250, 500, 1_000, 2_000];
/**
 * A send still on its way (queued, sending, waiting for the provider) mostly reaches its outcome
 * within a fraction of a second: it is journalled only once that window has passed, so a quick send
 * costs one journal commit and one team write (the outcome) instead of three. The journal's commit is
 * an fsync on the main thread: taken while the send itself was in flight, it made team mode's sends
 * 1–6 ms slower than without (bench/team-send-path.ts). A send that stays on its way longer is
 * journalled and shared as it is. Losing such a row in a crash loses nothing: the outbox settles every
 * send it finds on its way at the next start, and that change is journalled.
 */
export const onItsWayWindowMs = 250;
const onItsWay: ReadonlySet<string> = new Set(['pending', 'sending', 'waiting']);

/** The team sign-in kept in the settings file: the refresh token sealed by the secret box. */
const savedTeamSchema = z.object({ server: z.string(), login: z.string(), refresh: z.string() });
const savedTeam = (v: unknown) => savedTeamSchema.safeParse(v).data;

export class TeamUplink {
  private readonly journal: TeamJournal;
  private link: TeamLink | undefined;
  private readonly trails = new TrailCache();
  private unsubscribe: (() => void) | undefined;
  private draining: Promise<void> | undefined;
  private queued = new Set<string>();
  private flushTimer: ReturnType<typeof setImmediate> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Sends on their way, not journalled yet, by when their window ends. */
  private readonly onTheirWay = new Map<string, number>();
  private holdTimer: ReturnType<typeof setTimeout> | undefined;
  private beatTimer: ReturnType<typeof setInterval> | undefined;
  private wasOnline = false;
  /** Drains in a row that could not reach the server: which retry pause comes next. */
  private failedDrains = 0;
  /** When the team view was last known to be current: "as of" while offline. */
  private freshAt: number | undefined;
  private closed = false;

  private readonly d: UplinkDeps;

  constructor(d: UplinkDeps) {
    this.d = d;
    this.journal = new TeamJournal(d.journalFile);
  }

  /** Signs in again with the saved refresh token, in the background: start-up never waits on the team. */
  resume(): void {
    const saved = savedTeam(this.d.settings.get('team'));
    if (!saved) return;
    void (async () => {
      try {
        const refreshToken = await this.d.secretBox.decrypt(saved.refresh);
        this.attach(await this.d.factory(saved.server, { refreshToken }));
      } catch {
        this.d.changed();
      }
    })();
  }

  async connect(server: string, login: string, password: string): Promise<void> {
    const link = await this.d.factory(server, { login, password });
    this.d.settings.set('team', { server, login, refresh: await this.d.secretBox.encrypt(link.refreshToken) });
    this.attach(link);
  }

  async disconnect(): Promise<void> {
    this.d.settings.set('team', undefined);
    await this.detach();
    this.d.changed();
  }

  private attach(link: TeamLink) {
    void this.detach();
    this.link = link;
    this.unsubscribe = link.subscribe(() => this.onLinkChange());
    this.beatTimer = setInterval(() => void this.link?.beat().catch(() => {}), presenceEveryMs);
    this.beatTimer.unref?.();
    this.onLinkChange();
  }

  private async detach() {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.beatTimer) clearInterval(this.beatTimer);
    const l = this.link;
    this.link = undefined;
    this.wasOnline = false;
    await l?.close();
  }

  private onLinkChange() {
    const online = this.link?.online() ?? false;
    if (online) this.freshAt = undefined;
    else if (this.wasOnline) this.freshAt = this.d.now();
    if (online && !this.wasOnline) {
      this.failedDrains = 0;
      void this.link?.beat().catch(() => {});
      this.kick();
    }
    this.wasOnline = online;
    this.d.changed();
  }

  /** The history committed these sends: journal them soon, off the send path. */
  noteChanged(ids: readonly string[]): void {
    if (this.closed) return;
    for (const id of ids) this.queued.add(id);
    this.flushTimer ??= setImmediate(() => {
      this.flushTimer = undefined;
      this.flush(false);
    });
  }

  /** Journals what was noted, except sends still within their window on the way (all of them when closing). */
  private flush(all: boolean) {
    const ids = [...this.queued];
    this.queued.clear();
    const now = this.d.now();
    const rows: TeamSendRow[] = [];
    for (const id of ids) {
      const row = this.rowOf(id);
      if (!row) continue;
      const due = row.updatedAt + onItsWayWindowMs;
      if (!all && onItsWay.has(row.status) && now < due) {
        this.onTheirWay.set(id, due);
        continue;
      }
      this.onTheirWay.delete(id);
      rows.push(row);
    }
    if (rows.length) this.journal.noteAll(rows);
    if (all) return;
    if (this.onTheirWay.size) this.holdUntil(Math.min(...this.onTheirWay.values()));
    this.kick();
  }

  /** Looks again at the sends on their way once the first one's window has passed. */
  private holdUntil(at: number) {
    if (this.holdTimer || this.closed) return;
    this.holdTimer = setTimeout(
      () => {
        this.holdTimer = undefined;
        const now = this.d.now();
        for (const [id, due] of this.onTheirWay) if (due <= now) this.queued.add(id);
        this.flush(false);
      },
      Math.max(0, at - this.d.now()),
    );
    this.holdTimer.unref?.();
  }

  private rowOf(id: string): TeamSendRow | undefined {
    const s = this.d.summaryOf(id);
    if (!s) return undefined;
    const account = this.d.accountOf(s.accountId);
    if (!account) return undefined;
    const identity = teamIdentityOf(account);
    return {
      id: s.id,
      provider: s.provider,
      account: identity,
      chat: chatKeyOf(identity, s.recipient),
      recipient: s.recipient,
      preview: plainPreview(s.preview),
      previewData: s.preview,
      status: s.status,
      ...(s.providerMessageId ? { providerMessageId: s.providerMessageId } : {}),
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
    };
  }

  private kick() {
    if (this.draining || !this.link?.online()) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      this.d.changed();
    });
  }

  /**
   * Replays every unsynced row, then settles soft claims; stops at the first unreachable answer.
   * Sends go first and everything goes in batches: after a long outage a desktop holds hundreds of
   * soft claims, and settling them one round trip at a time kept its sends from the team for minutes.
   */
  private async drain(): Promise<void> {
    const link = this.link;
    if (!link) return;
    for (;;) {
      const rows = this.journal.unsynced(100);
      if (!rows.length) break;
      // Pushed together, confirmed one by one: the server's order per send is kept by updatedAt.
      const results = await Promise.all(rows.map((row) => link.pushSend(row).then((r) => ({ row, r }))));
      let unreachable = false;
      const synced: { id: string; version: number }[] = [];
      const refused: { id: string; reason: string }[] = [];
      for (const { row, r } of results) {
        if (r.ok) synced.push({ id: row.id, version: row.updatedAt });
        else if (r.retry) unreachable = true;
        else refused.push({ id: row.id, reason: r.reason });
      }
      this.journal.settleRows(synced, refused);
      this.d.changed();
      if (unreachable) return this.retryLater();
      this.failedDrains = 0;
    }
    for (;;) {
      const claims = this.journal.softClaims().slice(0, 100);
      if (!claims.length) {
        this.failedDrains = 0;
        return;
      }
      const results = await Promise.all(
        claims.map((c) =>
          link.claim(c.chat, c.ttlMs, c.at).then(
            (r: ClaimResult) => ({ c, r }),
            () => undefined,
          ),
        ),
      );
      for (const x of results)
        if (x)
          this.journal.settle(x.c.chat, x.r.ok ? { kind: 'granted' } : { kind: 'refused', by: x.r.by, since: x.r.since }, this.d.now());
      this.d.changed();
      if (results.includes(undefined)) return this.retryLater();
    }
  }

  private retryLater() {
    if (this.retryTimer || this.closed) return;
    const pauses = this.d.retryPausesMs ?? retryPausesMs;
    const pause = pauses[Math.min(this.failedDrains++, pauses.length - 1)]!;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.kick();
    }, pause);
    this.retryTimer.unref?.();
  }

  /** Resolves once the journal holds nothing unsynced (tests, the simulation, a clean shutdown). */
  async settled(timeoutMs = 30_000): Promise<boolean> {
    const until = this.d.now() + timeoutMs;
    while (this.d.now() < until) {
      if (!this.flushTimer && !this.onTheirWay.size && this.journal.unsyncedCount() === 0 && this.journal.softClaims().length === 0)
        return true;
      this.kick();
      await new Promise((r) => setTimeout(r, 25));
    }
    return false;
  }

  status() {
    const link = this.link;
    const now = this.d.now();
    const saved = savedTeam(this.d.settings.get('team'));
    return {
      configured: saved !== undefined,
      server: saved?.server,
      online: link?.online() ?? false,
      asOf: link?.online() ? undefined : this.freshAt,
      operator: link?.operator,
      pending: this.journal.unsyncedCount() + this.onTheirWay.size,
      presence: (link?.view().presence ?? [])
        .filter((p) => now - p.seenAt < 2 * presenceEveryMs + 5_000)
        .map((p) => ({ name: p.operatorName, seenAt: p.seenAt, me: p.operatorId === link?.operator.id })),
    };
  }

  /** The team's sends, newest first (the history's Team tab). */
  teamSends(limit = 200) {
    return [...(this.link?.view().sends ?? [])].sort((a, b) => b.updatedAt - a.updatedAt).slice(0, limit);
  }

  /** What the composer warns about: someone else holds the chat, or answered it recently. */
  chatActivity(account: AccountView, recipient: string) {
    const link = this.link;
    if (!link) return {};
    const chat = chatKeyOf(teamIdentityOf(account), recipient);
    const now = this.d.now();
    const me = link.operator.id;
    const claim = link.view().claims.find((c) => c.chat === chat && c.operatorId !== me && c.expiresAt > now);
    const answer = link
      .view()
      .sends.filter((s) => s.chat === chat && s.operatorId !== me && now - s.createdAt < recentAnswerMs)
      .sort((a, b) => b.createdAt - a.createdAt)[0];
    return {
      ...(claim ? { claimedBy: claim.operatorName, claimedAt: claim.claimedAt } : {}),
      ...(answer ? { answeredBy: answer.operatorName, answeredAt: answer.createdAt } : {}),
    };
  }

  /** Claims a chat: decided by the server when online; soft (settled on reconnect) when not. */
  async claim(account: AccountView, recipient: string): Promise<{ ok: true; soft: boolean } | { ok: false; by: string; since: number }> {
    const chat = chatKeyOf(teamIdentityOf(account), recipient);
    const link = this.link;
    if (link?.online()) {
      try {
        const r = await link.claim(chat, claimTtlMs);
        return r.ok ? { ok: true, soft: false } : r;
      } catch {
        // Fell offline in between: the claim becomes soft like any offline one.
      }
    }
    this.journal.softClaim({ chat, at: this.d.now(), ttlMs: claimTtlMs });
    this.d.changed();
    return { ok: true, soft: true };
  }

  /** Soft claims the server gave to someone else: the operator's double answers. */
  conflicts() {
    const mine = this.journal
      .refusedClaims()
      .map((c) => ({ kind: 'claim_refused' as const, chat: c.chat, by: c.by, since: c.since, at: c.at }));
    const team = (this.link?.view().conflicts ?? []).map((c) => ({
      kind: 'team' as const,
      chat: c.subject,
      by: c.operatorName,
      since: c.at,
      at: c.at,
    }));
    return [...mine, ...team].sort((a, b) => b.at - a.at);
  }

  templates() {
    return this.link?.view().templates ?? [];
  }

  async saveTemplate(t: { id: string; name: string; body: string; baseVersion: number }): Promise<TemplateSaveResult> {
    if (!this.link?.online()) return { ok: false, offline: true };
    return this.link.saveTemplate(t);
  }

  async deleteTemplate(t: { id: string; baseVersion: number }): Promise<TemplateDeleteResult> {
    if (!this.link?.online()) return { ok: false, offline: true };
    return this.link.deleteTemplate(t);
  }

  /** One send of the team as the server has it, with its trail; undefined when the view does not hold it. */
  async teamSend(id: string) {
    const link = this.link;
    const send = link?.view().sends.find((s) => s.id === id);
    if (!link || !send) return undefined;
    const trail = await this.trails.get(id, send, link.online(), () => link.sendTrail(id));
    return { send, trail, mine: send.operatorId === link.operator.id };
  }

  /** For tests and the simulation: the journal's view of one send. */
  isSynced(id: string): boolean {
    return this.journal.isSynced(id);
  }

  get currentLink(): TeamLink | undefined {
    return this.link;
  }

  private closing: Promise<void> | undefined;

  /** Closing twice (the app's quit and a test's clean-up) closes once. */
  close(): Promise<void> {
    return (this.closing ??= this.closeOnce());
  }

  private async closeOnce(): Promise<void> {
    this.closed = true;
    if (this.flushTimer) clearImmediate(this.flushTimer);
    // What the history committed is journalled before the journal closes, sends on their way included.
    for (const id of this.onTheirWay.keys()) this.queued.add(id);
    this.flush(true);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.holdTimer) clearTimeout(this.holdTimer);
    await this.draining;
    await this.detach();
    this.journal.close();
  }
}
