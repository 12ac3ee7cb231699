import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { NodeConnectionOptions } from '@nats-io/transport-node';
import postgres from 'postgres';
import { createApi, type Api } from './api.ts';
import { exposure as exposureOf, urlHost, type Exposure } from './exposure.ts';
import { freePort } from './free-port.ts';
import { migrations } from './migrations.ts';
import { desktopUserJwt } from './nats/jwts.ts';
import { openKeyStore, type KeyStore } from './nats/keys.ts';
import { noteUserKey } from './nats/revocations.ts';
import { startSupervisedNats, type SupervisedNats } from './nats/supervised-server.ts';
import { openTeamAccounts, type TeamAccounts } from './nats/team-accounts.ts';
import type { TeamService } from './nats/team-service.ts';
import { openCluster, type Cluster } from './postgres-cluster.ts';
import { fillPreviewData } from './preview-data.ts';
import { ensureTeam, serveTeam } from './service/index.ts';

/** The whole team server on one machine: PostgreSQL, nats-server with JetStream, the API. */
export interface Stack {
  dataDir: string;
  apiUrl: string;
  /** Where desktops reach NATS (also in every sign-in answer). */
  natsUrl: string;
  cluster: Cluster;
  api: Api;
  nats: SupervisedNats;
  keys: KeyStore;
  teams: TeamAccounts;
  databaseUrl: string;
  /** Stops nats-server with `signal` (SIGKILL: the simulation's fault) and starts it again on the same port. */
  restartNats(signal?: NodeJS.Signals): Promise<void>;
  /** How often nats-server was started again after it exited on its own. */
  readonly natsRestarts: number;
  restartPostgres(): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  pgPort?: number;
  apiPort?: number;
  natsPort?: number;
  /** Where to listen and with which certificate; loopback without TLS by default. */
  exposure?: Exposure;
  /** The team service run for every team: team/src/service unless another is given. */
  service?: TeamService;
  /** How long a sign-in's access token and NATS JWT live (15 minutes unless a test shortens it). */
  accessTtlMs?: number;
  /**
   * Where the server's own lines go (stderr unless given): the team service's (PostgreSQL waited for, a
   * record skipped), the API's failed requests, an account push that failed. A test keeps them to check.
   */
  log?: (message: string) => void;
}

function tokenKey(dataDir: string): Buffer {
  const file = join(dataDir, 'token-key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
}

export async function migrate(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    for (const m of migrations) await sql.unsafe(m);
    await fillPreviewData(sql);
  } finally {
    await sql.end({ timeout: 2 });
  }
}

/**
 * TLS for the server's own connections: its certificate is trusted (it may be self-signed) and checked
 * for the public name; nats.js hands the options on to Node's tls.connect, `servername` included.
 */
function ownTls(cert: Buffer, publicHost: string): NonNullable<NodeConnectionOptions['tls']> {
  const options = { ca: cert.toString('utf8'), servername: publicHost };
  return options;
}

export async function startStack(dataDir: string, opts: StackOptions = {}): Promise<Stack> {
  const where = opts.exposure ?? exposureOf({});
  mkdirSync(dataDir, { recursive: true });
  const cluster = openCluster(dataDir, opts.pgPort ?? (await freePort()));
  const stopped: (() => Promise<void>)[] = [];
  const unwind = async () => {
    for (const stop of stopped.splice(0).reverse()) await stop().catch(() => {});
    if (cluster.startedHere) cluster.stop('fast');
  };
  try {
    const databaseUrl = cluster.url;
    await migrate(databaseUrl);
    const keys = openKeyStore(dataDir);
    const natsPort = opts.natsPort ?? (await freePort());
    const nats = await startSupervisedNats({
      dataDir,
      host: where.host,
      port: natsPort,
      keys,
      tls: where.tls && { cert: where.tls.certFile, key: where.tls.keyFile },
    });
    stopped.push(() => nats.stop());
    const natsUrl = `${where.tls ? 'tls' : 'nats'}://${urlHost(where.publicHost)}:${natsPort}`;

    let teams: TeamAccounts | undefined;
    const api = createApi({
      databaseUrl,
      log: opts.log,
      tokenKey: tokenKey(dataDir),
      tls: where.tls,
      ...(opts.accessTtlMs !== undefined ? { accessTtlMs: opts.accessTtlMs } : {}),
      nats: {
        url: () => natsUrl,
        async userJwt(input) {
          if (!teams) throw new Error('NATS is not set up yet');
          await teams.ensure(input.teamId);
          await teams.noteOperator(input.teamId, input.operatorId, input.operatorName);
          // Noted before the JWT leaves: whatever is handed out can be revoked.
          await noteUserKey(api.sql, input);
          return desktopUserJwt(keys, input);
        },
      },
    });
    stopped.push(() => api.close());
    // The server's own connections go to the address it listens on; with TLS they check the
    // certificate against the name desktops use, as a desktop would.
    const ownHost = where.host === '0.0.0.0' || where.host === '::' ? '127.0.0.1' : where.host;
    teams = await openTeamAccounts({
      keys,
      sql: api.sql,
      service: opts.service ?? { ensureTeam, serveTeam },
      log: opts.log,
      target: {
        servers: `${urlHost(ownHost)}:${natsPort}`,
        tls: where.tls ? ownTls(where.tls.cert, where.publicHost) : undefined,
      },
    });
    const teamsOpen = teams;
    stopped.push(() => teamsOpen.close());
    // Every team that already has operators is served from the start, not only after a sign-in.
    for (const { team_id } of await api.sql<{ team_id: string }[]>`select distinct team_id from team_operator`) await teams.ensure(team_id);

    await new Promise<void>((resolve, reject) => {
      api.server.once('error', reject);
      api.server.listen(opts.apiPort ?? 0, where.host, resolve);
    });
    const apiUrl = `${where.tls ? 'https' : 'http'}://${urlHost(where.publicHost)}:${(api.server.address() as AddressInfo).port}`;

    return {
      dataDir,
      apiUrl,
      natsUrl,
      cluster,
      api,
      nats,
      keys,
      teams,
      databaseUrl,
      get natsRestarts() {
        return nats.restarts;
      },
      restartNats: (signal) => nats.restart(signal),
      async restartPostgres() {
        cluster.stop('fast');
        cluster.start();
      },
      stop: unwind,
    };
  } catch (e) {
    await unwind();
    throw e;
  }
}
