/**
 * What the packaged app is made of, shared by the build and the packaging test: the two Electron
 * entry points the build writes, and the only packages left outside the bundle (everything else,
 * React and zod included, is inside main.js or the renderer's assets, so it is not shipped again).
 */
export const electronOutputs = { main: 'dist-electron/main.js', preload: 'dist-electron/preload.cjs' } as const;

/** Loaded from node_modules at run time: electron-store reads and writes config.json (with conf, its own dependency). */
export const runtimeDependencies = ['electron-store'] as const;
