import type { TeamClaim, TeamConflict, TeamSend, TeamTemplate, TeamView } from '../../electron/team/link.ts';
import {
  auditEntrySchema,
  claimValueSchema,
  operatorValueSchema,
  presenceValueSchema,
  sendRecordSchema,
  templateValueSchema,
  type SendRecord,
} from '../protocol/messages.ts';
import { parseSendSubject } from '../protocol/subjects.ts';

/** As many sends as the view held before (the newest by updatedAt): the Team tab and the composer's warnings read them. */
export const viewSendLimit = 2000;
export const viewConflictLimit = 200;

interface HeldSend {
  record: SendRecord;
  operatorId: string;
  syncedAt: number;
  /** The row handed out, made once per record and name: an unchanged send keeps its object. */
  shaped?: TeamSend;
}

type Log = (message: string) => void;

export function parsedJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
}

/**
 * What the desktop knows of its team, folded from the stream and the buckets as they arrive. Every
 * record is parsed with the protocol's schema here, at the edge: one that does not parse is logged
 * and skipped, it never takes the view down. The view the screens read is made when asked for, not
 * on every message: a burst of thousands of records (a reconnect's replay) costs one sort.
 */
export class TeamViewState {
  private readonly sends = new Map<string, HeldSend>();
  private readonly names = new Map<string, string>();
  private readonly claims = new Map<string, TeamClaim>();
  private readonly templates = new Map<string, TeamTemplate>();
  private readonly presence = new Map<string, number>();
  private readonly conflicts = new Map<string, TeamConflict>();
  private readonly log: Log;

  /** Sends changed since the newest ones were last listed; undefined = list them all again. */
  private changedSends: Set<string> | undefined = new Set();
  private newest: TeamSend[] = [];
  private made: TeamView | undefined;

  constructor(log: Log) {
    this.log = log;
  }

  private nameOf(operatorId: string): string {
    return this.names.get(operatorId) ?? '';
  }

  /**
   * One record of SENDS. Whoever's subject first carried an id owns it (the server lets an operator
   * publish only under their own id, so the subject is the proof of who sent it); a record under
   * another operator's subject for the same id is ignored. The newest updatedAt wins, so a replay
   * or an older status arriving late changes nothing.
   */
  applySend(subject: string, data: Uint8Array, streamTimeMs: number): boolean {
    const where = parseSendSubject(subject);
    const parsed = sendRecordSchema.safeParse(parsedJson(data));
    if (!where || !parsed.success || parsed.data.id !== where.sendId) {
      this.log(`team view: skipped a send record on ${subject} that does not parse`);
      return false;
    }
    const record = parsed.data;
    const held = this.sends.get(record.id);
    if (held && (held.operatorId !== where.operatorId || held.record.updatedAt > record.updatedAt)) return false;
    this.sends.set(record.id, { record, operatorId: where.operatorId, syncedAt: streamTimeMs });
    this.changedSends?.add(record.id);
    this.made = undefined;
    return true;
  }

  /** True when the view already has this send, from this operator, at this version or newer, with this status. */
  holds(id: string, operatorId: string, updatedAt: number, status: string): boolean {
    const held = this.sends.get(id);
    return held !== undefined && held.operatorId === operatorId && held.record.updatedAt >= updatedAt && held.record.status === status;
  }

  send(id: string): TeamSend | undefined {
    const held = this.sends.get(id);
    return held ? this.shaped(held) : undefined;
  }

  ownerOf(id: string): string | undefined {
    return this.sends.get(id)?.operatorId;
  }

  applyOperator(key: string, value: Uint8Array | undefined): boolean {
    if (value === undefined) {
      if (!this.names.delete(key)) return false;
    } else {
      const parsed = operatorValueSchema.safeParse(parsedJson(value));
      if (!parsed.success) return this.skipped('operators', key);
      if (this.names.get(key) === parsed.data.name) return false;
      this.names.set(key, parsed.data.name);
    }
    // Every row naming this operator is made again.
    for (const held of this.sends.values()) held.shaped = undefined;
    this.changedSends = undefined;
    this.made = undefined;
    return true;
  }

  applyClaim(key: string, value: Uint8Array | undefined): boolean {
    if (value === undefined) return this.removed(this.claims, key);
    const parsed = claimValueSchema.safeParse(parsedJson(value));
    if (!parsed.success) return this.skipped('claims', key);
    this.claims.set(key, parsed.data);
    this.made = undefined;
    return true;
  }

  /** A deleted template's tombstone (deletedBy) hides it, as a delete did before. */
  applyTemplate(key: string, value: Uint8Array | undefined): boolean {
    if (value === undefined) return this.removed(this.templates, key);
    const parsed = templateValueSchema.safeParse(parsedJson(value));
    if (!parsed.success) return this.skipped('templates', key);
    const { id, name, body, version, updatedBy, updatedAt, deletedBy } = parsed.data;
    if (deletedBy !== undefined) return this.removed(this.templates, key);
    this.templates.set(key, { id, name, body, version, updatedBy, updatedAt });
    this.made = undefined;
    return true;
  }

  applyPresence(key: string, value: Uint8Array | undefined): boolean {
    if (value === undefined) return this.removed(this.presence, key);
    const parsed = presenceValueSchema.safeParse(parsedJson(value));
    if (!parsed.success) return this.skipped('presence', key);
    this.presence.set(key, parsed.data.seenAt);
    this.made = undefined;
    return true;
  }

  applyConflict(subject: string, data: Uint8Array): boolean {
    const parsed = auditEntrySchema.safeParse(parsedJson(data));
    if (!parsed.success || parsed.data.kind !== 'conflict') {
      this.log(`team view: skipped an audit entry on ${subject} that does not parse`);
      return false;
    }
    const { id, kind, subject: about, operatorName, detail, at } = parsed.data;
    this.conflicts.set(id, { id, kind, subject: about, operatorName, detail, at });
    // The view lists the newest 200: the rest is trimmed now and then, not kept forever.
    if (this.conflicts.size > 4 * viewConflictLimit) {
      const keep = new Set(this.newestConflicts().map((c) => c.id));
      for (const k of this.conflicts.keys()) if (!keep.has(k)) this.conflicts.delete(k);
    }
    this.made = undefined;
    return true;
  }

  view(): TeamView {
    this.made ??= {
      sends: this.newestSends(),
      claims: [...this.claims.values()],
      templates: [...this.templates.values()].sort((a, b) => a.name.localeCompare(b.name)),
      presence: [...this.presence].map(([operatorId, seenAt]) => ({ operatorId, operatorName: this.nameOf(operatorId), seenAt })),
      conflicts: this.newestConflicts(),
    };
    return this.made;
  }

  private newestConflicts(): TeamConflict[] {
    return [...this.conflicts.values()].sort((a, b) => b.at - a.at).slice(0, viewConflictLimit);
  }

  /**
   * The newest sends by updatedAt. A send's updatedAt only grows, so a send outside the last list
   * can enter it only by changing: the last list plus the changed sends, sorted (mostly in order
   * already), is enough. Everything is listed again only when the names changed or most sends did.
   */
  private newestSends(): TeamSend[] {
    const changed = this.changedSends;
    let rows: TeamSend[];
    if (changed === undefined || changed.size > this.sends.size / 4) {
      rows = [...this.sends.values()].map((h) => this.shaped(h));
    } else {
      rows = this.newest.filter((s) => !changed.has(s.id));
      for (const id of changed) {
        const held = this.sends.get(id);
        if (held) rows.push(this.shaped(held));
      }
    }
    rows.sort((a, b) => b.updatedAt - a.updatedAt);
    if (rows.length > viewSendLimit) rows.length = viewSendLimit;
    this.newest = rows;
    this.changedSends = new Set();
    return rows;
  }

  private shaped(held: HeldSend): TeamSend {
    if (!held.shaped) {
      const { previewData, providerMessageId, ...r } = held.record;
      held.shaped = {
        ...r,
        ...(providerMessageId !== undefined ? { providerMessageId } : {}),
        ...(previewData !== undefined ? { previewData } : {}),
        operatorId: held.operatorId,
        operatorName: this.nameOf(held.operatorId),
        syncedAt: held.syncedAt,
      };
    }
    return held.shaped;
  }

  nameOfOperator(operatorId: string): string {
    return this.nameOf(operatorId);
  }

  private removed(map: Map<string, unknown>, key: string): boolean {
    if (!map.delete(key)) return false;
    this.made = undefined;
    return true;
  }

  private skipped(bucket: string, key: string): boolean {
    this.log(`team view: skipped ${bucket}/${key}, its value does not parse`);
    return false;
  }
}
