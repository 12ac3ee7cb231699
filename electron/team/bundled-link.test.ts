import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBundledTeamLink } from './bundled-link.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'team-link-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the team link bundled beside main.js', () => {
  it('is no team mode at all when the build did not bundle it', async () => {
    const warnings: string[] = [];
    expect(await loadBundledTeamLink(join(tempDir(), 'team-link.js'), (m) => warnings.push(m))).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('hands over its factory when it is there', async () => {
    const file = join(tempDir(), 'team-link.js');
    writeFileSync(file, `export const connectTeamLink = async (server) => ({ server });\n`);
    const loaded = await loadBundledTeamLink(file, () => {});
    expect(await loaded?.factory('https://team.example', { refreshToken: 'r' })).toEqual({ server: 'https://team.example' });
  });

  it('leaves team mode off, with a logged reason, when the file is not a team link', async () => {
    const warnings: string[] = [];
    const wrong = join(tempDir(), 'team-link.js');
    writeFileSync(wrong, `export const something = 1;\n`);
    const broken = join(tempDir(), 'team-link.js');
    writeFileSync(broken, `throw new Error('half a file');\n`);
    expect(await loadBundledTeamLink(wrong, (m) => warnings.push(m))).toBeUndefined();
    expect(await loadBundledTeamLink(broken, (m) => warnings.push(m))).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('exports no connectTeamLink'), expect.stringContaining('half a file')]);
  });
});
