/**
 * The window's security settings and Content-Security-Policy, kept apart from main.ts so a test
 * can check them without Electron.
 */

/** No remote code, no inline script, no eval; styles from our own files only. */
export function contentSecurityPolicy(opts: { connectSelf?: boolean } = {}): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    // The harness talks to its bridge on the same origin; the app talks to nothing but IPC.
    `connect-src ${opts.connectSelf ? "'self'" : "'none'"}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "frame-src 'none'",
    "worker-src 'none'",
    "manifest-src 'none'",
    "media-src 'self' blob:",
  ].join('; ');
}

/** BrowserWindow webPreferences: the renderer is a sandboxed page with no Node and no Electron. */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: true,
    safeDialogs: true,
  } as const;
}

/** The custom scheme the packaged renderer is served from (never a dev server in production). */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://console`;

/** Links the app may open in the system browser: https only, no credentials, a real host name. */
export function isSafeExternalUrl(raw: string): boolean {
  if (!URL.canParse(raw)) return false;
  const u = new URL(raw);
  return u.protocol === 'https:' && !u.username && !u.password && /\./.test(u.hostname) && !/^[\d.]+$/.test(u.hostname);
}

/** Is this frame URL our own renderer? Anything else is refused by every IPC handler. */
export function isAppUrl(raw: string | undefined): boolean {
  if (!raw || !URL.canParse(raw)) return false;
  const u = new URL(raw);
  return `${u.protocol}//${u.host}` === APP_ORIGIN;
}
