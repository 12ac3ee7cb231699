import type { JetStreamClient } from '@nats-io/jetstream';
import { auditEntrySchema, type AuditEntry } from '../../protocol/messages.ts';
import { subjects } from '../../protocol/subjects.ts';
import { untilServerAnswers } from './server-return.ts';

let lastAt = 0;

/**
 * Appends one entry to the team's AUDIT stream. The entry's id is its message id and is made from what
 * the entry is about (never from a clock or a counter), so a request or a send seen twice writes it once:
 * the stream refuses the second within its 24-hour window, PostgreSQL's projection by primary key after it.
 *
 * Entries this process writes one after another get strictly increasing times: a release and the claim
 * by a colleague right after it can fall in one millisecond, and the trail read by time must still put
 * the release first (the simulation counts a claim over an unreleased one as a double claim).
 *
 * The entry follows a change already made (a claim written, a release deleted): should nats-server go
 * away in between, the entry is published again until it answers — the message id makes that safe —
 * so the trail never lacks a change that happened. The request's chat stays queued meanwhile, so the
 * trail keeps the order of the decisions.
 */
export async function appendAudit(js: JetStreamClient, entry: AuditEntry): Promise<void> {
  const at = entry.at > lastAt ? entry.at : lastAt + 0.001;
  lastAt = at;
  const checked = auditEntrySchema.parse({ ...entry, at });
  await untilServerAnswers(() =>
    js.publish(subjects.audit(checked.kind, checked.operatorId), JSON.stringify(checked), { msgID: checked.id }),
  );
}
