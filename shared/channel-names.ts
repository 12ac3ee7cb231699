/**
 * The contract's channel and event names as plain strings. The clients (preload, browser
 * bridge) need only names to build one method per channel; importing the schemas would put the
 * whole validation library into the renderer's first download. A test keeps this list equal to
 * `contract.ts`, which stays the single source of truth.
 */
export const channelNames = {
  app: ['info', 'copy', 'reportError', 'proxyLogin'],
  settings: ['get', 'set'],
  accounts: ['list', 'create', 'update', 'remove', 'check', 'createSandbox', 'export', 'import'],
  sends: ['send', 'retry', 'cancel', 'reschedule', 'resolve'],
  history: ['list', 'get', 'upgrade'],
  templates: ['list', 'save', 'remove'],
  recipients: ['search', 'refresh', 'snapshot'],
  sentMessages: ['edit', 'remove'],
  conversations: ['get'],
  diadoc: ['documentTypes'],
  files: ['register', 'forget'],
  team: [
    'status',
    'connect',
    'disconnect',
    'sends',
    'send',
    'chatActivity',
    'claim',
    'templates',
    'saveTemplate',
    'deleteTemplate',
    'conflicts',
  ],
} as const;

export const eventNames = [
  'directoryChanged',
  'historyChanged',
  'historyUpgrade',
  'menuCommand',
  'proxyLogin',
  'sendProgress',
  'teamChanged',
] as const;

/** Channels only the preload itself calls: `files.register` takes a path, which no page may name. */
export const preloadOnlyChannels: ReadonlySet<string> = new Set(['files.register']);
