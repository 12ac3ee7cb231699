import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { APP_ORIGIN } from './security.ts';
import type { TeamLink, TeamLinkFactory } from './team/link.ts';
import { electron, FakeBrowserWindow, recorded } from './testing/electron-double.ts';

// main.ts against the recording double of Electron, with a team link bundled beside it: main hands
// the link's factory to the host, so team mode is reachable when the operator connects in settings.
vi.mock('electron', async () => (await import('./testing/electron-double.ts')).electron);
vi.mock('electron-store', async () => await import('./testing/electron-store-double.ts'));

const looked: string[] = [];
const signIns: { server: string; credentials: unknown }[] = [];
const view = { sends: [], claims: [], templates: [], presence: [], conflicts: [] };
const factory: TeamLinkFactory = async (server, credentials) => {
  signIns.push({ server, credentials });
  const link: TeamLink = {
    operator: { id: 'op_1', name: 'Анна', teamId: 'support' },
    refreshToken: 'refresh-1',
    online: () => true,
    view: () => view,
    subscribe: () => () => {},
    pushSend: async () => ({ ok: true }),
    claim: async () => ({ ok: true }),
    release: async () => {},
    saveTemplate: async (t) => ({ ok: true, version: t.baseVersion + 1 }),
    deleteTemplate: async () => ({ ok: true }),
    sendTrail: async () => [],
    beat: async () => {},
    goOffline: () => {},
    goOnline: () => {},
    close: async () => {},
  };
  return link;
};
vi.mock('./team/bundled-link.ts', () => ({
  loadBundledTeamLink: async (file: string) => {
    looked.push(file);
    return { factory };
  },
}));

const dataDir = mkdtempSync(join(tmpdir(), 'operator-main-team-'));
let win: FakeBrowserWindow;
const call = (channel: string, input?: unknown) =>
  recorded.handlers.get(channel)!({ sender: win.webContents, senderFrame: { url: `${APP_ORIGIN}/index.html` } }, input) as Promise<{
    ok: boolean;
    value?: Record<string, unknown>;
  }>;

beforeAll(async () => {
  process.env.OPERATOR_DATA_DIR = dataDir;
  await import('./main.ts');
  electron.becomeReady();
  await vi.waitFor(() => expect(FakeBrowserWindow.created).toHaveLength(1));
  win = FakeBrowserWindow.created[0]!;
  await vi.waitFor(() => expect(win.loadedUrl).toBeDefined());
});

afterAll(async () => {
  electron.app.emit('before-quit', { preventDefault() {} });
  await vi.waitFor(() => expect(recorded.quitCalls).toBe(1));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the main process with the team link bundled beside it', () => {
  it('looks for the link next to main.js and offers team mode before anyone connects', async () => {
    expect(looked).toEqual([join(import.meta.dirname, 'team-link.js')]);
    expect(await call('team.status')).toMatchObject({ ok: true, value: { available: true, configured: false, online: false } });
    expect(signIns).toEqual([]);
  });

  it('signs in through the bundled link when the operator connects in settings', async () => {
    const r = await call('team.connect', { server: 'https://team.example', login: 'anna', password: 'секрет-пароль' });
    expect(r).toMatchObject({ ok: true, value: { available: true, configured: true, online: true, operator: { name: 'Анна' } } });
    expect(signIns).toEqual([{ server: 'https://team.example', credentials: { login: 'anna', password: 'секрет-пароль' } }]);
  });
});
