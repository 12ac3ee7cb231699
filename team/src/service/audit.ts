import type { JetStreamClient } from '@nats-io/jetstream';
import { auditEntrySchema, type AuditEntry } from '../../protocol/messages.ts';
import { subjects } from '../../protocol/subjects.ts';

/**
 * Appends one entry to the team's AUDIT stream. The entry's id is its message id and is made from what
 * the entry is about (never from a clock or a counter), so a request or a send seen twice writes it once:
 * the stream refuses the second within its 24-hour window, PostgreSQL's projection by primary key after it.
 */
export async function appendAudit(js: JetStreamClient, entry: AuditEntry): Promise<void> {
  const checked = auditEntrySchema.parse(entry);
  await js.publish(subjects.audit(checked.kind, checked.operatorId), JSON.stringify(checked), { msgID: checked.id });
}
