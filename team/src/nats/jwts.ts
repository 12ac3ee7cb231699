import { encodeAccount, encodeOperator, encodeUser } from '@nats-io/jwt';
import { createUser, type KeyPair } from '@nats-io/nkeys';
import { isToken } from '../../protocol/subjects.ts';
import type { KeyStore } from './keys.ts';
import { desktopPublishAllow, desktopPublishDeny, desktopSubscribeAllow } from './permissions.ts';

/**
 * The JWTs the team server signs. @nats-io/jwt leaves every limit it is not given at 0, which the
 * server reads as "none allowed" (no connection, no subscription): each is set to -1 (unlimited) here.
 */
const userLimits = { subs: -1, data: -1, payload: -1 };
const accountLimits = { subs: -1, conn: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, leaf: -1 };
/** A team's JetStream: its streams and buckets, bounded by the disk, not by the account. */
const jetStreamLimits = { mem_storage: -1, disk_storage: -1, streams: -1, consumer: -1 };

export const operatorJwt = (keys: KeyStore) => encodeOperator('team-server', keys.operator, { system_account: keys.system.getPublicKey() });

export const systemAccountJwt = (keys: KeyStore) => encodeAccount('SYS', keys.system, { limits: accountLimits }, { signer: keys.operator });

/**
 * A team's own account: nothing in it is visible from another team's. `revocations` (a user's public
 * key → unix seconds) makes nats-server refuse, and drop at once if connected, every user JWT for that
 * key issued at or before that second: how a disabled operator's desktops are cut off before their JWTs expire.
 */
export const teamAccountJwt = (keys: KeyStore, teamId: string, revocations: Record<string, number> = {}) =>
  encodeAccount(
    `team ${teamId}`,
    keys.team(teamId),
    { limits: { ...accountLimits, ...jetStreamLimits }, ...(Object.keys(revocations).length ? { revocations } : {}) },
    { signer: keys.operator },
  );

/** A user made here, for one of the server's own connections: its JWT and the key that proves it. */
export interface OwnUser {
  jwt: string;
  seed: Uint8Array;
}

async function ownUser(name: string, account: KeyPair): Promise<OwnUser> {
  const user = createUser();
  return { jwt: await encodeUser(name, user, account, userLimits), seed: user.getSeed() };
}

/** The system account's user: pushes account JWTs to the resolver. */
export const systemUser = (keys: KeyStore) => ownUser('team-server-system', keys.system);

/** The team server's own user in a team's account (the service): every permission. */
export const serviceUser = (keys: KeyStore, teamId: string) => ownUser('team-service', keys.team(teamId));

/**
 * A desktop's user JWT: the desktop's own public key (its seed never leaves it), in its team's
 * account, with the permissions of permissions.ts, ending with the access token (the server
 * disconnects it then; the desktop reconnects with the JWT of its refresh).
 */
export async function desktopUserJwt(
  keys: KeyStore,
  input: { teamId: string; operatorId: string; publicKey: string; expiresAt: number },
): Promise<string> {
  if (!isToken(input.operatorId)) throw new Error(`operator id ${input.operatorId} cannot be a subject token`);
  return encodeUser(
    input.operatorId,
    input.publicKey,
    keys.team(input.teamId),
    {
      ...userLimits,
      pub: { allow: desktopPublishAllow(input.operatorId), deny: desktopPublishDeny },
      sub: { allow: desktopSubscribeAllow(input.operatorId) },
    },
    { exp: Math.floor(input.expiresAt / 1000) },
  );
}
