import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

// Each tool runs with the project's own configuration on a fixture holding seeded violations. The fixture is
// excluded from the project's own checks, so the configuration is copied to a folder of its own where those
// exclusions do not reach the fixture.
const root = join(import.meta.dirname, '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const made: string[] = [];

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const fixtures = join(import.meta.dirname, 'lint-fixtures');

function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `lint-${name}-`));
  made.push(dir);
  return dir;
}

/** The fixture in a folder of its own, beside a copy of the project's configuration. */
function fixture(name: string, configs: string[]): string {
  const dir = tempDir(name);
  cpSync(join(fixtures, name), dir, { recursive: true });
  for (const config of configs) cpSync(join(root, config), join(dir, config));
  return dir;
}

function run(cwd: string, command: string, args: string[]) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('npm run lint fails on a seeded violation of each house rule', () => {
  it('oxlint reports an unhandled promise (a type-aware rule) and a hook called after an early return', () => {
    // Linted in place, so the type-aware pass finds the fixture's tsconfig and the installed React types.
    const config = join(tempDir('oxlint'), '.oxlintrc.json');
    cpSync(join(root, '.oxlintrc.json'), config);
    const r = run(root, bin('oxlint'), ['-c', config, '--type-aware', '--deny-warnings', '-f', 'unix', join(fixtures, 'oxlint')]);
    expect(r.status, r.output).not.toBe(0);
    expect(r.output).toMatch(/floating-promise\.ts:4:\d+: .*no-floating-promises/);
    expect(r.output).toMatch(/conditional-hook\.tsx:5:\d+: .*rules-of-hooks/);
  }, 300_000);

  it('oxfmt --check names a file that is not formatted', () => {
    const dir = fixture('oxfmt', ['.oxfmtrc.json']);
    const r = run(dir, bin('oxfmt'), ['--check']);
    expect(r.status, r.output).not.toBe(0);
    expect(r.output).toContain('badly-formatted.ts');
  }, 300_000);

  it('dependency-cruiser refuses imports across layers, Node in shared/ and our code in a simulator', () => {
    const dir = fixture('layers', ['.dependency-cruiser.cjs']);
    const r = run(dir, bin('node'), [
      join(root, 'scripts', 'layers.ts'),
      '--config',
      '.dependency-cruiser.cjs',
      'renderer',
      'electron',
      'shared',
    ]);
    expect(r.status, r.output).not.toBe(0);
    expect(r.output).toContain('renderer-only-shared: renderer/view.ts → electron/store.ts');
    expect(r.output).toContain('shared-no-node-or-electron: shared/limits.ts → fs');
    expect(r.output).toContain('sandbox-imports-nothing-of-ours: electron/sandbox/new-simulator.ts → shared/limits.ts');
  }, 300_000);

  it('dependency-cruiser refuses zod reachable from the renderer or the preload, and lets a type import through', () => {
    const dir = fixture('first-download', ['.dependency-cruiser-first-download.cjs']);
    // The fixture imports zod itself, so it resolves the project's installed copy.
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    const r = run(dir, bin('node'), [
      join(root, 'scripts', 'layers.ts'),
      '--config',
      '.dependency-cruiser-first-download.cjs',
      'renderer',
      'electron/preload.ts',
    ]);
    expect(r.status, r.output).not.toBe(0);
    expect(r.output).toMatch(/renderer-and-preload-no-schemas: renderer\/counter\.ts → \S*node_modules\/zod\//);
    expect(r.output).toMatch(/renderer-and-preload-no-schemas: electron\/preload\.ts → \S*node_modules\/zod\//);
    expect(r.output).not.toContain('renderer/composer.ts →');
  }, 300_000);

  it('knip reports an unused file, an unused export and an unused dependency', () => {
    const dir = fixture('knip', ['knip.jsonc']);
    const r = run(dir, bin('knip'), ['--no-config-hints']);
    expect(r.status, r.output).not.toBe(0);
    expect(r.output).toMatch(/Unused files \(1\)\s+shared\/orphan\.ts/);
    expect(r.output).toMatch(/Unused dependencies \(1\)\s+left-pad/);
    expect(r.output).toMatch(/Unused exports \(1\)\s+neverImported/);
  }, 300_000);
});
