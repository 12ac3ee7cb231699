import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  fromWorkerSchema,
  resultSchemas,
  type Call,
  type DeskState,
  type Method,
  type ResultOf,
  type ToWorker,
} from './worker-protocol.ts';

/** The coordinator's handle on one desk worker process. */
export interface DeskWorker {
  n: number;
  pid: number;
  /** The desktops it runs (their index in the team). */
  desks: number[];
  call<M extends Method>(c: Extract<Call, { method: M }>): Promise<ResultOf<M>>;
  tell(m: ToWorker): void;
}

export interface DeskWorkers {
  workers: DeskWorker[];
  /** Which worker runs desktop i. */
  of(i: number): DeskWorker;
  /** What the coordinator last heard of each desktop's link. */
  state(i: number): DeskState;
  pids(): number[];
  /** Closes each worker's channel (it closes its desktops and exits), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `processes` desk workers and deals the desktops to them in turn (desktop i to worker
 * i mod processes), so each worker gets its share of the offline and the relayed desktops.
 * `onEvent` hears the workers' events; `onLost` a worker that exited while the run still needed it.
 */
export function startDeskWorkers(
  desktops: number,
  processes: number,
  onEvent: (text: string) => void,
  onLost: (error: Error) => void,
): DeskWorkers {
  const states: DeskState[] = Array.from({ length: desktops }, (_, i) => ({ i, online: false, offline: false, offlineSince: 0 }));
  const children: ChildProcess[] = [];
  let stopping = false;
  const workers = Array.from({ length: Math.max(1, Math.min(processes, desktops)) }, (_, n): DeskWorker => {
    // Plain Node with no flags of the parent's (a test runner's loaders): the worker is TypeScript Node runs as is.
    const child = fork(join(import.meta.dirname, 'desk-worker.ts'), [], {
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(child);
    const waiting = new Map<number, { method: Method; resolve: (v: unknown) => void; reject: (e: Error) => void }>();
    let nextId = 0;
    const fail = (e: Error) => {
      for (const w of waiting.values()) w.reject(e);
      waiting.clear();
    };
    child.on('message', (raw) => {
      const m = fromWorkerSchema.safeParse(raw);
      if (!m.success) return onEvent(`worker ${n + 1} said something unreadable: ${m.error.message.slice(0, 200)}`);
      const msg = m.data;
      if (msg.type === 'desk') states[msg.state.i] = msg.state;
      else if (msg.type === 'event') onEvent(msg.text);
      else {
        const w = waiting.get(msg.id);
        if (!w) return;
        waiting.delete(msg.id);
        if (msg.type === 'failed') w.reject(new Error(`worker ${n + 1}, ${w.method}: ${msg.error}`));
        else {
          const parsed = resultSchemas[w.method].safeParse(msg.value);
          if (parsed.success) w.resolve(parsed.data);
          else w.reject(new Error(`worker ${n + 1}, ${w.method}: an answer that does not fit: ${parsed.error.message.slice(0, 300)}`));
        }
      }
    });
    child.on('exit', (code, signal) => {
      const e = new Error(`desk worker ${n + 1} exited (${signal ?? code})`);
      fail(e);
      if (!stopping) onLost(e);
    });
    return {
      n,
      pid: child.pid ?? 0,
      desks: states.filter((_, i) => i % Math.max(1, Math.min(processes, desktops)) === n).map((s) => s.i),
      call<M extends Method>(c: Extract<Call, { method: M }>): Promise<ResultOf<M>> {
        return new Promise((resolve, reject) => {
          if (!child.connected) return reject(new Error(`desk worker ${n + 1} is gone`));
          const id = nextId++;
          waiting.set(id, { method: c.method, resolve: resolve as (v: unknown) => void, reject });
          child.send({ type: 'call', id, call: c } satisfies ToWorker);
        });
      },
      tell(m) {
        if (child.connected) child.send(m);
      },
    };
  });
  return {
    workers,
    of: (i) => workers[i % workers.length]!,
    state: (i) => states[i]!,
    pids: () => children.filter((c) => c.exitCode === null && c.signalCode === null && c.pid).map((c) => c.pid!),
    async stop(graceMs = 30_000) {
      stopping = true;
      await Promise.all(
        children.map(async (c) => {
          if (c.exitCode !== null || c.signalCode !== null) return;
          const exited = new Promise((r) => c.once('exit', r));
          if (c.connected) c.disconnect();
          else c.kill('SIGTERM');
          const t = setTimeout(() => c.kill('SIGKILL'), graceMs);
          await exited;
          clearTimeout(t);
        }),
      );
    },
  };
}
