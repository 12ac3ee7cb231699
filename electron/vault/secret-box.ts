import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * What encrypts secrets before they touch disk. The host takes one as a dependency: Electron's
 * safeStorage in the app (electron/vault/electron-secret-box.ts), a keyed AES-GCM box in tests
 * and the browser harness, so both run the very same vault code.
 */
export interface SecretBox {
  /** `os`: an OS keychain protects the key. `basic_text`: Linux without a keyring (a hard-coded key). */
  readonly kind: 'os' | 'basic_text' | 'unavailable' | 'test';
  encrypt(plain: string): Promise<string>;
  decrypt(cipher: string): Promise<string>;
}

/** AES-256-GCM with a key held in memory: for tests and the harness, never for the packaged app. */
export function keyedSecretBox(key: Buffer = randomBytes(32)): SecretBox {
  return {
    kind: 'test',
    async encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
    },
    async decrypt(cipher) {
      const raw = Buffer.from(cipher, 'base64');
      const d = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      d.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

/** True when the box really protects secrets; otherwise the operator must agree to plain storage. */
export function boxProtects(box: SecretBox): boolean {
  return box.kind === 'os' || box.kind === 'test';
}
