// Layer rules as code: the renderer and the main process meet only in shared/, shared/ runs in both so it
// touches neither Node nor Electron, and the simulators stand apart from the code they test.

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'renderer-only-shared',
      comment: 'The renderer reaches the main process only through the bridge; it imports shared/ and nothing else of ours.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^(electron|scripts|bench|e2e)/' },
    },
    {
      name: 'renderer-no-node-or-electron',
      comment: 'The renderer runs sandboxed in a browser page: no Node built-ins (its tests run in Node and may read files).',
      severity: 'error',
      from: { path: '^renderer/', pathNot: '[.]test[.]tsx?$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'renderer-no-electron-package',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^node_modules/electron/' },
    },
    {
      name: 'electron-only-shared',
      comment: 'The main process and preload import shared/ and Node, never the renderer or the tooling.',
      severity: 'error',
      from: { path: '^electron/', pathNot: '^electron/.+[.]test[.]ts$' },
      to: { path: '^(renderer|scripts|bench|e2e)/' },
    },
    {
      name: 'shared-imports-nothing-of-ours',
      comment: 'shared/ runs in both processes, so it depends on no layer above it.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(renderer|electron|scripts|bench|e2e)/' },
    },
    {
      name: 'shared-no-node-or-electron',
      comment: 'shared/ is bundled into the renderer: no Node built-ins, no Electron.',
      severity: 'error',
      from: { path: '^shared/', pathNot: '[.]test[.]ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'shared-no-electron-package',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^node_modules/electron/' },
    },
    {
      name: 'sandbox-imports-nothing-of-ours',
      comment: 'A simulator follows the fact sheet, not our code; importing our limits would make it agree with our bugs.',
      severity: 'error',
      from: { path: '^electron/sandbox/' },
      to: { path: '^(shared|renderer|scripts|bench|e2e)/|^electron/(?!sandbox/)' },
    },
    {
      name: 'no-circular',
      comment: 'A cycle through type-only imports is erased at build time; one through code is not.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|dist-electron|renderer/dist)/|^scripts/lint-fixtures/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
