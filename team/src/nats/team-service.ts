import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type postgres from 'postgres';

/**
 * Where the team service (team/src/service/: streams and buckets, the claim/template requests, the
 * projection into PostgreSQL) plugs into the server: the stack calls it for every team it serves.
 */
export interface TeamService {
  /** Streams and buckets of a team's account; idempotent. */
  ensureTeam(jsm: JetStreamManager): Promise<void>;
  /** Serves the team's requests on the service's own connection until stopped; says what went wrong to `log`. */
  serveTeam(
    nc: NatsConnection,
    deps: { sql: postgres.Sql; teamId: string; log?: (message: string) => void },
  ): Promise<{ stop(): Promise<void> }>;
}
