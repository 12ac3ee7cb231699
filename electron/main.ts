import { app, BrowserWindow, ipcMain, net, protocol, session, shell } from 'electron';
import ElectronStore from 'electron-store';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { channels, events } from '../shared/contract.ts';
import { sendError } from '../shared/errors.ts';
import { createHost, type Host } from './host.ts';
import { APP_ORIGIN, APP_SCHEME, contentSecurityPolicy, isAppUrl, isSafeExternalUrl, secureWebPreferences } from './security.ts';
import { electronSecretBox } from './vault/electron-secret-box.ts';

// Everything here is lifecycle and wiring; the services live in host.ts and are tested in Node.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

if (!app.requestSingleInstanceLock()) app.quit();

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
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy()] } });
  });
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (e, url) => {
      if (!isAppUrl(url)) e.preventDefault();
    });
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (isSafeExternalUrl(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

function wire(h: Host): void {
  for (const channel of channels.keys()) {
    ipcMain.handle(channel, (e, input: unknown) => {
      if (!win || e.sender !== win.webContents || !isAppUrl(e.senderFrame?.url)) {
        return { ok: false, error: sendError('forbidden', 'Calls are accepted from the app window only.', { reason: 'foreign_sender' }) };
      }
      return h.dispatch(channel, input);
    });
  }
  for (const name of Object.keys(events) as (keyof typeof events)[]) {
    h.on(name, (payload) => win?.webContents.send(`event:${name}`, payload));
  }
}

async function createWindow(): Promise<void> {
  win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Operator Console',
    webPreferences: secureWebPreferences(join(import.meta.dirname, 'preload.cjs')),
  });
  win.once('ready-to-show', () => win?.show());
  win.on('closed', () => (win = undefined));
  await win.loadURL(`${APP_ORIGIN}/index.html`);
}

app.on('second-instance', () => {
  if (win?.isMinimized()) win.restore();
  win?.focus();
});

app.whenReady().then(async () => {
  const dataDir = process.env.OPERATOR_DATA_DIR ?? app.getPath('userData');
  app.setPath('userData', dataDir);
  serveRenderer();
  harden();
  host = await createHost({
    dataDir,
    settings: new ElectronStore({ cwd: dataDir }),
    secretBox: await electronSecretBox(),
    version: app.getVersion(),
  });
  wire(host);
  await createWindow();
  app.on('activate', () => {
    if (!win) void createWindow();
  });
});

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
