import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import postgres from 'postgres';
import { claimAnswerSchema, releaseAnswerSchema, sendMsgId, type SendRecord } from '../protocol/messages.ts';
import { subjects } from '../protocol/subjects.ts';
import { freePort } from '../src/free-port.ts';
import { migrations } from '../src/migrations.ts';
import { openCluster } from '../src/postgres-cluster.ts';
import { ensureTeam, serveTeam, type TeamService } from '../src/service/index.ts';
import { plainNats } from './plain-nats.ts';

/**
 * The team service of one team against a plain nats-server and a PostgreSQL cluster of its own, with
 * the operators given (`inBucketOnly` ones known to the `operators` bucket alone, as if PostgreSQL were
 * away when they are named). What the service logs is kept in `log`, not printed.
 */
export async function serviceFixture(teamId: string, operators: { id: string; name: string; inBucketOnly?: boolean }[]) {
  const dir = mkdtempSync(join(tmpdir(), 'team-service-'));
  const nats = await plainNats(join(dir, 'nats'));
  const cluster = openCluster(dir, await freePort());
  const sql = postgres(cluster.url, { max: 2, onnotice: () => {} });
  for (const m of migrations) await sql.unsafe(m);
  const nc = await nats.connect();
  await ensureTeam(await jetstreamManager(nc));
  const names = await new Kvm(nc).open('operators');
  for (const o of operators)
    if (o.inBucketOnly) await names.put(o.id, JSON.stringify({ name: o.name }));
    else
      await sql`insert into team_operator (id, team_id, login, name, password_hash, created_at)
        values (${o.id}, ${teamId}, ${o.id}, ${o.name}, 'x', ${Date.now()})`;
  const log: string[] = [];
  const serve = () => serveTeam(nc, { sql, teamId, log: (m) => log.push(m) });
  let service: TeamService | undefined = await serve();
  const desk = await nats.connect();
  const js = jetstream(desk);
  const ask = async (operatorId: string, method: 'claim' | 'release', body: unknown) =>
    (await desk.request(subjects.service(operatorId, method), JSON.stringify(body), { timeout: 10_000 })).json();
  return {
    nats,
    cluster,
    sql,
    nc,
    desk,
    log,
    /** A desktop's claim, under its own operator id. */
    claim: async (operatorId: string, chat: string, ttlMs: number) =>
      claimAnswerSchema.parse(await ask(operatorId, 'claim', { chat, ttlMs })),
    release: async (operatorId: string, chat: string) => releaseAnswerSchema.parse(await ask(operatorId, 'release', { chat })),
    publishSend: (operatorId: string, r: SendRecord) =>
      js.publish(subjects.send(operatorId, r.id), JSON.stringify(r), { msgID: sendMsgId(r) }),
    async stopService() {
      await service?.stop();
      service = undefined;
    },
    async startService() {
      service = await serve();
    },
    async dispose() {
      await service?.stop();
      await desk.close();
      await nc.close();
      await sql.end({ timeout: 2 });
      cluster.stop('fast');
      await nats.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
