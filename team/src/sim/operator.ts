import { randomUUID } from 'node:crypto';
import { chatKeyOf, teamIdentityOf } from '../../../electron/team/identity.ts';
import { sendingSummary, teamAccount, type Desk } from './desktop.ts';
import type { Drain } from './results.ts';
import type { OfflinePeriod } from './worker-protocol.ts';

/** What a worker's operators did in the day, for the coordinator's report. */
export interface Tally {
  claims: { granted: number; refused: number; soft: number };
  templates: { edits: number; conflictsAsked: number; gaveUp: number };
  ackedEdits: string[];
  made: { id: string; i: number }[];
  drains: Drain[];
}

export const emptyTally = (): Tally => ({
  claims: { granted: 0, refused: 0, soft: 0 },
  templates: { edits: 0, conflictsAsked: 0, gaveUp: 0 },
  ackedEdits: [],
  made: [],
  drains: [],
});

export interface Day {
  end: number;
  hot: string;
  /** Mean pause between one operator's sends. */
  meanMs: number;
  chats: number;
  /** One edit of the hot template per this many sends of an operator. */
  sendsPerEdit: number;
  /** The day lasts at least until the faults are over, so each one meets traffic. */
  faultsOver: () => boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const identity = teamIdentityOf(teamAccount);

/**
 * An operator's day: answers chats (a fifth of them on ten hot ones), claiming each chat first and
 * releasing it after, and now and then edits the hot template everyone edits.
 */
export async function operator(d: Desk, day: Day, tally: Tally): Promise<void> {
  const pickChat = () =>
    Math.random() < 0.2 ? `chat ${Math.floor(Math.random() * 10)}` : `chat ${10 + Math.floor(Math.random() * (day.chats - 10))}`;
  const meanMs = day.meanMs;
  let n = 0;
  // 200 edits of the hot template in a day's sends, counted per operator. Tied to the sends made, not
  // to the clock, so a slow run is not mostly template edits (a clock-driven rate made them outnumber
  // the sends when the server was slow).
  let nextTemplate = Math.floor(Math.random() * day.sendsPerEdit);
  const working = () => Date.now() < day.end || !day.faultsOver();
  // Arrivals are planned on the clock (a Poisson process), not as a pause after each answer: the time an
  // answer takes (the claim's round trip, the send, the template edit) must not lower the load offered.
  // An operator behind its plan catches up, but not by more than ten sends in a burst.
  let next = Date.now();
  while (working()) {
    next = Math.max(next, Date.now() - 10 * meanMs) - Math.log(1 - Math.random()) * meanMs;
    const until = next;
    // Slept in steps, so the day ends when it is over rather than when the longest of the
    // operators' random pauses (a minute or more at a low rate) happens to end.
    while (Date.now() < until && working()) await sleep(Math.max(0, Math.min(1_000, until - Date.now())));
    if (!working()) break;
    const recipient = pickChat();
    const online = !d.offline && (d.uplink.currentLink?.online() ?? false);
    const c = await d.uplink.claim(teamAccount, recipient);
    if (!c.ok) {
      tally.claims.refused++;
      continue;
    }
    if (c.soft) tally.claims.soft++;
    else tally.claims.granted++;
    const id = `s_${d.i}_${n++}_${randomUUID().slice(0, 8)}`;
    const now = Date.now();
    const summary = sendingSummary({ id, recipient, text: `Ответ ${n} от оператора ${d.i + 1}`, at: now });

    d.summaries.set(id, summary);
    tally.made.push({ id, i: d.i });
    d.uplink.noteChanged([id]);
    await sleep(20 + Math.random() * 200);
    d.summaries.set(id, { ...summary, status: 'sent', updatedAt: Date.now(), providerMessageId: `m${n}` });
    d.uplink.noteChanged([id]);
    if (online && !c.soft) void d.uplink.currentLink?.release(chatKeyOf(identity, recipient)).catch(() => {});
    if (n >= nextTemplate && !d.offline) {
      nextTemplate = n + day.sendsPerEdit;
      await editHot(d, day.hot, tally);
    }
  }
}

async function editHot(d: Desk, hot: string, tally: Tally) {
  const token = `edit-${d.i}-${randomUUID().slice(0, 6)}`;
  const base = d.uplink.templates().find((t) => t.id === hot);
  if (!base) return;
  let version = base.version;
  let body = base.body;
  for (let attempt = 0; attempt < 6; attempt++) {
    const r = await d.uplink.saveTemplate({ id: hot, name: 'Hot', body: `${body}\n${token}`, baseVersion: version });
    if (r.ok) {
      tally.templates.edits++;
      tally.ackedEdits.push(token);
      return;
    }
    if ('offline' in r) return;
    tally.templates.conflictsAsked++;
    // The operator is shown the newer text and re-applies their line on top of it.
    version = r.conflict.version;
    body = r.conflict.body;
  }
  tally.templates.gaveUp++;
}

/**
 * The operator takes the desktop offline (its NATS connection closed) and back; the drain after is
 * timed from the moment it is connected again: when the period ends while nats-server is being
 * restarted, the wait for it is the restart's figure, not the drain's.
 */
export async function offlinePeriod(
  d: Desk,
  p: OfflinePeriod,
  tally: Tally,
  stateChanged: (d: Desk) => void,
  event: (text: string) => void,
): Promise<void> {
  await sleep(Math.max(0, p.at - Date.now()));
  d.uplink.currentLink?.goOffline();
  d.offline = true;
  stateChanged(d);
  await sleep(p.durMs);
  d.offline = false;
  stateChanged(d);
  d.uplink.currentLink?.goOnline();
  const wentOnline = Date.now();
  let connected = wentOnline;
  while (!(d.uplink.currentLink?.online() ?? false) && Date.now() - wentOnline < 300_000) {
    await sleep(25);
    connected = Date.now();
  }
  const backlog = d.uplink.status().pending;
  const ok = await d.uplink.settled(180_000);
  const t = Date.now();
  tally.drains.push({ backlog, ms: ok ? t - connected : Number.POSITIVE_INFINITY, offlineDayMs: p.minutes * 60_000 });
  event(
    `operator ${d.i + 1} back after ${p.minutes.toFixed(1)} min of the day offline: connected in ${connected - wentOnline} ms, ${backlog} rows drained ${t - connected} ms after that`,
  );
}
