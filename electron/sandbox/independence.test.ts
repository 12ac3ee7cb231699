import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSync } from 'oxc-parser';
import { describe, expect, it } from 'vitest';

/**
 * The simulators stand in for the providers, so they may know only the providers: a rule they
 * shared with the console (a limit, a pattern) would be wrong on both sides at once and no test
 * could see it. Every file in this folder imports only Node, packages, and files of this folder.
 */
const folder = dirname(fileURLToPath(import.meta.url));

/** Every module a source text asks for: static imports, re-exports, and `import()` with a literal. */
function requestsOf(file: string, code: string): string[] {
  const { module, errors } = parseSync(file, code);
  if (errors.length) throw new Error(`${file} does not parse: ${errors[0]!.message}`);
  const requests = [
    ...module.staticImports.map((i) => i.moduleRequest.value),
    ...module.staticExports.flatMap((e) => e.entries.flatMap((x) => (x.moduleRequest ? [x.moduleRequest.value] : []))),
  ];
  for (const d of module.dynamicImports) {
    const text = code.slice(d.moduleRequest.start, d.moduleRequest.end);
    const literal = /^(['"`])([^'"`$]*)\1$/.exec(text);
    // A computed import could reach anywhere; it is refused rather than guessed.
    requests.push(literal ? literal[2]! : `<computed: ${text}>`);
  }
  return requests;
}

/** The requests of `file` that leave `root`: relative paths outside it and anything computed. */
function escapes(root: string, file: string, code: string): string[] {
  return requestsOf(file, code).filter((request) => {
    if (request.startsWith('<computed')) return true;
    if (!request.startsWith('.') && !request.startsWith('/')) return false; // node: built-ins and packages
    const target = resolve(dirname(file), request);
    const inside = relative(root, target);
    return inside.startsWith('..') || inside.startsWith(sep) || resolve(root, inside) !== target;
  });
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourcesUnder(join(dir, e.name)) : /\.(ts|tsx|mts|js|mjs)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

describe('the simulators in electron/sandbox/', () => {
  it('import nothing of the console: no shared/, no other part of electron/', () => {
    const files = sourcesUnder(folder);
    expect(files.map((f) => relative(folder, f))).toEqual(expect.arrayContaining(['pachca.ts', 'market.ts', 'diadoc.ts', 'server.ts']));
    const offenders = Object.fromEntries(
      files.map((f) => [relative(folder, f), escapes(folder, f, readFileSync(f, 'utf8'))] as const).filter(([, out]) => out.length > 0),
    );
    expect(offenders).toEqual({});
  });

  it('would catch an import of shared/ or electron/ however it is written', () => {
    const file = join(folder, 'seeded.ts');
    const seeded = [
      "import { pachcaLimits } from '../../shared/messages/pachca.ts';",
      "import type { SendError } from '../../shared/errors.ts';",
      "export { redactText } from '../providers/redact.ts';",
      "const clock = await import('../clock.ts');",
      'const any = await import(`../${"vault"}/accounts.ts`);',
      "import { SimServer } from './server.ts';",
      "import { createServer } from 'node:http';",
    ].join('\n');
    expect(escapes(folder, file, seeded)).toEqual([
      '../../shared/messages/pachca.ts',
      '../../shared/errors.ts',
      '../providers/redact.ts',
      '../clock.ts',
      '<computed: `../${"vault"}/accounts.ts`>',
    ]);
  });
});
