import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, contentSecurityPolicy, isAppUrl, isSafeExternalUrl, secureWebPreferences } from './security.ts';

describe('the app window', () => {
  it('is a sandboxed, isolated page with no Node and full web security', () => {
    const prefs = secureWebPreferences('/app/preload.cjs');
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    });
  });

  it('main.ts builds its window from these preferences and denies permissions, navigation and new windows', () => {
    const main = readFileSync(new URL('./main.ts', import.meta.url), 'utf8');
    expect(main).toContain('webPreferences: secureWebPreferences(');
    expect(main).toContain('setPermissionRequestHandler((_wc, _permission, callback) => callback(false))');
    expect(main).toContain("contents.on('will-navigate'");
    expect(main).toContain("return { action: 'deny' }");
    expect(main).toContain('requestSingleInstanceLock()');
    expect(main).toContain('loadURL(`${APP_ORIGIN}/index.html`)');
    expect(main).not.toMatch(/localhost:\d+|loadURL\(['"]http/);
    expect(main).toContain("headers.set('Content-Security-Policy', contentSecurityPolicy())");
  });

  it('has a Content-Security-Policy with no remote code, no inline script and no eval', () => {
    expect(contentSecurityPolicy()).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; frame-src 'none'; worker-src 'none'; manifest-src 'none'; media-src 'self' blob:",
    );
    const csp = contentSecurityPolicy({ connectSelf: true });
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  });

  it('opens only plain https links with a real host in the system browser', () => {
    expect(isSafeExternalUrl('https://api.pachca.com/docs')).toBe(true);
    for (const bad of [
      'http://example.com',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'https://user:pw@example.com',
      'https://127.0.0.1/',
      'https://intranet/',
      'smb://host/share',
      'not a url',
    ]) {
      expect(isSafeExternalUrl(bad), bad).toBe(false);
    }
  });

  it('accepts IPC only from its own origin', () => {
    expect(isAppUrl(`${APP_ORIGIN}/index.html`)).toBe(true);
    expect(isAppUrl('https://evil.example/index.html')).toBe(false);
    expect(isAppUrl('file:///app/index.html')).toBe(false);
    expect(isAppUrl(undefined)).toBe(false);
  });
});
