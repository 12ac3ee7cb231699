import { claimTtlMs } from '../../../electron/team/uplink.ts';
import type { Projection, ServerRecord } from './server-record.ts';

/** A send the simulation made: who made it (operator id) and the status it ended in. */
export interface MadeSend {
  id: string;
  operatorId: string;
  finalStatus: string;
}

export interface Invariants {
  /** A send's record stored twice in SENDS, a send under two operators, or the projection holding it twice. */
  duplicatedSends: number;
  /** Sends of which SENDS holds no record at all. */
  missingSends: number;
  /** Sends whose newest record in SENDS is not the status they ended in (a status change lost). */
  staleSends: number;
  /** Sends PostgreSQL's projection lacks, or holds at another status than the stream's newest. */
  missingInProjection: number;
  /** A claim granted while another operator's unexpired, unreleased online claim held the chat. */
  onlineDoubleClaims: number;
  /** Template edits the server acknowledged whose line is not in the template's final text. */
  lostEdits: number;
}

/**
 * The invariants, from what the server keeps. Claims are judged in AUDIT's order (stream sequence):
 * the service appends a claim's or a release's entry inside the same per-chat queue as its
 * compare-and-set, so for one chat the stream's order is the order the decisions were made in —
 * unlike the entries' clocks, which two requests in flight can take in either order.
 */
export function invariantsOf(
  made: readonly MadeSend[],
  record: ServerRecord,
  projection: Projection,
  edits: { templateId: string; acked: readonly string[] },
): Invariants {
  const stored = new Map<string, { id: string; n: number }>();
  const owners = new Map<string, Set<string>>();
  const newest = new Map<string, { updatedAt: number; status: string }>();
  for (const s of record.sends) {
    const key = `${s.operatorId}/${s.record.id}@${s.record.updatedAt}:${s.record.status}`;
    stored.set(key, { id: s.record.id, n: (stored.get(key)?.n ?? 0) + 1 });
    owners.set(s.record.id, (owners.get(s.record.id) ?? new Set()).add(s.operatorId));
    const n = newest.get(s.record.id);
    if (!n || s.record.updatedAt >= n.updatedAt) newest.set(s.record.id, { updatedAt: s.record.updatedAt, status: s.record.status });
  }
  const twiceInStream = new Set([...stored.values()].filter((x) => x.n > 1).map((x) => x.id));
  for (const [id, ops] of owners) if (ops.size > 1) twiceInStream.add(id);
  for (const [id, p] of projection.sendRows) if (p.rows > 1) twiceInStream.add(id);
  for (const [id, n] of projection.sendAuditRows) if (n > 1) twiceInStream.add(id);

  let missingSends = 0;
  let staleSends = 0;
  let missingInProjection = 0;
  for (const m of made) {
    const n = newest.get(m.id);
    if (!n || !owners.get(m.id)?.has(m.operatorId)) missingSends++;
    else if (n.status !== m.finalStatus) staleSends++;
    const p = projection.sendRows.get(m.id);
    if (!p || (n && p.status !== n.status)) missingInProjection++;
  }

  let onlineDoubleClaims = 0;
  const holder = new Map<string, { op: string; until: number }>();
  for (const e of [...record.audit].sort((a, b) => a.seq - b.seq)) {
    if (e.kind !== 'claim' && e.kind !== 'release') continue;
    const h = holder.get(e.subject);
    if (e.kind === 'release') {
      if (h?.op === e.operatorId) holder.delete(e.subject);
      continue;
    }
    if (h && h.op !== e.operatorId && h.until > e.at && e.detail.offline !== true) onlineDoubleClaims++;
    const expiresAt = typeof e.detail.expiresAt === 'number' ? e.detail.expiresAt : e.at + claimTtlMs;
    holder.set(e.subject, { op: e.operatorId, until: expiresAt });
  }

  const body = record.template(edits.templateId)?.body ?? '';
  return {
    duplicatedSends: twiceInStream.size,
    missingSends,
    staleSends,
    missingInProjection,
    onlineDoubleClaims,
    lostEdits: edits.acked.filter((t) => !body.includes(t)).length,
  };
}
