import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { channels } from '../shared/contract.ts';
import type { AccountView } from '../shared/accounts.ts';
import { APP_ORIGIN, contentSecurityPolicy, secureWebPreferences } from './security.ts';
import { electron, FakeBrowserWindow, FakeWebContents, recorded, type MenuItem } from './testing/electron-double.ts';

// main.ts against a recording double of Electron (see electron-double.ts): its wiring, not Electron.
vi.mock('electron', async () => (await import('./testing/electron-double.ts')).electron);
vi.mock('electron-store', async () => await import('./testing/electron-store-double.ts'));

const dataDir = mkdtempSync(join(tmpdir(), 'operator-main-'));
let win: FakeBrowserWindow;
const appFrame = { url: `${APP_ORIGIN}/index.html` };
const call = (channel: string, input?: unknown, event?: unknown) =>
  recorded.handlers.get(channel)!(event ?? { sender: win.webContents, senderFrame: appFrame }, input) as Promise<{
    ok: boolean;
    value?: unknown;
    error?: { reason?: string };
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
  // Quitting closes the host first (its outbox and history), then quits for real.
  const quit = {
    prevented: false,
    preventDefault() {
      this.prevented = true;
    },
  };
  electron.app.emit('before-quit', quit);
  expect(quit.prevented).toBe(true);
  await vi.waitFor(() => expect(recorded.quitCalls).toBe(1));
  rmSync(dataDir, { recursive: true, force: true });
});

const flat = (items: MenuItem[]): MenuItem[] => items.flatMap((i) => [i, ...flat(i.submenu ?? [])]);

describe('the desktop around the page', () => {
  it('has an application menu with the usual roles and the app’s shortcuts, which reach the page', () => {
    const items = flat(recorded.applicationMenu!);
    const roles = items.map((i) => i.role).filter(Boolean);
    expect(roles).toEqual(
      expect.arrayContaining(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'quit', 'minimize', 'zoomIn', 'togglefullscreen']),
    );
    expect(items.find((i) => i.role === 'paste')!.label).toBe('Вставить');
    const byAccelerator = Object.fromEntries(items.filter((i) => i.accelerator).map((i) => [i.accelerator, i.label]));
    expect(byAccelerator).toMatchObject({
      'CmdOrCtrl+Enter': 'Отправить',
      'CmdOrCtrl+1': 'Новое сообщение: Пачка',
      'CmdOrCtrl+4': 'Новое сообщение: WhatsApp',
      'CmdOrCtrl+Shift+H': 'История',
      'CmdOrCtrl+F': 'Поиск в истории',
      F1: 'Сочетания клавиш',
    });
    items.find((i) => i.accelerator === 'CmdOrCtrl+Enter')!.click!();
    expect(win.webContents.sent.at(-1)).toEqual({ channel: 'event:menuCommand', payload: { command: 'send' } });
    items.find((i) => i.label === 'Открыть папку журналов')!.click!();
    expect(recorded.openedPaths.at(-1)).toBe(join(dataDir, 'logs'));
  });

  it('checks Russian and English spelling and offers suggestions, cut, copy and paste on a right click', () => {
    expect(recorded.spellCheckerLanguages).toEqual(['ru', 'en-US']);
    const params = {
      isEditable: true,
      selectionText: '',
      misspelledWord: 'превет',
      dictionarySuggestions: ['привет', 'пресет'],
      editFlags: { canCut: false, canCopy: false, canPaste: true, canSelectAll: true },
    };
    win.webContents.emit('context-menu', {}, params);
    const menu = recorded.popups.at(-1)!;
    expect(menu.map((i) => i.label ?? i.type)).toEqual([
      'привет',
      'пресет',
      'Добавить в словарь',
      'separator',
      'Вырезать',
      'Копировать',
      'Вставить',
      'separator',
      'Выделить всё',
    ]);
    expect(menu.filter((i) => i.role).map((i) => [i.role, i.enabled])).toEqual([
      ['cut', false],
      ['copy', false],
      ['paste', true],
      ['selectAll', true],
    ]);
    menu[0]!.click!();
    expect(win.webContents.replacedMisspellings).toEqual(['привет']);
    menu[2]!.click!();
    expect(recorded.dictionaryWords).toEqual(['превет']);
  });
});

describe('the main process, wired to a double of Electron', () => {
  it('without a team link bundled beside it, has no team mode and says so', async () => {
    expect(await call('team.status')).toMatchObject({ ok: true, value: { available: false, configured: false } });
    expect(await call('team.connect', { server: 'https://team.example', login: 'anna', password: 'pw' })).toMatchObject({
      ok: false,
      error: { reason: 'team_unavailable' },
    });
  });

  it('handles every contract channel, and no other', () => {
    expect([...recorded.handlers.keys()].sort()).toEqual([...channels.keys()].sort());
  });

  it('opens one sandboxed window with the preload, on the app scheme', () => {
    expect(win.options.webPreferences).toEqual(secureWebPreferences(join(import.meta.dirname, 'preload.cjs')));
    expect(win.loadedUrl).toBe(`${APP_ORIGIN}/index.html`);
    expect(recorded.privilegedSchemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  });

  it('answers the app window’s own frame and refuses any other sender', async () => {
    expect(await call('app.info')).toMatchObject({ ok: true, value: { version: '9.9.9-double', dataDir, secretStorage: 'os' } });
    const foreign = new FakeWebContents();
    expect(await call('app.info', undefined, { sender: foreign, senderFrame: appFrame })).toMatchObject({
      ok: false,
      error: { reason: 'foreign_sender' },
    });
    expect(await call('app.info', undefined, { sender: win.webContents, senderFrame: { url: 'https://evil.example/' } })).toMatchObject({
      ok: false,
      error: { reason: 'foreign_sender' },
    });
    expect(await call('app.info', undefined, { sender: win.webContents })).toMatchObject({
      ok: false,
      error: { reason: 'foreign_sender' },
    });
  });

  it('keeps a token as safeStorage ciphertext on disk and sends through the sandbox, with the history event reaching the window', async () => {
    const created = await call('accounts.create', {
      name: 'WA',
      baseUrl: 'https://api.green-api.com',
      settings: { provider: 'greenapi', form: 'v1' },
      secrets: { token: 'gr.main-test-token-5e5e' },
    });
    expect(created.ok).toBe(true);
    expect(readFileSync(join(dataDir, 'config.json'), 'utf8')).not.toContain('gr.main-test-token-5e5e');

    const sandbox = await call('accounts.createSandbox');
    const wa = (sandbox.value as AccountView[]).find((a) => a.sandbox && a.provider === 'greenapi')!;
    const sent = await call('sends.send', {
      accountId: wa.id,
      message: { provider: 'greenapi', recipientType: 'individual', to: '79001234567', text: 'Из главного процесса' },
    });
    expect(sent).toMatchObject({ ok: true, value: { status: 'sent' } });
    // The provider call went through the session's network stack (system proxy, PAC, OS trust store).
    expect(recorded.sessionFetched.map((r) => new URL(r.url).pathname)).toContain('/v1/messages');
    expect(win.webContents.sent.filter((m) => m.channel === 'event:historyChanged').length).toBeGreaterThan(0);
  });

  it('tells the operator through the OS of a send that left while the window was in the background, once they ask for it', async () => {
    const wa = ((await call('accounts.list')).value as AccountView[]).find((a) => a.sandbox && a.provider === 'greenapi')!;
    const send = (text: string) =>
      call('sends.send', { accountId: wa.id, message: { provider: 'greenapi', recipientType: 'individual', to: '79005550101', text } });
    win.focused = false;
    expect(await send('Пока уведомления выключены')).toMatchObject({ ok: true, value: { status: 'sent' } });
    expect(recorded.notifications).toEqual([]);

    expect(await call('settings.set', { notifications: true })).toMatchObject({ ok: true, value: { notifications: true } });
    expect(await send('В фоне')).toMatchObject({ ok: true, value: { status: 'sent' } });
    await vi.waitFor(() => expect(recorded.notifications).toEqual([{ title: 'Отправлено: 79005550101', body: 'В фоне' }]));

    win.focused = true;
    expect(await send('На глазах')).toMatchObject({ ok: true, value: { status: 'sent' } });
    expect(recorded.notifications).toHaveLength(1);

    // In the language the operator chose, the recipient's kind in its words.
    const pachca = ((await call('accounts.list')).value as AccountView[]).find((a) => a.sandbox && a.provider === 'pachca')!;
    const toChat = (language: 'ru' | 'en', content: string) =>
      call('settings.set', { language }).then(() =>
        call('sends.send', { accountId: pachca.id, message: { provider: 'pachca', entityType: 'discussion', entityId: 334, content } }),
      );
    win.focused = false;
    expect(await toChat('en', 'In English')).toMatchObject({ ok: true, value: { status: 'sent' } });
    await vi.waitFor(() => expect(recorded.notifications.at(-1)).toEqual({ title: 'Sent: chat 334', body: 'In English' }));
    expect(await toChat('ru', 'По-русски')).toMatchObject({ ok: true, value: { status: 'sent' } });
    await vi.waitFor(() => expect(recorded.notifications.at(-1)).toEqual({ title: 'Отправлено: чат 334', body: 'По-русски' }));
    await call('settings.set', { notifications: false });
  });

  it('asks the operator once when a proxy wants a sign-in, and keeps the password off the disk', async () => {
    const answers: [string?, string?][] = [];
    const challenge = { isProxy: true, host: 'proxy.corp.example', port: 3128, realm: 'Corp', scheme: 'basic' };
    const login = () => {
      const e = {
        prevented: false,
        preventDefault() {
          this.prevented = true;
        },
      };
      electron.app.emit('login', e, null, {}, challenge, (u?: string, p?: string) => answers.push([u, p]));
      return e.prevented;
    };
    expect(login()).toBe(true);
    expect(login()).toBe(true);
    const asked = win.webContents.sent.filter((m) => m.channel === 'event:proxyLogin');
    expect(asked).toEqual([
      { channel: 'event:proxyLogin', payload: { host: 'proxy.corp.example', port: 3128, realm: 'Corp', scheme: 'basic' } },
    ]);

    expect(await call('app.proxyLogin', { username: 'ivanov', password: 'pr0xy-pa55word' })).toEqual({ ok: true, value: { ok: true } });
    expect(answers).toEqual([
      ['ivanov', 'pr0xy-pa55word'],
      ['ivanov', 'pr0xy-pa55word'],
    ]);
    expect(readFileSync(join(dataDir, 'config.json'), 'utf8')).not.toContain('pr0xy-pa55word');

    // A site's own sign-in is not answered for it.
    electron.app.emit('login', { preventDefault() {} }, null, {}, { ...challenge, isProxy: false }, (u?: string) => answers.push([u]));
    expect(answers.at(-1)).toEqual([undefined]);
  });

  it('copies through the main process: the copy channel writes to the system clipboard', async () => {
    const curl = "curl -X POST 'https://api.green-api.com/v1/messages' -H 'Authorization: Bearer <token>'";
    expect(await call('app.copy', { text: curl })).toEqual({ ok: true, value: { copied: true } });
    expect(recorded.clipboard).toEqual([curl]);
    // The page itself keeps no clipboard permission.
    const asked: boolean[] = [];
    recorded.permissionRequest!(win.webContents, 'clipboard-sanitized-write', (ok) => asked.push(ok));
    expect(asked).toEqual([false]);
  });

  it('refuses an 8 MB word before any schema parses it, and keeps answering', async () => {
    const word = 'ж'.repeat(8 * 1024 * 1024);
    const r = await call('templates.save', { name: 'big', body: word });
    expect(r).toMatchObject({ ok: false, error: { kind: 'too_large', reason: 'request_too_large' } });
    expect(await call('templates.list')).toMatchObject({ ok: true, value: [] });
    expect(await call('history.list', { text: 'жжжж', limit: 5 })).toMatchObject({ ok: true });
  });

  it('streams an upload through the session with its exact length', async () => {
    const file = join(dataDir, 'invoice.pdf');
    writeFileSync(file, Buffer.alloc(300_000, 7));
    const handle = (await call('files.register', { path: file })).value as { id: string };
    const market = ((await call('accounts.list')).value as AccountView[]).find((a) => a.sandbox && a.provider === 'market')!;
    const sent = await call('sends.send', {
      accountId: market.id,
      message: { provider: 'market', businessId: '100500', chatId: '777', kind: 'file', file: handle.id },
    });
    expect(sent).toMatchObject({ ok: true, value: { status: 'sent' } });
    const upload = recorded.sessionFetched.find((r) => r.url.includes('/chats/file/send'))!;
    expect(upload.streamed).toBe(true);
    expect(Number(upload.contentLength)).toBeGreaterThan(300_000);
    expect(upload.bodyBytes).toBe(Number(upload.contentLength));
  });

  it('serves the renderer with its security policy and nothing outside its folder', async () => {
    const serve = recorded.protocolHandlers.get('app')!;
    const page = await serve(new Request(`${APP_ORIGIN}/index.html`));
    expect(page.headers.get('content-security-policy')).toBe(contentSecurityPolicy());
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(recorded.fetched.at(-1)).toBe(pathToFileURL(join(import.meta.dirname, '..', 'renderer', 'dist', 'index.html')).toString());
    const fetchedBefore = recorded.fetched.length;
    const escape = await serve(new Request(`${APP_ORIGIN}/..%2F..%2Fpackage.json`));
    expect(escape.status).toBe(404);
    expect(recorded.fetched).toHaveLength(fetchedBefore);
  });

  it('denies permissions, navigation away, webviews and new windows; only safe https links open outside', () => {
    const answers: boolean[] = [];
    recorded.permissionRequest!(win.webContents, 'media', (ok) => answers.push(ok));
    expect(answers).toEqual([false]);
    expect(recorded.permissionCheck!()).toBe(false);

    const contents = new FakeWebContents();
    electron.app.emit('web-contents-created', {}, contents);
    const navigate = (url: string) => {
      const e = {
        prevented: false,
        preventDefault() {
          this.prevented = true;
        },
      };
      contents.emit('will-navigate', e, url);
      return e.prevented;
    };
    expect(navigate('https://evil.example/')).toBe(true);
    expect(navigate(`${APP_ORIGIN}/index.html`)).toBe(false);
    const webview = {
      prevented: false,
      preventDefault() {
        this.prevented = true;
      },
    };
    contents.emit('will-attach-webview', webview);
    expect(webview.prevented).toBe(true);

    expect(contents.windowOpenHandler!({ url: 'https://pachca.com/help' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'https://user:pw@example.com/' })).toEqual({ action: 'deny' });
    expect(recorded.openedExternally).toEqual(['https://pachca.com/help']);
  });

  it('opens a link to a host it does not know only after the operator confirms', async () => {
    const contents = new FakeWebContents();
    electron.app.emit('web-contents-created', {}, contents);
    const before = recorded.openedExternally.length;
    const dialogsBefore = recorded.dialogs.length;

    contents.windowOpenHandler!({ url: 'https://example.org/declined' });
    await vi.waitFor(() => expect(recorded.dialogs).toHaveLength(dialogsBefore + 1));
    expect(recorded.dialogs.at(-1)!.options.detail).toContain('example.org');

    recorded.dialogAnswers.push(0);
    contents.windowOpenHandler!({ url: 'https://example.org/confirmed' });
    await vi.waitFor(() => expect(recorded.openedExternally).toHaveLength(before + 1));
    expect(recorded.openedExternally.at(-1)).toBe('https://example.org/confirmed');

    contents.windowOpenHandler!({ url: 'https://diadoc.kontur.ru/help' });
    await vi.waitFor(() => expect(recorded.openedExternally.at(-1)).toBe('https://diadoc.kontur.ru/help'));
    expect(recorded.dialogs).toHaveLength(dialogsBefore + 2);
  });
});
