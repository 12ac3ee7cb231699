import { EventEmitter } from 'node:events';
import { keyedSecretBox } from '../vault/secret-box.ts';

/**
 * A recording stand-in for the few Electron APIs `main.ts` and `preload.ts` touch, so their
 * wiring (which handler answers which channel, what the window is given, what is refused) is
 * checked in Node. It is not Electron: it runs no renderer, no IPC and no safeStorage, and
 * passing against it says nothing about Electron itself, only about our calls into it. The
 * real app is exercised by the e2e specs' Electron path wherever the binary exists.
 */
type Handler = (event: unknown, ...args: unknown[]) => unknown;

export class FakeWebContents extends EventEmitter {
  readonly sent: { channel: string; payload: unknown }[] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
  setWindowOpenHandler(h: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = h;
  }
  reloads = 0;
  reload(): void {
    this.reloads++;
  }
  readonly replacedMisspellings: string[] = [];
  replaceMisspelling(word: string): void {
    this.replacedMisspellings.push(word);
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static readonly created: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  readonly options: { webPreferences: Record<string, unknown> } & Record<string, unknown>;
  loadedUrl: string | undefined;
  constructor(options: FakeBrowserWindow['options']) {
    super();
    this.options = options;
    const o = options as { x?: number; y?: number; width?: number; height?: number };
    this.normalBounds = { x: o.x ?? 0, y: o.y ?? 0, width: o.width ?? 800, height: o.height ?? 600 };
    FakeBrowserWindow.created.push(this);
  }
  async loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
  }
  destroyed = false;
  maximized = false;
  focused = true;
  /** Where the window is when not maximised: as created, until a test moves it. */
  normalBounds = { x: 0, y: 0, width: 0, height: 0 };
  getNormalBounds() {
    return { ...this.normalBounds };
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  maximize(): void {
    this.maximized = true;
  }
  isFocused(): boolean {
    return this.focused;
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('closed');
  }
  show(): void {}
  focus(): void {}
  restore(): void {}
  isMinimized(): boolean {
    return false;
  }
}

const appEvents = new EventEmitter();
let isReady = false;
let resolveReady: () => void = () => {};
let ready = new Promise<void>((r) => (resolveReady = r));

/** A menu as main.ts built it: Electron's MenuItemConstructorOptions, kept as given. */
export interface MenuItem {
  label?: string;
  role?: string;
  type?: string;
  accelerator?: string;
  enabled?: boolean;
  submenu?: MenuItem[];
  click?: () => void;
}
export type MenuTemplate = MenuItem[];

class FakeNotification {
  static isSupported(): boolean {
    return true;
  }
  private readonly opts: { title: string; body: string };
  constructor(opts: { title: string; body: string }) {
    this.opts = opts;
  }
  show(): void {
    recorded.notifications.push({ title: this.opts.title, body: this.opts.body });
  }
}

/** A native message box as main.ts asked for it; `parent` is the window it was modal to, if any. */
export interface ShownDialog {
  parent: FakeBrowserWindow | undefined;
  options: { type?: string; title?: string; message: string; detail?: string; buttons?: string[] };
}
const box = keyedSecretBox(Buffer.alloc(32, 9));

const freshRecord = () => ({
  handlers: new Map<string, Handler>(),
  privilegedSchemes: [] as unknown[],
  protocolHandlers: new Map<string, (req: Request) => Promise<Response>>(),
  fetched: [] as string[],
  openedExternally: [] as string[],
  permissionRequest: undefined as undefined | ((wc: unknown, permission: string, callback: (ok: boolean) => void) => void),
  permissionCheck: undefined as undefined | (() => boolean),
  quitCalls: 0,
  exitCodes: [] as number[],
  lockReleased: 0,
  /** `app.setPath` calls, with whether Electron was ready yet (userData must be set before). */
  paths: [] as { name: string; path: string; beforeReady: boolean }[],
  dialogs: [] as ShownDialog[],
  /** Which button the next message boxes answer with, in order; then the `cancelId`. */
  dialogAnswers: [] as number[],
  errorBoxes: [] as { title: string; content: string }[],
  openedPaths: [] as string[],
  clipboard: [] as string[],
  /** The menu set as the application menu, as its template. */
  applicationMenu: undefined as MenuTemplate | undefined,
  popups: [] as MenuTemplate[],
  notifications: [] as { title: string; body: string }[],
  spellCheckerLanguages: [] as string[],
  dictionaryWords: [] as string[],
  /** The screens' work areas, the primary first. */
  displays: [{ x: 0, y: 0, width: 1920, height: 1040 }] as { x: number; y: number; width: number; height: number }[],
  /** Requests made through the session's network stack (`session.fetch`): the provider calls. */
  sessionFetched: [] as { url: string; contentLength: string | null; streamed: boolean; bodyBytes: number }[],
  exposed: new Map<string, unknown>(),
  invoked: [] as { channel: string; input: unknown }[],
  rendererListeners: new Map<string, Set<(e: unknown, payload: unknown) => void>>(),
});

export const recorded = freshRecord();

/**
 * Forgets everything recorded and makes Electron "not ready" again, for a test that starts
 * main.ts more than once (after `vi.resetModules()`): each start then meets a new process.
 */
export function resetDouble(): void {
  Object.assign(recorded, freshRecord());
  appEvents.removeAllListeners();
  FakeBrowserWindow.created.length = 0;
  isReady = false;
  ready = new Promise<void>((r) => (resolveReady = r));
}

export const electron = {
  app: {
    requestSingleInstanceLock: () => true,
    whenReady: () => ready,
    on: (event: string, listener: (...a: unknown[]) => void) => appEvents.on(event, listener),
    emit: (event: string, ...args: unknown[]) => appEvents.emit(event, ...args),
    getPath: () => process.env.OPERATOR_DATA_DIR!,
    setPath: (name: string, path: string) => recorded.paths.push({ name, path, beforeReady: !isReady }),
    getVersion: () => '9.9.9-double',
    /** As Electron does: `before-quit` (which a listener may prevent), then `will-quit`. */
    quit: () => {
      recorded.quitCalls++;
      const e = {
        prevented: false,
        preventDefault() {
          this.prevented = true;
        },
      };
      appEvents.emit('before-quit', e);
      if (!e.prevented) appEvents.emit('will-quit', { preventDefault() {} });
    },
    exit: (code = 0) => recorded.exitCodes.push(code),
    releaseSingleInstanceLock: () => {
      recorded.lockReleased++;
    },
  },
  Menu: {
    buildFromTemplate: (template: MenuTemplate) => ({ template, popup: () => recorded.popups.push(template) }),
    setApplicationMenu: (menu: { template: MenuTemplate }) => (recorded.applicationMenu = menu.template),
  },
  Notification: FakeNotification,
  screen: {
    getPrimaryDisplay: () => ({ workArea: recorded.displays[0]! }),
    getAllDisplays: () => recorded.displays.map((workArea) => ({ workArea })),
  },
  clipboard: {
    writeText: (text: string) => recorded.clipboard.push(text),
  },
  dialog: {
    showMessageBox: async (...args: unknown[]) => {
      const [parent, options] = (args[0] instanceof FakeBrowserWindow ? args : [undefined, args[0]]) as [
        FakeBrowserWindow | undefined,
        ShownDialog['options'] & { cancelId?: number },
      ];
      recorded.dialogs.push({ parent, options });
      return { response: recorded.dialogAnswers.shift() ?? options.cancelId ?? 0, checkboxChecked: false };
    },
    showErrorBox: (title: string, content: string) => recorded.errorBoxes.push({ title, content }),
  },
  BrowserWindow: FakeBrowserWindow,
  ipcMain: {
    handle: (channel: string, h: Handler) => {
      if (recorded.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      recorded.handlers.set(channel, h);
    },
  },
  net: {
    fetch: async (url: string) => {
      recorded.fetched.push(url);
      return new Response(`contents of ${url}`, { status: 200, headers: { 'content-type': 'text/html' } });
    },
  },
  protocol: {
    registerSchemesAsPrivileged: (schemes: unknown[]) => recorded.privilegedSchemes.push(...schemes),
    handle: (scheme: string, h: (req: Request) => Promise<Response>) => recorded.protocolHandlers.set(scheme, h),
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (h: typeof recorded.permissionRequest) => (recorded.permissionRequest = h),
      setPermissionCheckHandler: (h: typeof recorded.permissionCheck) => (recorded.permissionCheck = h),
      webRequest: { onHeadersReceived: () => {} },
      availableSpellCheckerLanguages: ['de', 'en-GB', 'en-US', 'ru', 'uk'],
      setSpellCheckerLanguages: (languages: string[]) => (recorded.spellCheckerLanguages = languages),
      addWordToSpellCheckerDictionary: (word: string) => recorded.dictionaryWords.push(word),
      /** Records the request, then lets Node's fetch carry it, so sends still reach the simulators. */
      fetch: (url: string, init: RequestInit & { bypassCustomProtocolHandlers?: boolean }) => {
        const entry = { url, contentLength: new Headers(init.headers).get('content-length'), streamed: false, bodyBytes: 0 };
        recorded.sessionFetched.push(entry);
        const { bypassCustomProtocolHandlers: _bypass, ...rest } = init;
        if (rest.body instanceof ReadableStream) {
          entry.streamed = true;
          rest.body = rest.body.pipeThrough(
            new TransformStream<Uint8Array, Uint8Array>({
              transform(chunk, controller) {
                entry.bodyBytes += chunk.byteLength;
                controller.enqueue(chunk);
              },
            }),
          );
        } else if (typeof rest.body === 'string') entry.bodyBytes = Buffer.byteLength(rest.body);
        return fetch(url, rest);
      },
    },
  },
  shell: {
    openExternal: async (url: string) => {
      recorded.openedExternally.push(url);
    },
    openPath: async (path: string) => {
      recorded.openedPaths.push(path);
      return '';
    },
  },
  safeStorage: {
    isAsyncEncryptionAvailable: async () => true,
    getSelectedStorageBackend: () => 'gnome_libsecret',
    encryptStringAsync: async (plain: string) => Buffer.from(await box.encrypt(plain), 'base64'),
    decryptStringAsync: async (cipher: Buffer) => ({ result: await box.decrypt(cipher.toString('base64')), shouldReEncrypt: false }),
  },
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => recorded.exposed.set(key, api),
  },
  ipcRenderer: {
    invoke: async (channel: string, input: unknown) => {
      recorded.invoked.push({ channel, input });
      return { ok: true, value: { echoed: channel } };
    },
    on: (channel: string, l: (e: unknown, payload: unknown) => void) => {
      const set = recorded.rendererListeners.get(channel) ?? new Set();
      set.add(l);
      recorded.rendererListeners.set(channel, set);
    },
    removeListener: (channel: string, l: (e: unknown, payload: unknown) => void) => recorded.rendererListeners.get(channel)?.delete(l),
  },
  webUtils: {
    getPathForFile: (file: File) => (file.name === 'pasted.png' ? '' : `/home/operator/${file.name}`),
  },
  /** Lets `app.whenReady()` resolve, as Electron does once it has started. */
  becomeReady: () => {
    isReady = true;
    resolveReady();
  },
};
