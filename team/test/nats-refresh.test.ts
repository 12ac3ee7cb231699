import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TeamLink, TeamSendRow } from '../../electron/team/link.ts';
import { openNatsLink } from '../client/link-core.ts';
import { natsLinkFactory } from '../client/nats-link.ts';
import { desktopInbox } from '../protocol/subjects.ts';
import { desktopUserJwt } from '../src/nats/jwts.ts';
import { connectWithJwt } from './forged-jwt.ts';
import { testStack, until } from './stack-fixture.ts';
import { sendRow } from './send-row.ts';

/** Access tokens (and the NATS JWTs with them) that live 8 seconds: a sign-in is refreshed several times in one test. */
const ttlMs = 8_000;
const row = () => sendRow({ chat: 'pachca|sandbox||discussion 9', status: 'sent' });

describe('a desktop’s NATS sign-in over time (real team server, short-lived tokens)', () => {
  let stack: Awaited<ReturnType<typeof testStack>>;
  const links: TeamLink[] = [];
  let anna: TeamLink;
  let boris: TeamLink;
  // A refresh that fails (the loopback API busy for a moment on a loaded machine) is retried by design and
  // said in the log; kept here rather than printed, and checked to be nothing else.
  const logged: string[] = [];
  const connectTeamLink = natsLinkFactory({ log: (m) => logged.push(m) });

  beforeAll(async () => {
    stack = await testStack({ accessTtlMs: ttlMs });
    const pa = await stack.addOperator('anna', 'Anna', 'support');
    const pb = await stack.addOperator('boris', 'Boris', 'support');
    anna = await connectTeamLink(stack.apiUrl, { login: 'anna', password: pa });
    boris = await connectTeamLink(stack.apiUrl, { login: 'boris', password: pb });
    links.push(anna, boris);
    await until(() => anna.online() && boris.online(), 'both desktops online');
  });
  afterAll(async () => {
    expect(logged.filter((m) => !m.startsWith('team link: the sign-in could not be refreshed'))).toEqual([]);
    for (const l of links) await l.close();
    await stack?.dispose();
  });

  it('refreshes before the token expires and keeps working past several expiries of the JWT it connected with', async () => {
    const firstRefresh = anna.refreshToken;
    await new Promise((r) => setTimeout(r, 2.5 * ttlMs));
    expect(anna.refreshToken).not.toBe(firstRefresh);
    await until(() => anna.online(), 'Anna online with a fresh JWT');
    const r = row();
    await until(async () => (await anna.pushSend(r)).ok, 'Anna’s send taken');
    await until(() => boris.view().sends.some((s) => s.id === r.id && s.operatorName === 'Anna'), 'Boris to see it');
    expect(await anna.claim('pachca|sandbox||discussion 9', 60_000)).toEqual({ ok: true });
  });

  it('comes back after an absence longer than its JWT lived: the sign-in is refreshed before it connects', async () => {
    anna.goOffline();
    await new Promise((r) => setTimeout(r, ttlMs + 2_000));
    anna.goOnline();
    await until(() => anna.online(), 'Anna back online');
    const r = row();
    await until(async () => (await anna.pushSend(r)).ok, 'the send after the absence taken');
    await until(() => boris.view().sends.some((s) => s.id === r.id), 'Boris to see it');
  });

  it('a send the JWT does not allow is refused for good, not retried', async () => {
    // A link that believes it is Anna on a connection whose JWT is Boris's: the server refuses sends.<anna>.*.
    const asBoris = openNatsLink(
      {
        operator: anna.operator,
        refreshToken: () => '',
        dial: () =>
          connectWithJwt(
            stack.natsUrl,
            (publicKey) =>
              desktopUserJwt(stack.keys, { teamId: 'support', operatorId: boris.operator.id, publicKey, expiresAt: Date.now() + 60_000 }),
            desktopInbox(boris.operator.id),
          ),
      },
      { log: () => {} },
    );
    links.push(asBoris);
    await until(() => asBoris.online(), 'the mismatched link online');
    const r = await asBoris.pushSend(row());
    expect(r).toMatchObject({ ok: false, retry: false });
    expect(asBoris.online()).toBe(true);
  });
});
