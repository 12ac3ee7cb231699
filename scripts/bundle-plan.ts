/**
 * What the packaged app is made of, shared by the build and the packaging test: the two Electron
 * entry points the build writes, and the only packages left outside the bundle (everything else,
 * React and zod included, is inside main.js or the renderer's assets, so it is not shipped again).
 */
export const electronOutputs = { main: 'dist-electron/main.js', preload: 'dist-electron/preload.cjs' } as const;

/**
 * Team mode's NATS client (team/client/nats-link.ts), bundled beside main.js when the team package is
 * installed (`npm run team` or `npm run test:team` installs it; `npm run dist` does it first). Only the
 * client is inside (the NATS transport, JetStream, key-value and nkeys libraries, all plain
 * JavaScript): the team server's side stays in team/node_modules. main.ts loads it when present;
 * without it the app has no team mode.
 */
export const teamLinkOutput = 'dist-electron/team-link.js';
export const teamLinkSource = 'team/client/nats-link.ts';
/** Present once the team package's dependencies are installed. */
export const teamClientPackage = 'team/node_modules/@nats-io/transport-node/package.json';

/** Loaded from node_modules at run time: electron-store reads and writes config.json (with conf, its own dependency). */
export const runtimeDependencies = ['electron-store'] as const;
