import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Zero } from '@rocicorp/zero';
import { mutators } from '../src/mutators.ts';
import { queries } from '../src/queries.ts';
import { schema } from '../src/schema.ts';
import { startStack } from '../src/stack.ts';
import { createOperator } from '../src/operators.ts';

const t0 = Date.now();
const dir = mkdtempSync(join(tmpdir(), 'team-proof-'));
const stack = await startStack(dir, { logLevel: 'warn', zero: true });
console.log('stack up in', Date.now() - t0, 'ms', stack.apiUrl, stack.zeroUrl);
await createOperator(stack.api.sql, { login: 'a', name: 'Anna', teamId: 't1', password: 'password-a-123' });
await createOperator(stack.api.sql, { login: 'b', name: 'Boris', teamId: 't1', password: 'password-b-123' });
async function login(l: string, p: string) {
  const r = await fetch(`${stack.apiUrl}/v1/login`, { method: 'POST', body: JSON.stringify({ login: l, password: p }) });
  return (await r.json()) as { token: string; operator: { id: string; name: string; teamId: string }; zeroUrl: string };
}
const A = await login('a', 'password-a-123');
const B = await login('b', 'password-b-123');
function client(s: typeof A) {
  return new Zero({
    cacheURL: s.zeroUrl,
    userID: s.operator.id,
    auth: s.token,
    schema,
    mutators,
    kvStore: 'mem',
    context: { operatorId: s.operator.id, operatorName: s.operator.name, teamId: s.operator.teamId },
    logLevel: 'error',
  });
}
const za = client(A);
const zb = client(B);
const seen = new Map<string, number>();
const view = zb.materialize(queries.recentSends({ limit: 500 }));
view.addListener((rows) => {
  for (const r of rows as readonly { id: string; syncedAt: number }[]) if (r.syncedAt > 0 && !seen.has(r.id)) seen.set(r.id, Date.now());
});
const t1 = Date.now();
await new Promise((r) => setTimeout(r, 1500));
console.log('b connected?', zb.online, za.online);
const lags: number[] = [];
for (let i = 0; i < 50; i++) {
  const id = `s${i}`;
  const at = Date.now();
  const res = za.mutate(
    mutators.sends.upsert({
      id,
      provider: 'pachca',
      account: 'pachca|https://api|1',
      chat: `c${i % 5}`,
      recipient: 'x',
      preview: 'hello',
      status: 'sent',
      createdAt: at,
      updatedAt: at,
    }),
  );
  const s = await res.server;
  if (s.type !== 'success') console.log('server result', s);
  while (!seen.has(id)) await new Promise((r) => setTimeout(r, 5));
  lags.push(seen.get(id)! - at);
}
lags.sort((a, b) => a - b);
console.log('lags p50', lags[25], 'p95', lags[47], 'max', lags[49]);
const c1 = await za.mutate(mutators.claims.take({ chat: 'c1', ttlMs: 60_000 })).server;
const c2 = await zb.mutate(mutators.claims.take({ chat: 'c1', ttlMs: 60_000 })).server;
console.log('claim a', c1.type, 'claim b', c2.type, JSON.stringify(c2));
await za.close();
await zb.close();
await stack.stop();
console.log('total', Date.now() - t0);
