import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where nats-server keeps its files, all inside the team server's data directory. */
export function natsPaths(dataDir: string) {
  const root = join(dataDir, 'nats');
  return {
    root,
    config: join(root, 'nats-server.conf'),
    /** JetStream's streams and buckets: nats-server keeps them in `jetstream/` under this. */
    store: root,
    /** The full resolver's copy of every account JWT pushed to it: accounts outlive a restart. */
    resolver: join(root, 'accounts'),
    pidFile: join(root, 'nats-server.pid'),
    /** Its log (server-log.ts); the team server prints only fatal lines. */
    log: join(root, 'nats-server.log'),
  };
}

export interface NatsConfigInput {
  host: string;
  port: number;
  operatorJwt: string;
  systemAccount: string;
  systemAccountJwt: string;
  tls?: { cert: string; key: string };
}

/** NATS configuration strings are JSON-compatible when quoted: paths and JWTs go through JSON.stringify. */
const q = (s: string) => JSON.stringify(s);

/**
 * Operator mode: nats-server trusts only accounts signed by our operator key; the system account is
 * preloaded (it pushes the others), the teams' accounts arrive at run time and the full resolver
 * keeps them on disk.
 */
export function writeNatsConfig(dataDir: string, input: NatsConfigInput): string {
  const p = natsPaths(dataDir);
  mkdirSync(p.store, { recursive: true, mode: 0o700 });
  mkdirSync(p.resolver, { recursive: true, mode: 0o700 });
  const lines = [
    `server_name: "team"`,
    `listen: ${q(`${input.host.includes(':') ? `[${input.host}]` : input.host}:${input.port}`)}`,
    `pid_file: ${q(p.pidFile)}`,
    `jetstream { store_dir: ${q(p.store)} }`,
    // A desktop whose link died silently reconnects on a new connection within seconds (its own ping);
    // the server drops the dead one after 3 unanswered pings 20 s apart instead of the default 2 × 2 min,
    // so it stops writing that desktop's deliveries into the void and its subscriptions go.
    `ping_interval: "20s"`,
    `ping_max: 3`,
    `operator: ${q(input.operatorJwt)}`,
    `system_account: ${input.systemAccount}`,
    `resolver: { type: full, dir: ${q(p.resolver)}, allow_delete: false }`,
    `resolver_preload: { ${input.systemAccount}: ${q(input.systemAccountJwt)} }`,
  ];
  if (input.tls) lines.push(`tls { cert_file: ${q(input.tls.cert)}, key_file: ${q(input.tls.key)} }`);
  writeFileSync(p.config, `${lines.join('\n')}\n`, { mode: 0o600 });
  return p.config;
}
