import { existsSync, globSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { electronOutputs, runtimeDependencies } from './scripts/bundle-plan.ts';

const root = import.meta.dirname;
const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<
  string,
  Record<string, unknown> & { target?: string[] }
> & { files: string[]; directories: { buildResources: string }; electronFuses: Record<string, unknown> };
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  engines: { node: string };
};

/** Electron 45's fuses, as electron-builder's `electronFuses` names them (FuseOptionsV1 in app-builder-lib). */
const electron45Fuses = [
  'runAsNode',
  'enableCookieEncryption',
  'enableNodeOptionsEnvironmentVariable',
  'enableNodeCliInspectArguments',
  'enableEmbeddedAsarIntegrityValidation',
  'onlyLoadAppFromAsar',
  'loadBrowserProcessSpecificV8Snapshot',
  'grantFileProtocolExtraPrivileges',
];

describe('packaging (electron-builder.yml)', () => {
  it('builds AppImage and deb for Linux, NSIS for Windows and dmg for macOS', () => {
    expect(config.linux!.target).toEqual(['AppImage', 'deb']);
    expect(config.win!.target).toEqual(['nsis']);
    expect(config.mac!.target).toEqual(['dmg']);
    expect(pkg.scripts.dist).toContain('electron-builder --config electron-builder.yml');
  });

  it('sets every fuse deliberately: no Node mode, no injected options, no file:// privileges', () => {
    expect(Object.keys(config.electronFuses).sort()).toEqual([...electron45Fuses].sort());
    for (const [fuse, on] of Object.entries(config.electronFuses)) expect(typeof on, fuse).toBe('boolean');
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('keeps electron-builder’s default .deb dependencies, which include libsecret for safeStorage', () => {
    expect(config.deb?.depends).toBeUndefined();
    const require = createRequire(join(root, 'node_modules', 'electron-builder', 'package.json'));
    const { default: FpmTarget } = require('app-builder-lib/out/targets/FpmTarget.js') as {
      default: { prototype: { getDefaultDepends(target: string): string[] } };
    };
    const defaults = FpmTarget.prototype.getDefaultDepends('deb');
    expect(defaults).toEqual(expect.arrayContaining(['libgtk-3-0', 'libnss3', 'libsecret-1-0']));
  });

  it('names icons that exist and ships the entry points the build produces', () => {
    for (const os of ['linux', 'win', 'mac']) expect(existsSync(join(root, String(config[os]!.icon))), os).toBe(true);
    expect(existsSync(join(root, config.directories.buildResources))).toBe(true);
    expect(pkg.main).toBe(electronOutputs.main);
    expect(config.files).toEqual(expect.arrayContaining([electronOutputs.main, electronOutputs.preload]));
  });

  it('puts only the built app in the archive: its file patterns match nothing but build output', () => {
    const include = config.files.filter((f) => !f.startsWith('!'));
    const exclude = config.files.filter((f) => f.startsWith('!')).map((f) => f.slice(1));
    const matched = globSync(include, { cwd: root, exclude: (f) => exclude.some((x) => f.endsWith(x.replace('**/*', ''))) });
    const built = (f: string) => f === 'package.json' || /^(dist-electron|renderer\/dist)(\/|$)/.test(f);
    expect(matched.filter((f) => !built(f))).toEqual([]);
    expect(matched.some((f) => f.endsWith('.map') || f.endsWith('.ts'))).toBe(false);
  });

  it('ships as dependencies only what the bundles leave outside; everything bundled is a devDependency', () => {
    expect(Object.keys(pkg.dependencies).sort()).toEqual([...runtimeDependencies].sort());
    for (const bundled of ['react', 'react-dom', 'zod', 'zustand', '@tanstack/react-query']) {
      expect(pkg.devDependencies[bundled], bundled).toBeDefined();
    }
  });

  it('pins Node 24, the line Electron 45 embeds, for every npm script', () => {
    expect(pkg.devDependencies.node).toMatch(/^\^?24\./);
    expect(pkg.engines.node).toMatch(/24/);
    expect(pkg.devDependencies.electron).toMatch(/^\^?45\./);
    expect(process.versions.node.split('.')[0]).toBe('24');
  });
});
