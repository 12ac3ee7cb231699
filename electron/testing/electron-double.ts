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
}

export class FakeBrowserWindow extends EventEmitter {
  static readonly created: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  readonly options: { webPreferences: Record<string, unknown> } & Record<string, unknown>;
  loadedUrl: string | undefined;
  constructor(options: FakeBrowserWindow['options']) {
    super();
    this.options = options;
    FakeBrowserWindow.created.push(this);
  }
  async loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
  }
  show(): void {}
  focus(): void {}
  restore(): void {}
  isMinimized(): boolean {
    return false;
  }
}

const appEvents = new EventEmitter();
let resolveReady: () => void = () => {};
const ready = new Promise<void>((r) => (resolveReady = r));
const box = keyedSecretBox(Buffer.alloc(32, 9));

export const recorded = {
  handlers: new Map<string, Handler>(),
  privilegedSchemes: [] as unknown[],
  protocolHandlers: new Map<string, (req: Request) => Promise<Response>>(),
  fetched: [] as string[],
  openedExternally: [] as string[],
  permissionRequest: undefined as undefined | ((wc: unknown, permission: string, callback: (ok: boolean) => void) => void),
  permissionCheck: undefined as undefined | (() => boolean),
  quitCalls: 0,
  exposed: new Map<string, unknown>(),
  invoked: [] as { channel: string; input: unknown }[],
  rendererListeners: new Map<string, Set<(e: unknown, payload: unknown) => void>>(),
};

export const electron = {
  app: {
    requestSingleInstanceLock: () => true,
    whenReady: () => ready,
    on: (event: string, listener: (...a: unknown[]) => void) => appEvents.on(event, listener),
    emit: (event: string, ...args: unknown[]) => appEvents.emit(event, ...args),
    getPath: () => process.env.OPERATOR_DATA_DIR!,
    setPath: () => {},
    getVersion: () => '9.9.9-double',
    quit: () => {
      recorded.quitCalls++;
    },
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
    },
  },
  shell: {
    openExternal: async (url: string) => {
      recorded.openedExternally.push(url);
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
  becomeReady: () => resolveReady(),
};
