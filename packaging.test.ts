import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = import.meta.dirname;
const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<
  string,
  Record<string, unknown> & { target?: string[] }
> & { files: string[]; directories: { buildResources: string } };
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
  engines: { node: string };
};

describe('packaging (electron-builder.yml)', () => {
  it('builds AppImage and deb for Linux, NSIS for Windows and dmg for macOS', () => {
    expect(config.linux!.target).toEqual(['AppImage', 'deb']);
    expect(config.win!.target).toEqual(['nsis']);
    expect(config.mac!.target).toEqual(['dmg']);
    expect(pkg.scripts.dist).toContain('electron-builder --config electron-builder.yml');
  });

  it('names icons that exist and ships the entry points the build produces', () => {
    for (const os of ['linux', 'win', 'mac']) expect(existsSync(join(root, String(config[os]!.icon))), os).toBe(true);
    expect(existsSync(join(root, config.directories.buildResources))).toBe(true);
    expect(config.files).toContain(pkg.main);
    expect(config.files).toContain('dist-electron/preload.cjs');
    expect(readFileSync(join(root, 'scripts/build-electron.ts'), 'utf8')).toContain("fileName: () => 'preload.cjs'");
  });

  it('never ships the browser harness or the sources', () => {
    expect(config.files.some((f) => f.includes('electron/web') || f.includes('.ts'))).toBe(false);
  });

  it('pins Node 24, the line Electron 45 embeds, for every npm script', () => {
    expect(pkg.devDependencies.node).toMatch(/^\^?24\./);
    expect(pkg.engines.node).toMatch(/24/);
    expect(pkg.devDependencies.electron).toMatch(/^\^?45\./);
    expect(process.versions.node.split('.')[0]).toBe('24');
  });
});
