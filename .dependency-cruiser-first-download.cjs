// What the window downloads first carries no schema library: the host parses every value at the edge with zod,
// and the renderer and the preload take limits, rules, error kinds and channel names as plain data.
//
// A cruise of its own because it must see the code as the bundler does. The layer rules read TypeScript before
// compilation, where an `import type` is an edge too; here dependency-cruiser reads each file as compiled with the
// project's tsconfig (verbatimModuleSyntax), so a type import is gone while `import { type X } from` stays as the
// side-effect import the bundler keeps.

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'renderer-and-preload-no-schemas',
      comment: 'The renderer and the preload reach no schema library, directly or through shared/ (types come by `import type`).',
      severity: 'error',
      from: { path: '^(renderer/|electron/preload[.]ts$)' },
      to: { path: '(^|/)node_modules/(zod|ajv)/', reachable: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Tests run in Node and parse with the schemas; they are not part of any download.
    exclude: { path: '(^|/)(dist|dist-electron|renderer/dist)/|[.]test[.]tsx?$' },
    tsPreCompilationDeps: false,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
