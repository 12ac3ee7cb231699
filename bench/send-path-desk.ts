import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import type { AccountView } from '../shared/accounts.ts';
import type { OutgoingMessage } from '../shared/messages/index.ts';
import type { Host } from '../electron/host.ts';
import { loadBundledTeamLink } from '../electron/team/bundled-link.ts';
import type { TeamSendRow } from '../electron/team/link.ts';
import { benchHost, value } from './bench-host.ts';

/**
 * One desktop of the team send-path figure (bench/team-send-path.ts), in a process of its own so
 * that what a team-on desktop does in the background (journal, publishing, following colleagues'
 * sends) lands in its own event loop and not in the team-off desktop's it is compared with.
 * The team link is the one the app loads: dist-electron/team-link.js, beside main.js.
 *
 * Roles: `desk` sends when the coordinator says so and times the contract call alone (the
 * messages between the processes are outside the timing); `colleague` is another operator of the
 * same team whose signed-in link publishes send records at a steady rate, the traffic a desk follows.
 */
const setupSchema = z.object({
  kind: z.literal('setup'),
  role: z.enum(['desk', 'colleague']),
  name: z.string(),
  sims: z.object({ urls: z.object({ greenapi: z.string(), pachca: z.string() }), token: z.string() }),
  team: z.object({ apiUrl: z.string(), login: z.string(), password: z.string() }).optional(),
  /** Colleague: send records a second. */
  rate: z.number().optional(),
  /** Desk: its Pachca chats start here, so desks never share a chat's pace (4 a second, pachca.md). */
  chatBase: z.number().optional(),
});
const commandSchema = z.discriminatedUnion('kind', [
  setupSchema,
  z.object({ kind: z.literal('send'), provider: z.enum(['greenapi', 'pachca']), i: z.number() }),
  /** Desk: waits for its journal to empty and for the colleague's last record (team off: at once); colleague: stops publishing. */
  z.object({ kind: z.literal('drained'), colleagueLast: z.string().optional() }),
]);
export type DeskCommand = z.infer<typeof commandSchema>;

export const deskReplySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ready') }),
  /** uplinkMs: the time the uplink's journal writes took while this send was in flight (they run on its event loop). */
  z.object({ kind: z.literal('sent'), ms: z.number(), online: z.boolean(), uplinkMs: z.number() }),
  z.object({
    kind: z.literal('drained'),
    /** Desk: its journal held nothing unsynced within the wait. */
    journalEmpty: z.boolean(),
    /** Desk: the colleague's last record reached its team view within the wait. */
    followed: z.boolean(),
    /** Colleague: how many records it published, and the last one's id. */
    published: z.number(),
    last: z.string().optional(),
    /** The share of wall time this desk's event loop was busy from set-up to now. */
    busy: z.number(),
  }),
  z.object({ kind: z.literal('error'), message: z.string() }),
]);
export type DeskReply = z.infer<typeof deskReplySchema>;

const reply = (r: DeskReply) => process.send?.(r);

let host: Host | undefined;
let dispose: (() => Promise<void>) | undefined;
let accounts: { greenapi: string; pachca: string } | undefined;
let chatBase = 0;
let publisher: ReturnType<typeof setInterval> | undefined;
let published = 0;
let role: 'desk' | 'colleague' = 'desk';
let sending = false;
let uplinkMs = 0;
let eluAtSetup: ReturnType<typeof performance.eventLoopUtilization> | undefined;

/**
 * Times the uplink's journal writes (one SQLite commit each, on the main thread) that run while one
 * of this desk's sends is in flight: the part of the team's work that can land inside a send's time.
 * The journal is the uplink's own; it is reached at run time, as the send-overhead figure wraps the history.
 */
function timeJournal(team: object) {
  const journal: unknown = Reflect.get(team, 'journal');
  if (typeof journal !== 'object' || journal === null) throw new Error('the uplink has no journal to time');
  for (const name of ['noteAll', 'settleRows']) {
    const original: unknown = Reflect.get(journal, name);
    if (typeof original !== 'function') throw new Error(`the team journal has no ${name}`);
    Reflect.set(journal, name, (...args: unknown[]): unknown => {
      const t0 = performance.now();
      try {
        return Reflect.apply(original, journal, args);
      } finally {
        if (sending) uplinkMs += performance.now() - t0;
      }
    });
  }
}

async function setup(cmd: z.infer<typeof setupSchema>) {
  const team = cmd.team
    ? await loadBundledTeamLink(join(import.meta.dirname, '../dist-electron/team-link.js'), (m) => console.error(m))
    : undefined;
  if (cmd.team && !team) throw new Error('dist-electron/team-link.js did not load: run `node scripts/team.ts install && npm run build`');
  const made = await benchHost(`send-path-${cmd.name}`, undefined, team);
  host = made.host;
  dispose = made.dispose;
  chatBase = cmd.chatBase ?? 0;
  role = cmd.role;
  const green = value<AccountView>(
    await host.dispatch('accounts.create', {
      name: 'WA',
      baseUrl: cmd.sims.urls.greenapi,
      settings: { provider: 'greenapi', form: 'v1' },
      secrets: { token: cmd.sims.token },
    }),
  );
  const pachca = value<AccountView>(
    await host.dispatch('accounts.create', {
      name: 'Pachca',
      baseUrl: cmd.sims.urls.pachca,
      settings: { provider: 'pachca', isBot: false },
      secrets: { token: cmd.sims.token },
    }),
  );
  accounts = { greenapi: green.id, pachca: pachca.id };
  if (cmd.team) {
    value(await host.dispatch('team.connect', { server: cmd.team.apiUrl, login: cmd.team.login, password: cmd.team.password }));
    const end = Date.now() + 60_000;
    while (!host.team?.status().online) {
      if (Date.now() > end) throw new Error(`${cmd.name} did not come online in the team`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  if (host.team) timeJournal(host.team);
  if (cmd.role === 'colleague' && (cmd.rate ?? 20) > 0) startPublishing(cmd.rate ?? 20);
  eluAtSetup = performance.eventLoopUtilization();
}

/** A colleague's sends as its desktop's uplink publishes them: one record each, at a steady pace. */
function startPublishing(rate: number) {
  const link = host?.team?.currentLink;
  if (!link) throw new Error('the colleague has no team link');
  const every = 1000 / rate;
  const started = performance.now();
  publisher = setInterval(() => {
    // Catches up after a late timer: the rate is what was asked, not what the timer managed.
    const due = Math.floor((performance.now() - started) / every);
    for (; published < due; published++) {
      const now = Date.now();
      const row: TeamSendRow = {
        id: `colleague-${process.pid}-${published}`,
        provider: 'pachca',
        account: 'pachca|bench|colleague',
        chat: `pachca|bench|colleague|discussion ${published % 500}`,
        recipient: `discussion ${published % 500}`,
        preview: 'Ваш заказ отправлен',
        previewData: { kind: 'text', text: 'Ваш заказ отправлен' },
        status: 'sent',
        createdAt: now,
        updatedAt: now,
      };
      void link.pushSend(row).catch(() => {});
    }
  }, 10);
}

async function send(provider: 'greenapi' | 'pachca', i: number) {
  if (!host || !accounts) throw new Error('send before setup');
  const message: OutgoingMessage =
    provider === 'greenapi'
      ? { provider: 'greenapi', recipientType: 'individual', to: '79001234567', text: 'Ваш заказ №42 отправлен' }
      : // Spread over many chats: Pachca's per-chat pace is not what is measured here.
        { provider: 'pachca', entityType: 'discussion', entityId: chatBase + (i % 2000), content: 'Ваш заказ №42 отправлен' };
  uplinkMs = 0;
  sending = true;
  const t0 = performance.now();
  const r = await host.dispatch('sends.send', { accountId: accounts[provider], message }).finally(() => (sending = false));
  const ms = performance.now() - t0;
  if (!r.ok || (r.value as { status: string }).status !== 'sent')
    throw new Error(`${provider} send did not go: ${JSON.stringify(r).slice(0, 300)}`);
  reply({ kind: 'sent', ms, online: host.team?.status().online ?? false, uplinkMs });
}

async function drained(colleagueLast: string | undefined) {
  const busy = performance.eventLoopUtilization(eluAtSetup).utilization;
  if (role === 'colleague') {
    if (publisher) clearInterval(publisher);
    reply({
      kind: 'drained',
      journalEmpty: true,
      followed: true,
      published,
      ...(published > 0 ? { last: `colleague-${process.pid}-${published - 1}` } : {}),
      busy,
    });
    return;
  }
  const team = host?.team;
  const journalEmpty = team ? await team.settled(30_000) : true;
  const end = Date.now() + 30_000;
  const seen = () => team?.currentLink?.view().sends.some((s) => s.id === colleagueLast) ?? false;
  while (colleagueLast && !seen() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  reply({ kind: 'drained', journalEmpty, followed: colleagueLast === undefined || seen(), published: 0, busy });
}

process.on('message', (raw) => {
  const cmd = commandSchema.parse(raw);
  const run =
    cmd.kind === 'setup'
      ? setup(cmd).then(() => reply({ kind: 'ready' }))
      : cmd.kind === 'send'
        ? send(cmd.provider, cmd.i)
        : drained(cmd.colleagueLast);
  run.catch((e: unknown) => reply({ kind: 'error', message: e instanceof Error ? e.message : String(e) }));
});
// The coordinator is done with this desk, or is gone (killed): close the host so its temp directory goes too.
process.on('disconnect', () => {
  void (async () => {
    if (publisher) clearInterval(publisher);
    await dispose?.().catch(() => {});
    process.exit(0);
  })();
});
