import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followTeam, type Following } from '../client/follow.ts';
import { TeamViewState } from '../client/team-view.ts';
import { sendMsgId } from '../protocol/messages.ts';
import { subjects } from '../protocol/subjects.ts';
import { plainNats, until } from './plain-nats.ts';
import { plainTeam } from './plain-team.ts';
import { sendRow } from './send-row.ts';

/** The view's state, noting every record the followers hand it. */
class NotingState extends TeamViewState {
  readonly sendsApplied: string[] = [];
  readonly operatorsApplied: string[] = [];
  override applySend(subject: string, data: Uint8Array, at: number): boolean {
    this.sendsApplied.push(subject);
    return super.applySend(subject, data, at);
  }
  override applyOperator(key: string, value: Uint8Array | undefined): boolean {
    this.operatorsApplied.push(key);
    return super.applyOperator(key, value);
  }
}

describe('following the team across a restart of nats-server', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof plainNats>>;
  const connections: NatsConnection[] = [];
  let following: Following | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'follow-resume-'));
    server = await plainNats(join(dir, 'nats'));
  });
  afterAll(async () => {
    following?.stop();
    for (const nc of connections) await nc.close().catch(() => {});
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('carries on from the record after the last one it applied: what came before is not handed over again', async () => {
    const admin = await server.connect();
    const desk = await server.connect();
    connections.push(admin, desk);
    const team = await plainTeam(admin);
    const publishSend = async (operatorId: string) => {
      const r = sendRow();
      await team.publish(subjects.send(operatorId, r.id), JSON.stringify(r), sendMsgId(r));
      return subjects.send(operatorId, r.id);
    };
    const before = [await publishSend('op_anna'), await publishSend('op_boris'), await publishSend('op_anna')];
    await team.bucket.operators.put('op_anna', JSON.stringify({ name: 'Anna' }));

    const state = new NotingState(() => {});
    following = followTeam(
      desk,
      jetstream(desk, { timeout: 5_000 }),
      state,
      () => {},
      () => {},
    );
    await until(() => state.sendsApplied.length === before.length && state.operatorsApplied.length === 1, 'the team as it was');

    await server.restart('SIGKILL');
    let after = '';
    await until(async () => {
      after = await publishSend('op_boris').catch(() => '');
      return after !== '';
    }, 'the stream to take a send again');
    await team.bucket.operators.put('op_boris', JSON.stringify({ name: 'Boris' }));
    await until(() => state.sendsApplied.includes(after) && state.operatorsApplied.includes('op_boris'), 'what came after the restart');

    expect(state.sendsApplied).toEqual([...before, after]);
    expect(state.operatorsApplied).toEqual(['op_anna', 'op_boris']);
    expect(
      state
        .view()
        .sends.map((s) => s.operatorName)
        .sort(),
    ).toEqual(['Anna', 'Anna', 'Boris', 'Boris']);
  });
});
