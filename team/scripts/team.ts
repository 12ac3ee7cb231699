import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { createOperator, disableOperator, enableOperator } from '../src/operators.ts';
import { exposureFromEnv, type Exposure } from '../src/exposure.ts';
import { openCluster } from '../src/postgres-cluster.ts';
import { migrate, startStack, type Stack } from '../src/stack.ts';
import { serverState } from '../src/state.ts';

/**
 * `npm run team`                      starts PostgreSQL, nats-server and the API on loopback
 *                                     (TEAM_HOST + TEAM_TLS_CERT/TEAM_TLS_KEY: another address, with TLS)
 * `npm run team -- add-operator --team support --login anna --name "Anna K."`
 *                                     creates an operator and prints a one-time password
 * `npm run team -- disable-operator --login anna`
 *                                     disables an operator: no sign-in or refresh, and their connected
 *                                     desktops are cut off at once by the running team server
 * `npm run team -- enable-operator --login anna`
 *                                     lets them sign in again (the keys revoked before stay revoked)
 * The data directory is TEAM_DATA_DIR or team/.data, created on first start.
 */
const dataDir = resolve(process.env.TEAM_DATA_DIR ?? join(import.meta.dirname, '..', '.data'));
mkdirSync(dataDir, { recursive: true });
const [command = 'start', ...rest] = process.argv.slice(2);
const state = await serverState(dataDir);

/**
 * An admin command against the operators table: PostgreSQL is used where it runs (the team server's) or
 * started for the command and stopped after it. Says whether the team server was running.
 */
async function withOperators<T>(run: (sql: postgres.Sql) => Promise<T>): Promise<{ out: T; serverRunning: boolean }> {
  const cluster = openCluster(dataDir, state.pgPort);
  await migrate(cluster.url);
  const sql = postgres(cluster.url, { max: 1, onnotice: () => {} });
  try {
    return { out: await run(sql), serverRunning: !cluster.startedHere };
  } finally {
    await sql.end({ timeout: 2 });
    if (cluster.startedHere) cluster.stop();
  }
}

function loginArg(usage: string): string {
  const { values } = parseArgs({ args: rest, options: { login: { type: 'string' } } });
  if (values.login) return values.login;
  console.error(`Usage: npm run team -- ${usage} --login <login>`);
  process.exit(2);
}

function noSuchLogin(login: string): never {
  console.error(`No operator with the login "${login}".`);
  process.exit(1);
}

if (command === 'add-operator') {
  const { values } = parseArgs({
    args: rest,
    options: { team: { type: 'string' }, login: { type: 'string' }, name: { type: 'string' } },
  });
  if (!values.team || !/^[a-z0-9_-]{1,64}$/.test(values.team) || !values.login || !values.name) {
    console.error('Usage: npm run team -- add-operator --team <a-z0-9_-> --login <login> --name "<shown name>"');
    process.exit(2);
  }
  const { login, name, team } = values;
  const password = process.env.TEAM_OPERATOR_PASSWORD ?? randomBytes(12).toString('base64url');
  await withOperators((sql) => createOperator(sql, { login, name, teamId: team, password }));
  console.log(`Operator "${login}" added to team "${team}".`);
  if (!process.env.TEAM_OPERATOR_PASSWORD) console.log(`One-time password (give it to the operator, it is not stored): ${password}`);
} else if (command === 'disable-operator') {
  const login = loginArg('disable-operator');
  const { out: disabled, serverRunning } = await withOperators((sql) => disableOperator(sql, login));
  if (!disabled) noSuchLogin(login);
  console.log(`Operator "${login}" (team "${disabled.teamId}") is disabled: sign-in and refresh refuse them.`);
  console.log(
    serverRunning
      ? `${disabled.revokedKeys} NATS key(s) revoked: a running team server cuts their desktops off within seconds (one that is stopped, when it starts).`
      : `The team server is not running: the ${disabled.revokedKeys} NATS key(s) revoked take effect when it starts.`,
  );
} else if (command === 'enable-operator') {
  const login = loginArg('enable-operator');
  const { out: enabled } = await withOperators((sql) => enableOperator(sql, login));
  if (!enabled) noSuchLogin(login);
  console.log(`Operator "${login}" (team "${enabled.teamId}") may sign in again; the keys revoked before stay revoked.`);
} else if (command === 'start') {
  let exposure: Exposure;
  try {
    exposure = exposureFromEnv();
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  }
  console.log(`Starting the team server (data: ${dataDir}) …`);
  // Stopping is asked for by Ctrl+C, SIGTERM, or (TEAM_STOP_WITH_PARENT, the simulation's server) the
  // parent's end of stdin closing; a request during start-up is served once the stack is up. A second
  // signal (npm forwards the terminal's Ctrl+C to a script that already got it) does not cut it short.
  let stack: Stack | undefined;
  let stopAsked = false;
  const stop = () => {
    if (stopAsked) return;
    stopAsked = true;
    if (stack) void stack.stop().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // A crash still stops what this process started: without this, Node exits at once and nats-server and
  // PostgreSQL run on without their API, holding their ports and data directory until someone kills them.
  process.on('uncaughtException', (e) => {
    console.error('The team server failed and stops:', e);
    setTimeout(() => process.exit(1), 30_000).unref();
    void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(1));
  });
  if (process.env.TEAM_STOP_WITH_PARENT === '1') {
    process.stdin.on('end', stop).on('error', stop);
    process.stdin.resume();
  }
  try {
    stack = await startStack(dataDir, { ...state, exposure });
  } catch (e) {
    console.error(`The team server did not start: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
  if (stopAsked) {
    await stack.stop();
    process.exit(0);
  }
  const where = exposure.tls ? `on ${exposure.host}, with TLS` : 'on loopback only';
  console.log(`
Team server is up, ${where}:
  API + sign-in : ${stack.apiUrl}
  sync (NATS)   : ${stack.natsUrl}
  PostgreSQL    : 127.0.0.1:${state.pgPort} (data in ${join(dataDir, 'pg')})

Add an operator:   npm run team -- add-operator --team support --login anna --name "Anna"
Connect a desktop: Accounts → Team → server ${stack.apiUrl}, the operator's login and password.
Other machines: TEAM_HOST=<address> TEAM_TLS_CERT=<cert.pem> TEAM_TLS_KEY=<key.pem> (docs/team-mode.md, "Past one machine").
Ctrl+C stops everything.`);
} else {
  console.error(`Unknown command "${command}". Commands: start (default), add-operator, disable-operator, enable-operator.`);
  process.exit(2);
}
