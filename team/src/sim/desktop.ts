import { memorySettings, teamPachcaAccount } from '../../../electron/testing/team-account.ts';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SendSummary } from '../../../shared/sends.ts';
import { TeamUplink } from '../../../electron/team/uplink.ts';
import { keyedSecretBox } from '../../../electron/vault/secret-box.ts';
import { connectTeamLink, natsLinkFactory } from '../../client/nats-link.ts';
import type { DeskState } from './worker-protocol.ts';

/** One simulated desktop: the desktop's real uplink (journal + NATS link) over an in-memory history. */
export interface Desk {
  /** Its index in the whole team (operator i + 1). */
  i: number;
  uplink: TeamUplink;
  onlineSince: number;
  /** When the link last went from live to not live. */
  offlineSince: number;
  /** Taken offline by its operator (an offline period). */
  offline: boolean;
  seen: Set<string>;
  /** The sends this desktop's operator made, as its history holds them. */
  summaries: Map<string, SendSummary>;
}

export const teamAccount = teamPachcaAccount;

export const stateOf = (d: Desk): DeskState => ({
  i: d.i,
  online: d.uplink.currentLink?.online() ?? false,
  offline: d.offline,
  offlineSince: d.offlineSince,
});

/**
 * `lag` gets a convergence sample each time this desktop first shows a colleague's send: from the
 * send's own createdAt (one machine clock for every process) to now, counted only when this desktop
 * was live from the commit on (offline catch-up is the drain's figure). `stateChanged` hears when the
 * link goes live or not live.
 */
export function createDesk(
  i: number,
  dir: string,
  relayUrl: string | null,
  lag: (ms: number) => void,
  stateChanged: (d: Desk) => void,
): Desk {
  mkdirSync(dir, { recursive: true });
  const desk: Desk = {
    i,
    uplink: undefined as unknown as TeamUplink,
    onlineSince: Number.POSITIVE_INFINITY,
    offlineSince: 0,
    offline: false,
    seen: new Set(),
    summaries: new Map(),
  };
  let wasOnline = false;
  desk.uplink = new TeamUplink({
    journalFile: join(dir, 'team.sqlite'),
    summaryOf: (id) => desk.summaries.get(id),
    accountOf: () => teamAccount,
    settings: memorySettings(),
    secretBox: keyedSecretBox(),
    factory: relayUrl ? natsLinkFactory({ natsUrlOf: () => relayUrl }) : connectTeamLink,
    now: () => Date.now(),
    changed: () => {
      const link = desk.uplink.currentLink;
      const online = link?.online() ?? false;
      if (online && desk.onlineSince === Number.POSITIVE_INFINITY) desk.onlineSince = Date.now();
      if (!online && desk.onlineSince !== Number.POSITIVE_INFINITY) desk.offlineSince = Date.now();
      if (!online) desk.onlineSince = Number.POSITIVE_INFINITY;
      if (online !== wasOnline) {
        wasOnline = online;
        stateChanged(desk);
      }
      if (!link) return;
      const now = Date.now();
      const own = link.operator.id;
      const sends = link.view().sends;
      // The view is ordered newest first: new arrivals are near the top.
      for (let k = 0; k < Math.min(200, sends.length); k++) {
        const s = sends[k]!;
        if (desk.seen.has(s.id)) continue;
        desk.seen.add(s.id);
        if (s.operatorId === own) continue;
        if (desk.onlineSince <= s.createdAt) lag(now - s.createdAt);
      }
    },
  });
  return desk;
}

/** A send to a chat of the team's account as the history holds it while it is on its way. */
export function sendingSummary(s: { id: string; recipient: string; text: string; at: number }): SendSummary {
  return {
    id: s.id,
    provider: 'pachca',
    accountId: teamAccount.id,
    accountName: teamAccount.name,
    sandbox: false,
    status: 'sending',
    recipient: s.recipient,
    to: { kind: 'chat', id: s.recipient },
    preview: { kind: 'text', text: s.text },
    createdAt: s.at,
    updatedAt: s.at,
    attemptCount: 1,
  };
}
