import { describe, expect, it } from 'vitest';
import { reconnectPause } from '../client/nats-link.ts';
import { restartPauseMs } from '../src/nats/supervised-server.ts';

describe('how soon a desktop tries to reconnect', () => {
  it('tries every 250–500 ms for the first 10 s of an outage, then every 1–1.25 s', () => {
    let now = 1_000_000;
    let random = 0;
    const pause = reconnectPause(
      () => now,
      () => random,
    );
    expect(pause()).toBe(250);
    random = 0.999;
    now += 300;
    expect(pause()).toBe(499);
    // The client asks again while it waits, so the outage is still the same one after 10 s of asking.
    for (let t = 0; t < 10_000; t += 400) {
      now += 400;
      pause();
    }
    random = 0;
    expect(pause()).toBe(1_000);
  });

  it('starts from the short pauses again at the next outage', () => {
    let now = 1_000_000;
    const pause = reconnectPause(
      () => now,
      () => 0,
    );
    for (let t = 0; t <= 12_000; t += 500) {
      now += 500;
      pause();
    }
    expect(pause()).toBe(1_000);
    // Connected for a while: nobody asked for a pause.
    now += 60_000;
    expect(pause()).toBe(250);
  });
});

describe('how soon the supervisor starts nats-server again', () => {
  it('at once after a run that lasted; after a pause that doubles up to 5 s while it keeps exiting soon after starting', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map(restartPauseMs)).toEqual([0, 500, 1_000, 2_000, 4_000, 5_000, 5_000]);
  });
});
