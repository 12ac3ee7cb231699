import { encodeUser } from '@nats-io/jwt';
import { createAccount, createUser } from '@nats-io/nkeys';
import { connect, jwtAuthenticator, type NatsConnection } from '@nats-io/transport-node';

/**
 * Connects to nats-server with a user JWT the team server did not sign: a well-formed JWT for a fresh
 * key, issued by an account key made here and allowed everything. Resolves to how the server answered.
 */
export async function connectWithForgedJwt(natsUrl: string): Promise<'refused' | 'connected'> {
  const key = createUser();
  const jwt = await encodeUser('forged', key, createAccount(), { subs: -1, data: -1, payload: -1 });
  try {
    const nc = await connect({ servers: natsUrl, authenticator: jwtAuthenticator(jwt, key.getSeed()), reconnect: false });
    await nc.close();
    return 'connected';
  } catch {
    return 'refused';
  }
}

/**
 * A connection with a fresh key and the JWT `jwtFor` makes for it (a test choosing what the JWT allows),
 * with the inbox prefix a desktop's JWT allows it to subscribe to.
 */
export async function connectWithJwt(
  natsUrl: string,
  jwtFor: (publicKey: string) => Promise<string>,
  inboxPrefix?: string,
): Promise<NatsConnection> {
  const key = createUser();
  const jwt = await jwtFor(key.getPublicKey());
  return connect({ servers: natsUrl, authenticator: jwtAuthenticator(jwt, key.getSeed()), ...(inboxPrefix ? { inboxPrefix } : {}) });
}
