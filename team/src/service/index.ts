import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type postgres from 'postgres';
import { buckets } from '../../protocol/subjects.ts';
import { copyClaimsAndPresence } from './claims-presence-copy.ts';
import { watchClaims } from './claims-view.ts';
import { operatorNames } from './operator-names.ts';
import { startProjection } from './projection.ts';
import { serveRequests } from './requests.ts';
import { mirrorTemplates } from './templates-mirror.ts';
import { importZeroEra } from './zero-era-import.ts';

export { ensureTeam } from './ensure.ts';

export interface TeamService {
  /** Stops answering and projecting; work under way finishes or is handed back to the stream. */
  stop(): Promise<void>;
}

/**
 * The team server's part inside one team's NATS account: first publishes what a Zero-era server left in
 * PostgreSQL (once, zero-era-import.ts), then answers the desktops' claim/release/template
 * requests, projects the streams into PostgreSQL and keeps team_template, team_claim and team_presence
 * copies of their buckets. `nc` is a connection in that account allowed everything; the streams and buckets must exist
 * (ensureTeam).
 */
export async function serveTeam(
  nc: NatsConnection,
  deps: { sql: postgres.Sql; teamId: string; log?: (message: string) => void },
): Promise<TeamService> {
  const log = deps.log ?? ((message: string) => console.error(`[team ${deps.teamId}] ${message}`));
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const kvm = new Kvm(js);
  const [claims, templates, operators, presence] = await Promise.all([
    kvm.open(buckets.claims),
    kvm.open(buckets.templates),
    kvm.open(buckets.operators),
    kvm.open(buckets.presence),
  ]);
  // Before the projection and the templates' mirror start: what a Zero-era server left in PostgreSQL is
  // in the streams and buckets by the time desktops are served. Not fatal: the team is served without
  // it, and the next start tries again (nothing is remembered as done until it was).
  await importZeroEra({ js, jsm, templates, operators, sql: deps.sql, teamId: deps.teamId, log }).catch((e: unknown) =>
    log(`Zero-era data not imported into NATS (tried again at the next start): ${e instanceof Error ? e.message : String(e)}`),
  );
  const nameOf = operatorNames(operators, deps.sql, deps.teamId);
  const requests = serveRequests(nc, { js, claims, templates, nameOf }, log);
  const held = await watchClaims(claims);
  const projection = await startProjection({ nc, js, jsm, sql: deps.sql, teamId: deps.teamId, holderAt: held.holderAt, nameOf, log });
  const mirror = await mirrorTemplates(templates, deps.sql, deps.teamId, log);
  const copies = await copyClaimsAndPresence({ claims: held, presence, sql: deps.sql, teamId: deps.teamId, nameOf, log });
  return {
    async stop() {
      await requests.stop();
      await Promise.all([projection.stop(), mirror.stop()]);
      held.stop();
      await copies.stop();
    },
  };
}
