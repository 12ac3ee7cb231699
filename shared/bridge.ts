import { channelNames, eventNames, preloadOnlyChannels } from './channel-names.ts';
import type { Area, Contract, EventName, EventSubscriptions, Reply, Transport } from './contract.ts';
import { OperatorError } from './operator-error.ts';
import type { z } from 'zod';
import type { FileHandle } from './sends.ts';

type ReplyFn<Def> = Def extends { input: infer I extends z.ZodType; output: infer O extends z.ZodType }
  ? undefined extends z.input<I>
    ? (input?: z.input<I>) => Promise<Reply<z.output<O>>>
    : (input: z.input<I>) => Promise<Reply<z.output<O>>>
  : never;

/**
 * What `window.operator` is: one method per contract channel, grouped by area, each answering a
 * `Reply` (errors are values, because Electron's IPC flattens thrown errors to a message);
 * `on.<event>` subscriptions that return their unsubscribe; and `files.add`, the one
 * transport-specific call (a path through webUtils in Electron, an upload in the harness).
 */
type BridgeMethods = { [A in Area]: { [M in keyof Contract[A]]: ReplyFn<Contract[A][M]> } };
export type OperatorBridge = Omit<BridgeMethods, 'files'> & {
  on: EventSubscriptions;
  files: Omit<BridgeMethods['files'], 'register'> & { add(file: File): Promise<Reply<FileHandle>> };
};

/** Builds the bridge's contract methods from the contract itself over any transport. */
export function buildBridge(transport: Transport, addFile: (file: File) => Promise<Reply<FileHandle>>): OperatorBridge {
  const api: Record<string, Record<string, unknown>> = {};
  for (const [area, methods] of Object.entries(channelNames)) {
    const group: Record<string, unknown> = {};
    for (const method of methods) {
      const channel = `${area}.${method}`;
      if (preloadOnlyChannels.has(channel)) continue;
      group[method] = (input?: unknown) => transport.call(channel, input);
    }
    api[area] = group;
  }
  (api.files as Record<string, unknown>).add = addFile;
  const on: Record<string, unknown> = {};
  for (const name of eventNames as readonly EventName[]) {
    on[name] = (listener: (payload: unknown) => void) => transport.subscribe(name, listener);
  }
  api.on = on;
  return api as unknown as OperatorBridge;
}

type CallFn<Def> = Def extends { input: infer I extends z.ZodType; output: infer O extends z.ZodType }
  ? undefined extends z.input<I>
    ? (input?: z.input<I>) => Promise<z.output<O>>
    : (input: z.input<I>) => Promise<z.output<O>>
  : never;

/** The renderer's client: the bridge with replies unwrapped, errors thrown as `OperatorError`. */
type ClientMethods = { [A in Area]: { [M in keyof Contract[A]]: CallFn<Contract[A][M]> } };
export type OperatorClient = Omit<ClientMethods, 'files'> & {
  on: EventSubscriptions;
  files: Omit<ClientMethods['files'], 'register'> & { add(file: File): Promise<FileHandle> };
};

function unwrap<T>(reply: Reply<T>): T {
  if (reply.ok) return reply.value;
  throw new OperatorError(reply.error);
}

export function clientFromBridge(bridge: OperatorBridge): OperatorClient {
  const client: Record<string, unknown> = { on: bridge.on };
  for (const area of Object.keys(channelNames)) {
    const src = (bridge as unknown as Record<string, Record<string, (i?: unknown) => Promise<Reply>>>)[area]!;
    const group: Record<string, unknown> = {};
    for (const [method, fn] of Object.entries(src)) group[method] = async (input?: unknown) => unwrap(await fn(input));
    client[area] = group;
  }
  return client as unknown as OperatorClient;
}
