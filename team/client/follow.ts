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
 * Everything the view is made of, followed on one connection: SENDS (the last record of each
 * subject, then live), the conflicts in AUDIT, and the four buckets. Ordered consumers and bucket
 * watches carry on by themselves across the client's reconnects; a follower that ends anyway (the
 * stream not created yet for a brand-new team, a server restart that lost the consumer) starts
 * again after a pause, and the fold makes the replay harmless.
 */
export function followTeam(
  nc: NatsConnection,
  js: JetStreamClient,
  state: TeamViewState,
  changed: () => void,
  log: (message: string) => void,
): Following {
  let stopped = false;
  /** What stops the runs and pauses under way now; each removes itself when it ends, so none piles up. */
  const stops = new Set<() => void>();
  const stopAll = () => {
    for (const s of stops) s();
    stops.clear();
  };
  void nc.closed().then(stopAll);

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
      while (!stopped && !nc.isClosed()) {
        let stopRun: (() => void) | undefined;
        try {
          await run((stop) => {
            stopRun = stop;
            stops.add(stop);
          });
        } catch (e) {
          if (!stopped && !nc.isClosed()) log(`team link: following ${what} stopped (${e instanceof Error ? e.message : String(e)})`);
        } finally {
          if (stopRun) stops.delete(stopRun);
        }
        if (!stopped && !nc.isClosed()) await pause(2_000);
      }
    })();
  };

  const followStream = (
    stream: string,
    filter: string,
    policy: DeliverPolicy,
    apply: (subject: string, data: Uint8Array, at: number) => boolean,
  ) =>
    keep(filter, async (onStop) => {
      const consumer = await js.consumers.get(stream, { filter_subjects: filter, deliver_policy: policy });
      // Pulls that expire every 10 s: a pull lost in a server restart is noticed by its missing heartbeats within 10 s, not a minute.
      const messages = await consumer.consume({ expires: 10_000 });
      onStop(() => void messages.stop());
      for await (const m of messages) if (apply(m.subject, m.data, streamTimeMs(m.info.timestampNanos))) changed();
    });

  const watchBucket = (bucket: string, apply: (key: string, value: Uint8Array | undefined) => boolean) =>
    keep(`the ${bucket} bucket`, async (onStop) => {
      const kv = await new Kvm(nc).open(bucket);
      const entries = await kv.watch({ key: '>' });
      onStop(() => void entries.stop());
      for await (const e of entries) if (apply(e.key, e.operation === 'PUT' ? e.value : undefined)) changed();
    });

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
