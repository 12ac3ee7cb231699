import { safeStorage } from 'electron';
import type { SecretBox } from './secret-box.ts';

/** safeStorage's async API; Linux's `basic_text` backend is reported as such, not as protection. */
export async function electronSecretBox(): Promise<SecretBox> {
  const available = await safeStorage.isAsyncEncryptionAvailable();
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os';
  const kind = !available ? 'unavailable' : backend === 'basic_text' ? 'basic_text' : 'os';
  return {
    kind,
    async encrypt(plain) {
      return (await safeStorage.encryptStringAsync(plain)).toString('base64');
    },
    async decrypt(cipher) {
      return (await safeStorage.decryptStringAsync(Buffer.from(cipher, 'base64'))).result;
    },
  };
}
