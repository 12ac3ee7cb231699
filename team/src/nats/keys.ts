import { createAccount, createOperator, fromSeed, type KeyPair } from '@nats-io/nkeys';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The nkeys that make the team server the authority over its NATS server: the operator (signs the
 * accounts), the system account (pushes account JWTs at run time), and one account per team (signs
 * its operators' user JWTs). Each is a seed in a file of its own (mode 0600) in the data directory,
 * so a restart keeps them — and with them every JWT already handed out and the resolver's accounts.
 */
export interface KeyStore {
  operator: KeyPair;
  system: KeyPair;
  /** The team's account key, created on first use. */
  team(teamId: string): KeyPair;
}

export const keysDir = (dataDir: string) => join(dataDir, 'nats', 'keys');

function loadOrCreate(file: string, create: () => KeyPair): KeyPair {
  if (existsSync(file)) return fromSeed(new TextEncoder().encode(readFileSync(file, 'utf8').trim()));
  const kp = create();
  // Written whole and then renamed: a crash mid-write must not leave half a seed behind.
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, new TextDecoder().decode(kp.getSeed()), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return kp;
}

/** A file name for any team id (ids from add-operator are [a-z0-9_-], older rows may hold more). */
const teamFile = (teamId: string) => `team-${encodeURIComponent(teamId).replaceAll('.', '%2E')}.nk`;

export function openKeyStore(dataDir: string): KeyStore {
  const dir = keysDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const teams = new Map<string, KeyPair>();
  return {
    operator: loadOrCreate(join(dir, 'operator.nk'), createOperator),
    system: loadOrCreate(join(dir, 'system-account.nk'), createAccount),
    team(teamId) {
      let kp = teams.get(teamId);
      if (!kp) {
        kp = loadOrCreate(join(dir, teamFile(teamId)), createAccount);
        teams.set(teamId, kp);
      }
      return kp;
    },
  };
}
