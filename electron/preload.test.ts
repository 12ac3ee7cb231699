import { beforeAll, describe, expect, it, vi } from 'vitest';
import { channelNames, eventNames, preloadOnlyChannels } from '../shared/channel-names.ts';
import { recorded } from './testing/electron-double.ts';

// preload.ts against a recording double of Electron (see electron-double.ts): what it exposes, not Electron.
vi.mock('electron', async () => (await import('./testing/electron-double.ts')).electron);

type Api = Record<string, Record<string, (input?: unknown) => Promise<unknown>>>;
let operator: Api;

beforeAll(async () => {
  await import('./preload.ts');
  operator = recorded.exposed.get('operator') as Api;
});

describe('the preload', () => {
  it('exposes one object, with a method per contract channel the page may call, and no generic invoke', () => {
    expect([...recorded.exposed.keys()]).toEqual(['operator']);
    for (const [area, methods] of Object.entries(channelNames)) {
      for (const method of methods) {
        expect(typeof operator[area]?.[method], `${area}.${method}`).toBe(
          preloadOnlyChannels.has(`${area}.${method}`) ? 'undefined' : 'function',
        );
      }
    }
    expect(Object.keys(operator).sort()).toEqual([...Object.keys(channelNames), 'on'].sort());
    expect(Object.keys(operator.on!).sort()).toEqual([...eventNames].sort());
  });

  it('sends each call on its own channel with the input as given', async () => {
    expect(await operator.history!.list!({ limit: 5, text: 'заказ' })).toEqual({ ok: true, value: { echoed: 'history.list' } });
    expect(recorded.invoked.at(-1)).toEqual({ channel: 'history.list', input: { limit: 5, text: 'заказ' } });
  });

  it('turns a dropped file into its path in the preload, and refuses one without a path', async () => {
    await operator.files!.add!(new File(['%PDF'], 'акт.pdf', { type: 'application/pdf' }));
    expect(recorded.invoked.at(-1)).toEqual({ channel: 'files.register', input: { path: '/home/operator/акт.pdf' } });
    const before = recorded.invoked.length;
    expect(await operator.files!.add!(new File(['png'], 'pasted.png'))).toMatchObject({ ok: false, error: { reason: 'file_unreadable' } });
    expect(recorded.invoked).toHaveLength(before);
  });

  it('delivers events to a subscriber until it unsubscribes', () => {
    const got: unknown[] = [];
    const off = (operator.on!.historyChanged as unknown as (l: (p: unknown) => void) => () => void)((p) => got.push(p));
    const fire = (payload: unknown) => recorded.rendererListeners.get('event:historyChanged')?.forEach((l) => l({}, payload));
    fire({ ids: ['s_1'] });
    off();
    fire({ ids: ['s_2'] });
    expect(got).toEqual([{ ids: ['s_1'] }]);
  });
});
