import { builtinModules } from 'node:module';
import { basename, resolve } from 'node:path';
import { build } from 'vite';
import { electronOutputs, runtimeDependencies } from './bundle-plan.ts';

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
