import { z } from 'zod';

/**
 * What the coordinator and a desk worker say to each other over the IPC channel (structured clone, so
 * Infinity — a drain that never ended — survives). Each side parses what it receives with these schemas.
 */
const count = z.number().int().nonnegative();
const ms = z.number();

export const offlinePeriodSchema = z.object({
  i: count,
  /** When it starts (this machine's clock) and how long it lasts (wall time). */
  at: ms,
  durMs: ms,
  /** Minutes of the simulated day it stands for. */
  minutes: z.number(),
});
export type OfflinePeriod = z.infer<typeof offlinePeriodSchema>;

export const callSchema = z.discriminatedUnion('method', [
  /** The worker's desktops (their index in the whole team) and where they reach the team server. */
  z.object({
    method: z.literal('init'),
    apiUrl: z.string(),
    relayUrl: z.string().nullable(),
    root: z.string(),
    desks: z.array(z.object({ i: count, behindRelay: z.boolean() })),
  }),
  z.object({ method: z.literal('connect'), i: count, login: z.string(), password: z.string() }),
  z.object({ method: z.literal('operatorIds') }),
  z.object({ method: z.literal('createTemplate'), i: count, id: z.string() }),
  /** The working day: resolves when this worker's operators have stopped (the day is over and the faults too). */
  z.object({
    method: z.literal('day'),
    end: ms,
    hot: z.string(),
    /** Mean pause between one operator's sends. */
    meanMs: ms,
    chats: count,
    sendsPerEdit: count,
    offline: z.array(offlinePeriodSchema),
  }),
  /** After the day: offline periods over, every desktop online, journals drained (bounded). */
  z.object({ method: z.literal('finish'), ms }),
  z.object({ method: z.literal('pending'), desks: z.array(count) }),
  /** When the desktop's journal was empty (this machine's clock), or null if not within `ms`. */
  z.object({ method: z.literal('settled'), i: count, ms }),
  z.object({ method: z.literal('progress') }),
  z.object({ method: z.literal('madeIds') }),
  z.object({ method: z.literal('unseen'), ids: z.array(z.string()) }),
  z.object({ method: z.literal('results') }),
]);
export type Call = z.infer<typeof callSchema>;
export type Method = Call['method'];

const perDesk = z.array(z.object({ i: count, n: count }));

export const resultSchemas = {
  init: z.null(),
  connect: z.null(),
  operatorIds: z.array(z.object({ i: count, id: z.string() })),
  createTemplate: z.boolean(),
  day: z.null(),
  finish: z.object({ settled: count, desks: count }),
  pending: z.array(count),
  settled: ms.nullable(),
  progress: z.object({ sends: count, samples: count, pending: perDesk }),
  madeIds: z.array(z.string()),
  unseen: perDesk,
  results: z.object({
    /** Convergence samples (ms) measured by this worker's desktops. */
    lags: z.array(ms),
    drains: z.array(z.object({ backlog: count, ms, offlineDayMs: ms })),
    claims: z.object({ granted: count, refused: count, soft: count }),
    templates: z.object({ edits: count, conflictsAsked: count, gaveUp: count }),
    ackedEdits: z.array(z.string()),
    made: z.array(z.object({ id: z.string(), i: count })),
    softRefused: count,
    loopDelay: z.object({ p50: ms, p99: ms, max: ms }),
    /** CPU time this process used from the day's start until its journals drained. */
    cpuSeconds: z.number().nonnegative(),
  }),
} satisfies Record<Method, z.ZodType>;
export type ResultOf<M extends Method> = z.infer<(typeof resultSchemas)[M]>;

export const toWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('call'), id: count, call: callSchema }),
  /** The faults are over: the day ends at its planned end (it lasts at least until the faults are). */
  z.object({ type: z.literal('faultsOver') }),
]);
export type ToWorker = z.infer<typeof toWorkerSchema>;

export const deskStateSchema = z.object({
  i: count,
  /** The link is connected and live. */
  online: z.boolean(),
  /** The operator took the desktop offline (an offline period). */
  offline: z.boolean(),
  /** When the link last went from live to not live (0: never). */
  offlineSince: ms,
});
export type DeskState = z.infer<typeof deskStateSchema>;

export const fromWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('reply'), id: count, value: z.unknown() }),
  z.object({ type: z.literal('failed'), id: count, error: z.string() }),
  z.object({ type: z.literal('desk'), state: deskStateSchema }),
  z.object({ type: z.literal('event'), text: z.string() }),
]);
export type FromWorker = z.infer<typeof fromWorkerSchema>;
