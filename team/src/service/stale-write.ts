import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';

/** A compare-and-set the bucket refused because the key moved on since it was read. */
export function isStaleWrite(e: unknown): boolean {
  return (
    e instanceof JetStreamApiError &&
    (e.code === JetStreamApiCodes.StreamWrongLastSequence || e.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}

/** How often a request reads and writes again after losing a race before it gives up as 'internal'. */
export const raceAttempts = 8;
