import type { ComponentStats } from './proc-stats.ts';

/**
 * The team simulation's options and what it reports: a real team server (its own process: PostgreSQL,
 * nats-server, the API with the team service) and N simulated desktops spread over worker processes.
 */
export interface SimOptions {
  operators: number;
  sendsPerDay: number;
  minutes: number;
  /**
   * Processes the desktops are spread over (5 unless told; at most one per desktop). One process is
   * possible, but then every delivery waits behind all the other desktops' work on one event loop.
   */
  processes?: number;
  /** Share of operators that go offline once during the day (30 s … 30 min of the day). */
  offlineShare: number;
  /** nats-server killed with SIGKILL (the team server starts it again). */
  killNats: boolean;
  restartPostgres: boolean;
  /** A dropped and a stalled connection for the desktops behind the fault relay. */
  connectionFaults: boolean;
  /** How long the stalled connection carries nothing (wall time). */
  stallMs: number;
  chats: number;
  /** Edits of the hot template in the day (200 unless told; a run at a fraction of the full load gives the same fraction). */
  templateEditsPerDay?: number;
  log?: (line: string) => void;
}

export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}

/** One desk worker's day: its event loop's delay and the CPU time it used (from the day's start to its journals drained). */
export interface WorkerFigures {
  worker: number;
  desktops: number;
  loopDelay: LoopDelay;
  cpuSeconds: number;
}

export interface SimResults {
  options: SimOptions;
  /** Worker processes the desktops ran in. */
  processes: number;
  sends: number;
  convergence: { samples: number; p50: number; p95: number; p99: number; max: number };
  /**
   * How late each worker's event loop ran its callbacks (ms, from the day's start): a delivery waits
   * behind the other desktops of its process, which a real desktop, alone on its machine, does not.
   * Part of every convergence sample measured in that worker.
   */
  workers: WorkerFigures[];
  /** The worst of the workers: the highest p50, p99 and max among them. */
  desktopsLoopDelay: LoopDelay;
  /** The coordinator's own event loop (the fault relay's traffic, the workers' messages). */
  coordinatorLoopDelay: LoopDelay;
  drains: {
    count: number;
    backlogMax: number;
    p50: number;
    max: number;
    longestOfflineDayMinutes: number;
    backlogOfLongest: number;
    drainOfLongest: number;
  };
  claims: { granted: number; refused: number; soft: number; softRefused: number; onlineDoubleClaims: number };
  templates: { edits: number; conflictsAsked: number; lostEdits: number; gaveUp: number };
  duplicatedSends: number;
  missingSends: number;
  /** Sends whose newest record on the server is not the status they ended in. */
  staleSends: number;
  /** Sends PostgreSQL's projection of the stream lacks (or holds at an older status). */
  missingInProjection: number;
  /** (send, desktop) pairs where a desktop never showed the send (checked when the day's sends fit the view). */
  unseen: number;
  /** The dropped and the stalled connection, per desktop behind the relay. */
  connectionFaults: ConnectionFault[];
  /**
   * nats-server killed / PostgreSQL restarted: until every desktop was live again and every journal
   * empty; for PostgreSQL also until its projection held every send made before the restart.
   */
  restarts: Restart[];
  events: string[];
  components: Record<string, ComponentStats>;
  wallSeconds: number;
  /** At the end of the run (its own processes included). */
  loadAverage: number[];
  /** Before the run started anything: what the machine ran in the minutes before (a run just ended shows here too). */
  loadAverageBefore: number[];
}

export interface Restart {
  what: string;
  allLiveMs: number;
  drainedMs: number;
  projectedMs?: number;
}

export interface ConnectionFault {
  kind: 'dropped' | 'stalled';
  /** From the fault to the desktop knowing it is offline. */
  detectedMs: number;
  /** From the network working again to the desktop being live. */
  reconnectedMs: number;
  /** Rows the desktop's journal held when the network worked again, and how long they took to drain. */
  backlog: number;
  drainedMs: number;
}

export interface Drain {
  backlog: number;
  ms: number;
  offlineDayMs: number;
}
