import { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, net, Notification, protocol, screen, session, shell } from 'electron';
import ElectronStore from 'electron-store';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { channels, events } from '../shared/contract.ts';
import { sendError } from '../shared/operator-error.ts';
import { setAsideCorruptConfig, savedLanguage } from './app/config-file.ts';
import { installCrashLogging } from './app/crash-logging.ts';
import { isKnownHost } from './app/external-links.ts';
import { RotatingLog } from './app/log-file.ts';
import { applicationMenu, contextMenu, spellCheckLanguages } from './app/menu.ts';
import { ProxyLogin } from './app/proxy-login.ts';
import { SendNotifier } from './app/send-notifier.ts';
import { sessionFetch } from './app/session-fetch.ts';
import { startupCause, startupFailureDialog } from './app/startup-failure.ts';
import { mainStrings } from './app/strings.ts';
import { loadWindowState, placeOnScreen, saveWindowState, WINDOW_STATE_FILE } from './app/window-state.ts';
import { createHost, type Host } from './host.ts';
import { loadBundledTeamLink } from './team/bundled-link.ts';
import { exceedsPayloadCap, payloadTooLarge } from './payload-cap.ts';
import { APP_ORIGIN, APP_SCHEME, contentSecurityPolicy, isAppUrl, isSafeExternalUrl, secureWebPreferences } from './security.ts';
import { electronSecretBox } from './vault/electron-secret-box.ts';

// Everything here is lifecycle and wiring; the services live in host.ts and are tested in Node.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

// Before ready, so Chromium's own storage (the drafts in localStorage) follows the data folder too.
const dataDir = process.env.OPERATOR_DATA_DIR ?? app.getPath('userData');
app.setPath('userData', dataDir);
const log = new RotatingLog({ dir: join(dataDir, 'logs') });
// The operator's language; a change in the settings rebuilds the menu in the new one.
let t = mainStrings(savedLanguage(dataDir));
installCrashLogging(process, app, log);

const rendererDir = join(import.meta.dirname, '..', 'renderer', 'dist');
let win: BrowserWindow | undefined;
let host: Host | undefined;

function serveRenderer(): void {
  protocol.handle(APP_SCHEME, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    const file = normalize(join(rendererDir, path === '/' ? 'index.html' : path));
    if (!file.startsWith(rendererDir + sep)) return new Response('not found', { status: 404 });
    const res = await net.fetch(pathToFileURL(file).toString());
    // The policy travels with the page itself: a custom protocol's responses bypass webRequest.
    const headers = new Headers(res.headers);
    headers.set('Content-Security-Policy', contentSecurityPolicy());
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(res.body, { status: res.status, headers });
  });
}

function harden(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // Russian and English words are checked (macOS uses the system's own languages instead).
  if (process.platform !== 'darwin') ses.setSpellCheckerLanguages(spellCheckLanguages(ses.availableSpellCheckerLanguages));
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy()] } });
  });
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (e, url) => {
      if (!isAppUrl(url)) e.preventDefault();
    });
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (isSafeExternalUrl(url)) void openOutside(url);
      return { action: 'deny' };
    });
  });
}

/** A provider's own site opens at once; any other host only after the operator has seen where it leads. */
async function openOutside(url: string): Promise<void> {
  if (!isKnownHost(url)) {
    const options = {
      type: 'question' as const,
      title: t('link.title'),
      message: t('link.title'),
      detail: t('link.message', { host: new URL(url).hostname, url }),
      buttons: [t('link.open'), t('link.cancel')],
      defaultId: 1,
      cancelId: 1,
    };
    const { response } = win ? await dialog.showMessageBox(win, options) : await dialog.showMessageBox(options);
    if (response !== 0) return;
  }
  await shell.openExternal(url);
}

function wire(h: Host): void {
  for (const channel of channels.keys()) {
    ipcMain.handle(channel, (e, input: unknown) => {
      if (!win || e.sender !== win.webContents || !isAppUrl(e.senderFrame?.url)) {
        return { ok: false, error: sendError('forbidden', 'Calls are accepted from the app window only.', { reason: 'foreign_sender' }) };
      }
      if (exceedsPayloadCap(input)) return payloadTooLarge();
      return h.dispatch(channel, input).then((reply) => {
        if (channel === 'settings.set' && reply.ok) languageChanged((reply.value as { language: 'ru' | 'en' }).language);
        return reply;
      });
    });
  }
  for (const name of Object.keys(events) as (keyof typeof events)[]) {
    h.on(name, (payload) => win?.webContents.send(`event:${name}`, payload));
  }
}

function installMenu(): void {
  const menu = applicationMenu(t, process.platform, {
    command: (command) => win?.webContents.send('event:menuCommand', { command }),
    openLogFolder: () => void shell.openPath(log.dir),
    openDataFolder: () => void shell.openPath(dataDir),
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(menu));
}

function languageChanged(language: 'ru' | 'en'): void {
  t = mainStrings(language);
  installMenu();
}

const windowStateFile = join(dataDir, WINDOW_STATE_FILE);

/** The saved size and place, kept reachable: a window whose monitor is gone comes back to the primary one. */
function savedPlace() {
  const saved = loadWindowState(windowStateFile);
  if (!saved) return undefined;
  const primary = screen.getPrimaryDisplay().workArea;
  const others = screen.getAllDisplays().map((d) => d.workArea);
  return placeOnScreen(saved, [primary, ...others]);
}

async function createWindow(): Promise<void> {
  const place = savedPlace();
  win = new BrowserWindow({
    width: place?.width ?? 1280,
    height: place?.height ?? 820,
    ...(place ? { x: place.x, y: place.y } : {}),
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Operator Console',
    webPreferences: secureWebPreferences(join(import.meta.dirname, 'preload.cjs')),
  });
  if (place?.maximized) win.maximize();
  win.once('ready-to-show', () => win?.show());
  win.on('close', () => {
    if (win) saveWindowState(windowStateFile, { ...win.getNormalBounds(), maximized: win.isMaximized() });
  });
  win.on('closed', () => (win = undefined));
  win.webContents.on('context-menu', (_e, params) => {
    const items = contextMenu(t, params, {
      replaceMisspelling: (word) => win?.webContents.replaceMisspelling(word),
      addToDictionary: (word) => session.defaultSession.addWordToSpellCheckerDictionary(word),
    });
    if (items.length > 0) Menu.buildFromTemplate(items).popup(win ? { window: win } : {});
  });
  win.webContents.on('render-process-gone', (_e, details) => {
    if (details.reason !== 'clean-exit') void offerReload(details.reason);
  });
  await win.loadURL(`${APP_ORIGIN}/index.html`);
}

/** A crashed page is not left white: the operator reloads it (nothing is lost, drafts are saved) or quits. */
async function offerReload(reason: string): Promise<void> {
  if (!win) return;
  const { response } = await dialog.showMessageBox(win, {
    type: 'error',
    title: t('crash.title'),
    message: t('crash.title'),
    detail: t('crash.message', { reason }),
    buttons: [t('crash.reload'), t('crash.quit')],
    defaultId: 0,
    cancelId: 1,
  });
  if (response === 0) win?.webContents.reload();
  else app.quit();
}

// A proxy that asks to sign in is asked about in the window; without one the request is refused.
const proxyLogin = new ProxyLogin((challenge) => {
  if (!win) return false;
  win.webContents.send('event:proxyLogin', challenge);
  return true;
});
app.on('login', (event, _contents, _details, authInfo, callback) => {
  event.preventDefault();
  proxyLogin.challenge(authInfo, callback);
});

app.on('second-instance', () => {
  if (win?.isMinimized()) win.restore();
  win?.focus();
});

async function start(): Promise<void> {
  log.write('info', 'app.start', { version: app.getVersion(), platform: process.platform });
  const setAside = setAsideCorruptConfig(dataDir, Date.now());
  if (setAside) log.write('warn', 'config.set_aside', { name: setAside });
  serveRenderer();
  harden();
  const settings = new ElectronStore({ cwd: dataDir });
  host = await createHost({
    dataDir,
    settings,
    secretBox: await electronSecretBox(),
    version: app.getVersion(),
    log,
    clipboard,
    proxyLogin,
    readSideBackground: true,
    fetch: sessionFetch(session.defaultSession),
    team: await loadBundledTeamLink(join(import.meta.dirname, 'team-link.js'), (m) => log.write('warn', 'team.link', m)),
  });
  log.redactWith(() => host?.secretsSeen() ?? []);
  wire(host);
  installMenu();
  const notifier = new SendNotifier({
    language: () => (settings.get('language') === 'en' ? 'en' : 'ru'),
    enabled: () => settings.get('notifications') === true,
    windowFocused: () => win?.isFocused() ?? false,
    show: (title, body) => {
      if (Notification.isSupported()) new Notification({ title, body }).show();
    },
  });
  host.on('historyChanged', ({ ids }) => {
    for (const id of ids) {
      const s = host?.history.getSummary(id);
      if (s) notifier.changed(s);
    }
  });
  await createWindow();
  app.on('activate', () => {
    if (!win) void createWindow();
  });
  if (setAside && win) {
    await dialog.showMessageBox(win, {
      type: 'warning',
      title: t('config.setAside.title'),
      message: t('config.setAside.title'),
      detail: t('config.setAside.message', { name: setAside }),
      buttons: [t('config.setAside.ok')],
    });
  }
}

/** A start that failed ends in a dialog naming the cause and where the data and the log are, then quits. */
async function failStart(e: unknown): Promise<void> {
  const cause = startupCause(e);
  log.write('error', 'app.start_failed', { cause: cause.key, error: e instanceof Error ? e.stack : String(e) });
  win?.destroy();
  const text = startupFailureDialog(t, cause, { dataDir, logFile: log.file });
  const { response } = await dialog.showMessageBox({ type: 'error', ...text, defaultId: 1, cancelId: 1, noLink: true });
  if (response === 0) await shell.openPath(dataDir);
  app.quit();
}

if (app.requestSingleInstanceLock()) {
  app
    .whenReady()
    .then(start)
    .catch(failStart)
    .catch((e: unknown) => {
      // Even the dialog failed: Electron's own error box still names the cause before the exit.
      log.write('error', 'app.start_dialog_failed', e instanceof Error ? e.stack : String(e));
      dialog.showErrorBox(t('startup.title'), `${t('startup.cause.unknown')}\n\n${t('startup.where', { dataDir, logFile: log.file })}`);
      app.exit(1);
    });
} else {
  app.quit();
}

// The lock is released on every way out, so the next start is not turned away by a dead process.
app.on('will-quit', () => app.releaseSingleInstanceLock());

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let quitting = false;
app.on('before-quit', (e) => {
  if (quitting || !host) return;
  e.preventDefault();
  quitting = true;
  void host.close().finally(() => app.quit());
});
