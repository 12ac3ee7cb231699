import { DeliverPolicy, type JetStreamClient } from '@nats-io/jetstream';
import type { TeamTrailEntry } from '../../electron/team/link.ts';
import { sendRecordSchema } from '../protocol/messages.ts';
import { parseSendSubject, streams, subjects } from '../protocol/subjects.ts';
import { streamTimeMs } from './follow.ts';
import { parsedJson } from './team-view.ts';

/** As many entries as the detail pane shows. */
const trailLimit = 100;

/**
 * One send's trail, read from SENDS itself: every record under `sends.*.<id>`, oldest first. The
 * first operator whose subject carried the id owns it (as in the view); its first record is the
 * send, each later record that changes the status is a status entry, at the time the stream took it.
 * A record older than one already read (a late replay) is not a change.
 */
export async function readSendTrail(
  js: JetStreamClient,
  id: string,
  nameOf: (operatorId: string) => string,
  waitMs: number,
): Promise<TeamTrailEntry[]> {
  const consumer = await js.consumers.get(streams.sends, { filter_subjects: subjects.sendRecords(id), deliver_policy: DeliverPolicy.All });
  const messages = await consumer.consume({ max_messages: trailLimit });
  const timer = setTimeout(() => void messages.stop(new Error('team_unreachable')), waitMs);
  const trail: TeamTrailEntry[] = [];
  let owner: string | undefined;
  let newest = -Infinity;
  let status: string | undefined;
  try {
    for await (const m of messages) {
      const where = parseSendSubject(m.subject);
      const record = sendRecordSchema.safeParse(parsedJson(m.data));
      if (where && record.success && record.data.id === id) {
        owner ??= where.operatorId;
        if (where.operatorId === owner && record.data.updatedAt >= newest) {
          newest = record.data.updatedAt;
          const at = streamTimeMs(m.info.timestampNanos);
          if (status === undefined) trail.push({ kind: 'send', status: record.data.status, operatorName: nameOf(owner), at });
          else if (record.data.status !== status)
            trail.push({ kind: 'status', status: record.data.status, operatorName: nameOf(owner), at });
          status = record.data.status;
        }
      }
      if (m.info.pending === 0 || trail.length >= trailLimit) break;
    }
  } finally {
    clearTimeout(timer);
    void messages.stop();
  }
  return trail;
}
