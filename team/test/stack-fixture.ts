import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testHost } from '../../electron/testing/host-fixture.ts';
import { connectTeamLink } from '../client/nats-link.ts';
import { createOperator } from '../src/operators.ts';
import { startStack, type Stack, type StackOptions } from '../src/stack.ts';

/**
 * A real team server on loopback with its own data directory: PostgreSQL, nats-server, the API. What the
 * server says (its `log`) is kept in `logged` for the test to check, not printed.
 */
export async function testStack(
  opts: StackOptions = {},
): Promise<
  Stack & { logged: string[]; dispose(): Promise<void>; addOperator(login: string, name: string, teamId: string): Promise<string> }
> {
  const dir = mkdtempSync(join(tmpdir(), 'team-stack-'));
  const logged: string[] = [];
  const stack = await startStack(dir, { log: (m) => logged.push(m), ...opts });
  return Object.assign(stack, {
    logged,
    async addOperator(login: string, name: string, teamId: string) {
      const password = `pw-${login}-0123456789`;
      await createOperator(stack.api.sql, { login, name, teamId, password });
      return password;
    },
    async dispose() {
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

/** A desktop's host with team mode, signed in as one operator, with the Sandbox accounts. */
export async function teamDesktop(stack: Stack, login: string, password: string) {
  const host = await testHost({ sandbox: true, team: { factory: connectTeamLink } });
  await host.dispatch('accounts.createSandbox', undefined);
  const r = await host.dispatch('team.connect', { server: stack.apiUrl, login, password });
  if (!r.ok) throw new Error(r.error.message);
  await until(() => host.team?.status().online === true, 'the desktop to come online');
  return host;
}

export async function until(ok: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export type Desktop = Awaited<ReturnType<typeof teamDesktop>>;

/** A contract call on a desktop's host, as its window makes it; a refusal fails the test with the channel's name. */
export async function call<T>(d: Desktop, channel: string, input?: unknown): Promise<T> {
  const r = await d.dispatch(channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
  return r.value as T;
}

/** A Pachca text send from the sandbox account to a discussion. */
export const pachca = (entityId: number, content: string) => ({
  accountId: 'a_sbx_pachca',
  message: { provider: 'pachca', entityType: 'discussion', entityId, content },
});
