import { existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, resolve } from 'node:path';
import { build } from 'vite';
import { electronOutputs, runtimeDependencies, teamClientPackage, teamLinkOutput, teamLinkSource } from './bundle-plan.ts';

/**
 * Bundles the two Electron entry points. main.ts becomes one ES module (Electron loads ESM
 * mains); preload.ts becomes one CommonJS file, because a sandboxed preload can require only
 * `electron` and must carry everything else inside it.
 */
const root = resolve(import.meta.dirname, '..');
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

const common = { configFile: false, root, logLevel: 'warn' } as const;

await build({
  ...common,
  build: {
    outDir: 'dist-electron',
    emptyOutDir: true,
    target: 'node22',
    minify: false,
    ssr: true,
    lib: { entry: resolve(root, 'electron/main.ts'), formats: ['es'], fileName: () => basename(electronOutputs.main) },
    rollupOptions: { external: ['electron', ...runtimeDependencies, ...nodeBuiltins] },
  },
});

await build({
  ...common,
  build: {
    outDir: 'dist-electron',
    emptyOutDir: false,
    target: 'chrome130',
    minify: true,
    lib: { entry: resolve(root, 'electron/preload.ts'), formats: ['cjs'], fileName: () => basename(electronOutputs.preload) },
    rollupOptions: { external: ['electron'] },
  },
});
console.log(`built ${electronOutputs.main} and ${electronOutputs.preload}`);

// The main process's team link: one ES module with the NATS client and zod inside, nothing external
// but Node's own modules. Built only when the team package is installed; otherwise the app has no team mode.
if (existsSync(resolve(root, teamClientPackage))) {
  await build({
    ...common,
    build: {
      outDir: 'dist-electron',
      emptyOutDir: false,
      target: 'node22',
      minify: false,
      ssr: true,
      lib: { entry: resolve(root, teamLinkSource), formats: ['es'] },
      // One file, whatever the client loads lazily.
      rollupOptions: {
        external: nodeBuiltins,
        output: { entryFileNames: basename(teamLinkOutput), codeSplitting: false },
      },
    },
    // ssr builds leave dependencies external by default: this one carries them.
    ssr: { noExternal: true },
  });
  console.log(`built ${teamLinkOutput} (team mode)`);
} else {
  console.log(`${teamLinkOutput} not built: the team package is not installed (npm run team installs it); the app has no team mode`);
}
