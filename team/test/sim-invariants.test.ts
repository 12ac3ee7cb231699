import { describe, expect, it } from 'vitest';
import type { AuditEntry, SendRecord } from '../protocol/messages.ts';
import { invariantsOf, type MadeSend } from '../src/sim/invariants.ts';
import type { Projection, ServerRecord } from '../src/sim/server-record.ts';

const record = (id: string, status: string, updatedAt: number): SendRecord => ({
  id,
  provider: 'pachca',
  account: 'pachca|acc',
  chat: 'pachca|acc chat 1',
  recipient: 'chat 1',
  preview: 'Ответ',
  status,
  createdAt: 1,
  updatedAt,
});

let seq = 0;
const sendOf = (operatorId: string, r: SendRecord) => ({ seq: ++seq, operatorId, record: r });
const auditOf = (kind: AuditEntry['kind'], operatorId: string, subject: string, at: number, detail: Record<string, unknown> = {}) => ({
  id: `${kind}:${operatorId}:${subject}:${at}`,
  kind,
  subject,
  operatorId,
  operatorName: operatorId,
  detail,
  at,
  seq: ++seq,
});

function server(sends: ServerRecord['sends'], audit: ServerRecord['audit'] = [], hotBody = ''): ServerRecord {
  return {
    sends,
    audit,
    template: (id) => (id === 'hot' ? { id, name: 'Hot', body: hotBody, version: 3, updatedBy: 'a', updatedAt: 1 } : undefined),
    unreadable: 0,
  };
}

function projectionOf(rows: [string, string][], audited: string[] = rows.map(([id]) => id)): Projection {
  return {
    sendRows: new Map(rows.map(([id, status]) => [id, { rows: 1, status }])),
    sendAuditRows: new Map(audited.map((id) => [id, audited.filter((x) => x === id).length])),
  };
}

const made: MadeSend[] = [
  { id: 's1', operatorId: 'op_a', finalStatus: 'sent' },
  { id: 's2', operatorId: 'op_b', finalStatus: 'sent' },
];
const noEdits = { templateId: 'hot', acked: [] };

describe('the simulation judges its invariants from what the server keeps', () => {
  it('finds nothing wrong when each send is stored once per record, at its last status, in the stream and in PostgreSQL', () => {
    const r = server([
      sendOf('op_a', record('s1', 'sending', 10)),
      sendOf('op_a', record('s1', 'sent', 20)),
      sendOf('op_b', record('s2', 'sent', 15)),
    ]);
    expect(
      invariantsOf(
        made,
        r,
        projectionOf([
          ['s1', 'sent'],
          ['s2', 'sent'],
        ]),
        noEdits,
      ),
    ).toEqual({
      duplicatedSends: 0,
      missingSends: 0,
      staleSends: 0,
      missingInProjection: 0,
      onlineDoubleClaims: 0,
      lostEdits: 0,
    });
  });

  it('counts a record the stream stored twice (a replay its duplicate window let through) as a duplicated send', () => {
    const r = server([
      sendOf('op_a', record('s1', 'sent', 20)),
      sendOf('op_a', record('s1', 'sent', 20)),
      sendOf('op_b', record('s2', 'sent', 15)),
    ]);
    expect(
      invariantsOf(
        made,
        r,
        projectionOf([
          ['s1', 'sent'],
          ['s2', 'sent'],
        ]),
        noEdits,
      ).duplicatedSends,
    ).toBe(1);
  });

  it('counts a send whose arrival PostgreSQL audited twice as duplicated, and one it lacks as missing from the projection', () => {
    const r = server([sendOf('op_a', record('s1', 'sent', 20)), sendOf('op_b', record('s2', 'sent', 15))]);
    const inv = invariantsOf(made, r, projectionOf([['s1', 'sent']], ['s1', 's1']), noEdits);
    expect(inv.duplicatedSends).toBe(1);
    expect(inv.missingInProjection).toBe(1);
    expect(inv.missingSends).toBe(0);
  });

  it('tells a send the stream never got from one whose last status it lacks', () => {
    const r = server([sendOf('op_a', record('s1', 'sending', 10))]);
    const inv = invariantsOf(made, r, projectionOf([['s1', 'sending']]), noEdits);
    expect(inv.missingSends).toBe(1);
    expect(inv.staleSends).toBe(1);
  });

  it('orders claims by the stream, so a release written at a later clock but appended first frees the chat', () => {
    const audit = [
      auditOf('claim', 'op_a', 'chat 1', 100),
      auditOf('release', 'op_a', 'chat 1', 300),
      auditOf('claim', 'op_b', 'chat 1', 200),
    ];
    expect(invariantsOf([], server([], audit), projectionOf([]), noEdits).onlineDoubleClaims).toBe(0);
  });

  it('counts a claim granted while another operator held the chat online, but not one settled from offline or after expiry', () => {
    const audit = [
      auditOf('claim', 'op_a', 'chat 1', 100, { expiresAt: 1_000 }),
      auditOf('claim', 'op_b', 'chat 1', 200),
      auditOf('claim', 'op_a', 'chat 2', 100, { expiresAt: 150 }),
      auditOf('claim', 'op_b', 'chat 2', 200),
      auditOf('claim', 'op_a', 'chat 3', 100),
      auditOf('claim', 'op_b', 'chat 3', 200, { offline: true }),
    ];
    expect(invariantsOf([], server([], audit), projectionOf([]), noEdits).onlineDoubleClaims).toBe(1);
  });

  it("counts an acknowledged template edit whose line the bucket's final text lacks as lost", () => {
    const r = server([], [], 'Здравствуйте!\nedit-1\nedit-3');
    expect(invariantsOf([], r, projectionOf([]), { templateId: 'hot', acked: ['edit-1', 'edit-2', 'edit-3'] }).lostEdits).toBe(1);
  });
});
