import { createUser } from '@nats-io/nkeys';
import { connect } from '@nats-io/transport-node';
import type { TeamLink, TeamLinkFactory } from '../../electron/team/link.ts';
import { desktopInbox } from '../protocol/subjects.ts';
import { openNatsLink } from './link-core.ts';
import { nonceSigner } from './nonce-signer.ts';
import { signIn, type Credentials, type Session } from './sign-in.ts';

/**
 * The desktop's team link over NATS JetStream (what the build bundles as dist-electron/team-link.js).
 * The desktop makes its own NATS user key pair; only the public key goes to the team server, which
 * signs a short-lived user JWT for it in the team's account at sign-in. The seed never leaves this
 * process. The session is refreshed before the access token expires and the connection hands the
 * newest JWT to the server whenever it (re)connects: at a JWT's expiry the server drops the
 * connection, and the reconnect signs in with the fresh one.
 */
export interface NatsLinkOptions {
  /** Where to reach NATS, given the address the sign-in named (the simulation routes some desktops through a faulty relay). */
  natsUrlOf?: (url: string) => string;
  log?: (message: string) => void;
}

/**
 * The pause between attempts to reconnect: nats-server started again by its supervisor listens within
 * 1–3 s, so for the first 10 s of an outage the link tries every 250–500 ms (a fixed 1 s made every
 * desktop wait up to a second more, and all of them arrive in the same instant); after that every
 * 1–1.25 s. The random part spreads the desktops' arrivals.
 */
export function reconnectPause(now: () => number = Date.now, random: () => number = Math.random): () => number {
  let outageFrom = 0;
  let askedAt = Number.NEGATIVE_INFINITY;
  return () => {
    const t = now();
    // The client asks again while it waits between attempts: a gap this long means a new outage.
    if (t - askedAt > 5_000) outageFrom = t;
    askedAt = t;
    return (t - outageFrom < 10_000 ? 250 : 1_000) + Math.floor(random() * 250);
  };
}

/** A refresh this long before the access token expires; retried every few seconds while it fails. */
const refreshAheadMs = 60_000;
const refreshRetryMs = 5_000;

export function natsLinkFactory(opts: NatsLinkOptions = {}): TeamLinkFactory {
  return (server, credentials) => connectOverNats(server, credentials, opts);
}

export const connectTeamLink: TeamLinkFactory = natsLinkFactory();

async function connectOverNats(server: string, credentials: Credentials, opts: NatsLinkOptions): Promise<TeamLink> {
  const key = createUser();
  const natsKey = key.getPublicKey();
  let session: Session = await signIn(server, credentials, natsKey);
  const authenticator = nonceSigner(() => session.nats.jwt, key);
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let refreshing: Promise<void> | undefined;

  const refresh = (): Promise<void> =>
    (refreshing ??= signIn(server, { refreshToken: session.refreshToken }, natsKey)
      .then((s) => {
        session = s;
      })
      .finally(() => {
        refreshing = undefined;
        schedule();
      }));

  function schedule() {
    if (closed) return;
    if (timer) clearTimeout(timer);
    const inMs = session.expiresAt - refreshAheadMs - Date.now();
    timer = setTimeout(
      () => {
        timer = undefined;
        refresh().catch((e: unknown) => {
          (opts.log ?? console.warn)(`team link: the sign-in could not be refreshed (${e instanceof Error ? e.message : String(e)})`);
          if (timer) clearTimeout(timer);
          timer = setTimeout(() => void refresh().catch(() => {}), refreshRetryMs);
          timer.unref?.();
        });
      },
      Math.max(refreshRetryMs, Math.min(inMs, (session.expiresAt - Date.now()) / 2)),
    );
    timer.unref?.();
  }
  schedule();

  return openNatsLink(
    {
      operator: session.operator,
      refreshToken: () => session.refreshToken,
      async dial() {
        // Back after a long absence: the JWT has expired, so the sign-in is refreshed first.
        if (session.expiresAt - Date.now() < 5_000) await refresh();
        const url = opts.natsUrlOf ? opts.natsUrlOf(session.nats.url) : session.nats.url;
        return connect({
          servers: url,
          name: `operator-console ${session.operator.id}`,
          // The only inbox its JWT may subscribe to (permissions.ts): replies, consumer and watch deliveries come there.
          inboxPrefix: desktopInbox(session.operator.id),
          authenticator,
          maxReconnectAttempts: -1,
          reconnectDelayHandler: reconnectPause(),
          // A JWT refused at a reconnect (expired while the refresh was failing) is not the end: the next one is fresh.
          ignoreAuthErrorAbort: true,
          // A dead peer (a link that stopped passing bytes, no FIN, no RST) is noticed in 6–8 s, not the default
          // 4 minutes: until then the view silently misses its colleagues' sends. Three unanswered pings, so a PONG
          // queued behind a burst (a pull delivers at most a batch of 100 records at a time) is not taken for one.
          pingInterval: 2_000,
          maxPingOut: 3,
          timeout: 20_000,
        });
      },
      closed() {
        closed = true;
        if (timer) clearTimeout(timer);
      },
    },
    opts.log ? { log: opts.log } : {},
  );
}
