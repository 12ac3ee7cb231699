import { z } from 'zod';
import { capped, generous, outputList } from './bounds.ts';
import {
  chatActivitySchema,
  chatRefSchema,
  claimResultSchema,
  teamConflictSchema,
  teamConnectSchema,
  teamSendDetailSchema,
  teamSendRefSchema,
  teamSendSchema,
  teamStatusSchema,
  teamTemplateDeleteResultSchema,
  teamTemplateDeleteSchema,
  teamTemplateSaveResultSchema,
  teamTemplateSaveSchema,
  teamTemplateSchema,
} from './team.ts';
import { accountCreateSchema, accountUpdateSchema, accountViewSchema, checkResultSchema } from './accounts.ts';
import type { SendError } from './errors.ts';
import { diadocTypesReplySchema } from './messages/diadoc-types-schema.ts';
import { outgoingMessageSchema } from './messages/outgoing-schema.ts';
import { providerIdSchema } from './sends.ts';
import { templateInputSchema, templateSchema } from './template-schema.ts';
import {
  conversationQuerySchema,
  conversationSchema,
  directorySnapshotSchema,
  directoryStateSchema,
  recipientSearchResultSchema,
  recipientSearchSchema,
  sendEventSchema,
  settlementSchema,
} from './recipients.ts';
import { attemptSchema, fileHandleSchema, sendStatusSchema, sendSummarySchema } from './sends.ts';

/**
 * The IPC contract: every channel the renderer may call, with runtime schemas for its input and
 * output, and every event the main process pushes. The preload client, the main-process
 * handlers and the browser bridge are all derived from this one object; a channel that is not
 * here does not exist.
 */
function call<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}
const none = z.undefined();
const id = z.object({ id: z.string().min(1).max(generous.id) });
/** An accounts export of 500 accounts is far below this; the import refuses more before parsing. */
const accountsFileMax = 1_000_000;
const ok = z.object({ ok: z.literal(true) });

export const languageSchema = z.enum(['ru', 'en']);

export const settingsSchema = z.object({
  language: languageSchema,
  /** OS notifications for sends that leave or fail while the window is in the background; off until the operator turns them on. */
  notifications: z.boolean(),
});

export const historyQuerySchema = z.object({
  text: z.string().max(200).optional(),
  provider: providerIdSchema.optional(),
  accountId: z.string().max(64).optional(),
  statuses: z.array(sendStatusSchema).max(8).optional(),
  /** Only sends waiting for the operator: outcome unknown, and not sent again since. */
  undecided: z.boolean().optional(),
  recipient: z.string().max(200).optional(),
  from: z.number().optional(),
  to: z.number().optional(),
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(500).default(100),
});
export type HistoryQuery = z.input<typeof historyQuerySchema>;

/**
 * The conversion of rows an older version wrote, run after the window is up (electron/history/legacy-labels.ts),
 * counted in rows of the history; done = total when nothing is left.
 */
export const labelUpgradeSchema = z.object({ done: z.number().int().nonnegative(), total: z.number().int().nonnegative() });

const attachedFileSchema = z.object({
  id: capped(generous.id),
  name: capped(generous.label),
  size: z.number().int().nonnegative(),
  onDisk: z.boolean(),
});
export type AttachedFile = z.infer<typeof attachedFileSchema>;

export const sendDetailSchema = sendSummarySchema.extend({
  message: outgoingMessageSchema,
  attempts: z.array(attemptSchema).max(outputList),
  operationId: capped(generous.providerId).optional(),
  /** A ready-to-paste cURL of the last request, with every secret replaced by a placeholder. */
  curl: capped(200_000).optional(),
  /** The message's files that are still on disk as they were sent: what "open in composer" can attach again. */
  files: z.array(fileHandleSchema).max(outputList).optional(),
  /** Every file of the message as it was attached (name, size), and whether it is still on disk: what the detail lists. */
  attachedFiles: z.array(attachedFileSchema).max(outputList).optional(),
  /** How an unknown outcome was settled, or what a look at the provider found. */
  settlement: settlementSchema.optional(),
  /** Edits and deletions of the sent message at the provider, oldest first. */
  events: z.array(sendEventSchema).max(outputList).optional(),
});
export type SendDetail = z.infer<typeof sendDetailSchema>;

export const sendRequestSchema = z.object({
  accountId: z.string().min(1).max(64),
  message: outgoingMessageSchema,
  scheduledAt: z.number().int().positive().optional(),
  groupId: z.string().max(64).optional(),
  /** A scheduled send this one takes the place of: it is cancelled in the same transaction, or nothing happens. */
  replaces: z.string().max(64).optional(),
});
export type SendRequest = z.infer<typeof sendRequestSchema>;

export const contract = {
  app: {
    info: call(
      none,
      z.object({
        version: capped(generous.providerId),
        dataDir: capped(4096),
        sandboxOffered: z.boolean(),
        secretStorage: z.enum(['os', 'basic_text', 'unavailable', 'test']),
      }),
    ),
    /** Text for the system clipboard (a cURL, an id, a message), written by the main process: the page has no clipboard permission. */
    copy: call(z.object({ text: z.string().min(1).max(1_000_000) }), z.object({ copied: z.boolean() })),
    /** An error the page caught (its error boundary), for the log file support reads. */
    reportError: call(z.object({ message: z.string().max(2000), stack: z.string().max(8000).optional() }), ok),
    /** The operator's answer to a proxy that asks to sign in (kept in memory for this run only, never written). */
    proxyLogin: call(
      z.union([z.object({ username: z.string().min(1).max(256), password: z.string().max(1024) }), z.object({ cancel: z.literal(true) })]),
      ok,
    ),
  },
  settings: {
    get: call(none, settingsSchema),
    set: call(settingsSchema.partial(), settingsSchema),
  },
  accounts: {
    list: call(none, z.array(accountViewSchema).max(outputList)),
    create: call(accountCreateSchema, accountViewSchema),
    update: call(accountUpdateSchema, accountViewSchema),
    remove: call(id, ok),
    check: call(id, checkResultSchema),
    createSandbox: call(none, z.array(accountViewSchema).max(outputList)),
    /** Accounts without secrets, as a JSON document the operator saves. */
    export: call(none, z.object({ fileName: capped(generous.label), json: z.string().max(accountsFileMax) })),
    /** Adds the accounts of an export file; a malformed file changes nothing. Tokens must be set afterwards. */
    import: call(
      z.object({ json: z.string().max(accountsFileMax) }),
      z.object({ imported: z.number().int(), accounts: z.array(accountViewSchema).max(outputList) }),
    ),
  },
  sends: {
    /** Writes the send ahead, then waits for its first attempt to settle (or the schedule). */
    send: call(sendRequestSchema, sendSummarySchema),
    retry: call(id, sendSummarySchema),
    cancel: call(id, sendSummarySchema),
    /** Moves a scheduled send to another time, until it leaves. */
    reschedule: call(z.object({ id: z.string().min(1).max(64), at: z.number().int().positive() }), sendSummarySchema),
    /** The operator's decision on an `outcome_unknown` send. */
    resolve: call(z.object({ id: z.string().min(1).max(64), as: z.enum(['sent', 'send_again']) }), sendSummarySchema),
  },
  history: {
    list: call(historyQuerySchema, z.object({ items: z.array(sendSummarySchema).max(500), nextCursor: capped(200).optional() })),
    get: call(id, sendDetailSchema),
    /** How far the conversion of rows an older version wrote has come (nothing left: done = total). */
    upgrade: call(none, labelUpgradeSchema),
  },
  templates: {
    list: call(none, z.array(templateSchema).max(outputList)),
    save: call(templateInputSchema, templateSchema),
    remove: call(id, ok),
  },
  /** Whom an account can write to, as its provider lists them (Green-API v1: `unsupported`). */
  recipients: {
    search: call(recipientSearchSchema, recipientSearchResultSchema),
    refresh: call(z.object({ accountId: z.string().min(1).max(64) }), directoryStateSchema),
    /** The directory in columns, a page at a time, for the picker to answer a keystroke itself before the host does. */
    snapshot: call(
      z.object({ accountId: z.string().min(1).max(64), after: z.number().int().nonnegative().optional() }),
      directorySnapshotSchema,
    ),
  },
  /** Changing a message after it was sent, where the provider allows it (Pachca; Green-API instance). */
  sentMessages: {
    edit: call(z.object({ id: z.string().min(1).max(64), text: z.string().min(1).max(20_000) }), z.array(sendEventSchema).max(outputList)),
    remove: call(id, z.array(sendEventSchema).max(outputList)),
  },
  conversations: {
    /** The last messages with a recipient: the cache unless `fresh`; a failed read keeps the cache and says why. */
    get: call(conversationQuerySchema, conversationSchema),
  },
  diadoc: {
    /** The document types of a Diadoc box (the account's sender box by default), cached in the host; `refresh` asks the box again. */
    documentTypes: call(
      z.object({ accountId: z.string().min(1).max(64), boxId: z.string().max(100).optional(), refresh: z.boolean().optional() }),
      diadocTypesReplySchema,
    ),
  },
  files: {
    /** Electron only: the preload resolves a dropped File to its path and registers it here. */
    register: call(z.object({ path: z.string().min(1).max(4096) }), fileHandleSchema),
    forget: call(id, ok),
  },
  /** Team mode (docs/team-mode.md): empty answers until a team server is connected. */
  team: {
    status: call(none, teamStatusSchema),
    connect: call(teamConnectSchema, teamStatusSchema),
    disconnect: call(none, teamStatusSchema),
    sends: call(none, z.array(teamSendSchema).max(outputList)),
    send: call(teamSendRefSchema, teamSendDetailSchema),
    chatActivity: call(chatRefSchema, chatActivitySchema),
    claim: call(chatRefSchema, claimResultSchema),
    templates: call(none, z.array(teamTemplateSchema).max(outputList)),
    saveTemplate: call(teamTemplateSaveSchema, teamTemplateSaveResultSchema),
    deleteTemplate: call(teamTemplateDeleteSchema, teamTemplateDeleteResultSchema),
    conflicts: call(none, z.array(teamConflictSchema).max(outputList)),
  },
} as const;

export { preloadOnlyChannels } from './channel-names.ts';

/** What the application menu asks the page to do (its accelerators are the app's shortcuts). */
export const menuCommandSchema = z.enum([
  'send',
  'new.pachca',
  'new.diadoc',
  'new.market',
  'new.greenapi',
  'history',
  'search',
  'settings',
  'shortcuts',
]);
export type MenuCommand = z.infer<typeof menuCommandSchema>;

export const events = {
  /** An account's directory changed (a refresh began, stored a page, or ended): searches over it are stale. */
  directoryChanged: z.object({
    accountId: capped(generous.id),
    /** The directory's revision now: a picker whose copy has it already need not fetch the copy again. */
    revision: capped(100).optional(),
    /** The change was only this recipient written to, at this time. */
    used: z.object({ target: capped(200), at: z.number() }).optional(),
  }),
  historyChanged: z.object({ ids: z.array(capped(generous.id)).max(outputList) }),
  historyUpgrade: labelUpgradeSchema,
  menuCommand: z.object({ command: menuCommandSchema }),
  /** A proxy between the app and a provider asks to sign in; answered through `app.proxyLogin`. */
  proxyLogin: z.object({
    host: capped(generous.label),
    port: z.number().int(),
    realm: capped(generous.label),
    scheme: capped(generous.id),
  }),
  sendProgress: z.object({ sendId: capped(generous.id), sent: z.number(), total: z.number() }),
  teamChanged: z.object({}),
} as const;

export type Contract = typeof contract;
export type Area = keyof Contract;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export interface ChannelDef {
  input: z.ZodType;
  output: z.ZodType;
}

/** Every channel by its wire name (`area.method`). */
export const channels: ReadonlyMap<string, ChannelDef> = new Map(
  Object.entries(contract).flatMap(([area, methods]) =>
    Object.entries(methods as Record<string, ChannelDef>).map(([method, def]) => [`${area}.${method}`, def] as const),
  ),
);

/** What crosses every transport for a call: a value, or one `SendError`. Never a thrown Error. */
export type Reply<T = unknown> = { ok: true; value: T } | { ok: false; error: SendError };

export type EventSubscriptions = {
  [E in EventName]: (listener: (payload: EventPayload<E>) => void) => () => void;
};

/**
 * The transport a client is built on: the preload's ipcRenderer or the harness's HTTP bridge.
 * Nothing above it knows which one it has.
 */
export interface Transport {
  call(channel: string, input: unknown): Promise<Reply>;
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}
