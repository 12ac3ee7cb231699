// Runs after `npm ci` here (postinstall). Plain JavaScript: it may run under any Node the machine has.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * postgres.js 3.4.x writes small messages on the next turn of the event loop (setImmediate). When the
 * connection has closed by then, `nextWrite` calls write on a null socket: a TypeError thrown from a
 * timer, which no caller can catch, and which took the whole team server down when PostgreSQL
 * restarted under load (the simulation's third full-load run, 30 November). Teardown also cancels that
 * timer without forgetting it, so a connection that lost its socket with a write buffered never flushes
 * again and its queries hang. Upstream: porsager/postgres#1066, #1154, #1208 (open), fixes proposed in
 * #1168, #1176, #1209 and carried as a patch by Rocicorp Zero (rocicorp/mono#6193). The same guard here,
 * applied to both builds of the library, until a release carries it; if the library's text changes,
 * the install fails loudly instead of running unpatched.
 */
const marker = '/* operator-console: nextWrite guarded */';
const edits = [
  [
    'function nextWrite(fn) {\n    const x = socket.write(chunk, fn)',
    `function nextWrite(fn) { ${marker}\n    if (!socket) {\n      chunk = nextWriteTimer = null\n      error(Errors.connection('CONNECTION_CLOSED', options))\n      return false\n    }\n    const x = socket.write(chunk, fn)`,
  ],
  [
    '    clearImmediate(nextWriteTimer)\n    if (socket) {',
    '    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    if (socket) {',
  ],
  [
    '    clearImmediate(nextWriteTimer)\n    socket.removeListener',
    '    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    socket.removeListener',
  ],
];
const root = join(import.meta.dirname, '..', 'node_modules', 'postgres');
for (const file of ['src/connection.js', 'cjs/src/connection.js']) {
  const path = join(root, file);
  let text = readFileSync(path, 'utf8');
  if (text.includes(marker)) continue;
  for (const [from, to] of edits) {
    if (text.split(from).length !== 2) {
      console.error(
        `team: postgres.js's ${file} is not the text this patch knows (scripts/patch-postgres.mjs): check whether the release fixed porsager/postgres#1208 and drop or update the patch.`,
      );
      process.exit(1);
    }
    text = text.replace(from, to);
  }
  writeFileSync(path, text);
}
