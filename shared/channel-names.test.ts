import { describe, expect, it } from 'vitest';
import { channelNames, eventNames } from './channel-names.ts';
import { contract, events } from './contract.ts';

describe('the channel names the clients are built from', () => {
  it('are exactly the contract’s channels and events', () => {
    expect(Object.fromEntries(Object.entries(contract).map(([a, m]) => [a, Object.keys(m)]))).toEqual(channelNames);
    expect(Object.keys(events)).toEqual([...eventNames]);
  });
});
