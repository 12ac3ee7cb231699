import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { connect, jwtAuthenticator, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import type postgres from 'postgres';
import { z } from 'zod';
import { operatorValueSchema } from '../../protocol/messages.ts';
import { buckets } from '../../protocol/subjects.ts';
import type { KeyStore } from './keys.ts';
import { serviceUser, systemUser, teamAccountJwt, type OwnUser } from './jwts.ts';
import { revocationsChannel, revocationsOf } from './revocations.ts';
import type { TeamService } from './team-service.ts';

/**
 * The team server's side of NATS: one system-account connection that pushes each team's account
 * JWT to the resolver, and one connection per team as the team's service user, on which the team
 * service runs. A team is set up once per process, on first need (start-up, or its first sign-in).
 */
export interface TeamAccounts {
  /** The team's account exists on the server and its service runs here. */
  ensure(teamId: string): Promise<void>;
  /** Writes the operator's name to the team's `operators` bucket (at sign-in), unless it is there already. */
  noteOperator(teamId: string, operatorId: string, name: string): Promise<void>;
  /** The service connection of a team set up by `ensure`. */
  connection(teamId: string): NatsConnection | undefined;
  close(): Promise<void>;
}

/** How the server answers `$SYS.REQ.CLAIMS.UPDATE`. */
const claimsUpdateAnswer = z.union([
  z.object({ data: z.object({ code: z.number(), message: z.string().optional() }) }),
  z.object({ error: z.object({ code: z.number().optional(), description: z.string() }) }),
]);

export interface NatsClientTarget {
  /** Where the server's own connections reach nats-server. */
  servers: string;
  /** TLS options when nats-server requires TLS. */
  tls?: NodeConnectionOptions['tls'];
}

const connectAs = (target: NatsClientTarget, user: OwnUser, name: string) =>
  connect({
    servers: target.servers,
    name,
    tls: target.tls,
    authenticator: jwtAuthenticator(user.jwt, user.seed),
    // nats-server restarted (or killed by the simulation): these connections come back by themselves.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
  });

export async function openTeamAccounts(opts: {
  keys: KeyStore;
  target: NatsClientTarget;
  sql: postgres.Sql;
  service: TeamService;
  /** Where what goes wrong is said, one line each (stderr unless given). */
  log?: (message: string) => void;
}): Promise<TeamAccounts> {
  const log = opts.log ?? ((message: string) => console.error(message));
  const sys = await connectAs(opts.target, await systemUser(opts.keys), 'team-server system');
  const teams = new Map<string, Promise<{ nc: NatsConnection; stop(): Promise<void> }>>();
  const ready = new Map<string, NatsConnection>();
  const operatorBuckets = new Map<string, Promise<KV>>();

  async function signAndPush(teamId: string) {
    const jwt = await teamAccountJwt(opts.keys, teamId, await revocationsOf(opts.sql, teamId));
    const reply = await sys.request('$SYS.REQ.CLAIMS.UPDATE', jwt, { timeout: 10_000 });
    const answer = claimsUpdateAnswer.safeParse(reply.json());
    if (!answer.success) throw new Error(`nats-server answered the account update of team ${teamId} with ${reply.string()}`);
    if ('error' in answer.data) throw new Error(`nats-server refused the account of team ${teamId}: ${answer.data.error.description}`);
  }

  /** One push at a time per team, in order: an older account JWT never lands after a newer one. */
  const pushes = new Map<string, Promise<void>>();
  function pushAccount(teamId: string): Promise<void> {
    const next = (pushes.get(teamId) ?? Promise.resolve()).catch(() => {}).then(() => signAndPush(teamId));
    pushes.set(teamId, next);
    return next;
  }

  /**
   * An operator disabled by the admin command (another process) is revoked here: the command tells this
   * process through PostgreSQL, which the team server already depends on, so it needs neither the NATS
   * keys nor the address and certificate of nats-server, and the account JWT keeps one signer. Whenever
   * the listening connection comes (back) up — a PostgreSQL restart may have lost a notification — every
   * team served here is pushed again.
   */
  const repush = (teamId: string) => {
    if (!teams.has(teamId)) return;
    pushAccount(teamId).catch((e: unknown) => {
      log(`[team-nats] the account of team ${teamId} was not pushed again: ${e instanceof Error ? e.message : String(e)}`);
    });
  };
  const listening = await opts.sql.listen(
    revocationsChannel,
    (teamId) => repush(teamId),
    () => {
      for (const teamId of teams.keys()) repush(teamId);
    },
  );

  async function setUp(teamId: string) {
    await pushAccount(teamId);
    const nc = await connectAs(opts.target, await serviceUser(opts.keys, teamId), `team-service ${teamId}`);
    try {
      await opts.service.ensureTeam(await jetstreamManager(nc));
      const served = await opts.service.serveTeam(nc, { sql: opts.sql, teamId, log: (m) => log(`[team ${teamId}] ${m}`) });
      return { nc, stop: () => served.stop() };
    } catch (e) {
      await nc.close();
      throw e;
    }
  }

  return {
    async ensure(teamId) {
      let team = teams.get(teamId);
      if (!team) {
        team = setUp(teamId);
        teams.set(teamId, team);
        // A failed set-up is tried again by the next sign-in rather than remembered.
        team.catch(() => teams.delete(teamId));
      }
      ready.set(teamId, (await team).nc);
    },
    async noteOperator(teamId, operatorId, name) {
      // The bucket is the service's (ensureTeam made it when the team was set up).
      const nc = ready.get(teamId);
      if (!nc) throw new Error(`team ${teamId} is not set up`);
      let bucket = operatorBuckets.get(teamId);
      if (!bucket) {
        bucket = new Kvm(nc).open(buckets.operators);
        operatorBuckets.set(teamId, bucket);
        bucket.catch(() => operatorBuckets.delete(teamId));
      }
      const kv = await bucket;
      const entry = await kv.get(operatorId);
      const known = operatorValueSchema.safeParse(entry?.operation === 'PUT' ? entry.json() : undefined);
      if (known.success && known.data.name === name) return;
      await kv.put(operatorId, JSON.stringify({ name }));
    },
    connection: (teamId) => ready.get(teamId),
    async close() {
      for (const team of teams.values()) {
        try {
          const t = await team;
          await t.stop();
          await t.nc.close();
        } catch {
          // It never came up: nothing to close.
        }
      }
      await listening.unlisten().catch(() => {});
      await sys.close();
    },
  };
}
