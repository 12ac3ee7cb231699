import { DeliverPolicy, type JetStreamClient } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { buckets, streams, subjects } from '../protocol/subjects.ts';
import type { TeamViewState } from './team-view.ts';

/** A follower runs until its connection closes or it is stopped; its stop ends it. */
export interface Following {
  stop(): void;
}

export const streamTimeMs = (nanos: number | bigint): number => Math.floor(Number(nanos) / 1e6);

/**
 * Pauses before a follower that ended on its own starts again: short at first, because right after
 * nats-server restarts JetStream answers "not ready" for a moment and the view should not wait for
 * it; longer when it keeps failing (a brand-new team whose streams do not exist yet).
 */
const retryPausesMs = [100, 250, 500, 1_000, 2_000];
/** A run that lasted this long was working: the next failure starts the pauses from the shortest again. */
const healthyRunMs = 30_000;

/**
 * Everything the view is made of, followed on one connection: SENDS (the last record of each
 * subject, then live), the conflicts in AUDIT, and the four buckets.
 *
 * Every reconnect of the client stops each follower and starts it again at once, from the stream
 * sequence (the bucket revision) after the last record it applied. The library's ordered consumers
 * would carry on by themselves, but not in time: after a reconnect they first ask for their
 * consumer's info and, if that fails (JetStream still starting after a nats-server restart, or a
 * check still waiting on the dead connection after a stall), wait a whole pull expiry before asking
 * again (@nats-io/jetstream consumer.js resetPendingWithInfo), and an in-flight check makes the
 * reconnect's own check a no-op — the view then lagged 10–30 s behind a connection that was back.
 * Starting from the cursor replays nothing twice in the normal case, and the fold makes any replay
 * harmless anyway.
 */
export function followTeam(
  nc: NatsConnection,
  js: JetStreamClient,
  state: TeamViewState,
  changed: () => void,
  log: (message: string) => void,
): Following {
  let stopped = false;
  /** Bumped by every reconnect: a run (or a run still being set up) of an older epoch is let go. */
  let epoch = 0;
  /** What stops the runs and pauses under way now; each removes itself when it ends, so none piles up. */
  const stops = new Set<() => void>();
  const stopAll = () => {
    for (const s of stops) s();
    stops.clear();
  };
  const going = () => !stopped && !nc.isClosed();
  void nc.closed().then(stopAll);
  void (async () => {
    for await (const s of nc.status()) {
      if (!going()) break;
      if (s.type !== 'reconnect') continue;
      epoch++;
      stopAll();
    }
  })();

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const stop = () => {
        clearTimeout(t);
        stops.delete(stop);
        resolve();
      };
      const t = setTimeout(stop, ms);
      stops.add(stop);
    });

  const keep = (what: string, run: (onStop: (stop: () => void) => void) => Promise<void>) => {
    void (async () => {
      let failures = 0;
      while (going()) {
        const runEpoch = epoch;
        const startedAt = Date.now();
        let stopRun: (() => void) | undefined;
        try {
          await run((stop) => {
            stopRun = stop;
            // Set up across a reconnect: it is already stale, so it ends now and starts again below.
            if (runEpoch !== epoch) stop();
            else stops.add(stop);
          });
        } catch (e) {
          if (going() && runEpoch === epoch) log(`team link: following ${what} stopped (${e instanceof Error ? e.message : String(e)})`);
        } finally {
          if (stopRun) stops.delete(stopRun);
        }
        if (!going()) break;
        // Stopped by a reconnect: started again at once, from where it was.
        if (runEpoch !== epoch) {
          failures = 0;
          continue;
        }
        failures = Date.now() - startedAt >= healthyRunMs ? 0 : failures + 1;
        await pause(retryPausesMs[Math.min(failures, retryPausesMs.length - 1)]!);
      }
    })();
  };

  const followStream = (
    stream: string,
    filter: string,
    policy: DeliverPolicy,
    apply: (subject: string, data: Uint8Array, at: number) => boolean,
  ) => {
    /** The stream sequence of the last record applied: where a restart carries on. */
    let cursor = 0;
    keep(filter, async (onStop) => {
      const consumer = await js.consumers.get(
        stream,
        cursor > 0
          ? { filter_subjects: filter, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: cursor + 1 }
          : { filter_subjects: filter, deliver_policy: policy },
      );
      // A pull lost without a disconnect (its consumer gone) is noticed by the missing heartbeats (half the expiry) and redone by the library.
      const messages = await consumer.consume({ expires: 10_000 });
      onStop(() => {
        void messages.stop();
        // The server would keep the abandoned ordered consumer for its 5-minute inactivity threshold.
        if (!nc.isClosed()) consumer.delete().catch(() => {});
      });
      for await (const m of messages) {
        cursor = Math.max(cursor, m.seq);
        if (apply(m.subject, m.data, streamTimeMs(m.info.timestampNanos))) changed();
      }
    });
  };

  const watchBucket = (bucket: string, apply: (key: string, value: Uint8Array | undefined) => boolean) => {
    /** The bucket revision of the last entry applied: where a restart carries on. */
    let revision = 0;
    keep(`the ${bucket} bucket`, async (onStop) => {
      const kv = await new Kvm(js).open(bucket);
      const entries = await kv.watch({ key: '>', ...(revision > 0 ? { resumeFromRevision: revision + 1 } : {}) });
      onStop(() => void entries.stop());
      for await (const e of entries) {
        revision = Math.max(revision, e.revision);
        if (apply(e.key, e.operation === 'PUT' ? e.value : undefined)) changed();
      }
    });
  };

  watchBucket(buckets.operators, (k, v) => state.applyOperator(k, v));
  followStream(streams.sends, subjects.allSends, DeliverPolicy.LastPerSubject, (s, d, at) => state.applySend(s, d, at));
  watchBucket(buckets.claims, (k, v) => state.applyClaim(k, v));
  watchBucket(buckets.templates, (k, v) => state.applyTemplate(k, v));
  watchBucket(buckets.presence, (k, v) => state.applyPresence(k, v));
  followStream(streams.audit, subjects.conflicts, DeliverPolicy.All, (s, d) => state.applyConflict(s, d));

  return {
    stop() {
      stopped = true;
      stopAll();
    },
  };
}
