import Conf from 'conf';

/**
 * electron-store as main.ts uses it, on `conf` (the library electron-store wraps) so it runs outside
 * Electron: the same file name and folder, the real JSON on disk.
 */
export default class ElectronStoreDouble extends Conf<Record<string, unknown>> {
  constructor(opts: { cwd: string }) {
    super({ ...opts, configName: 'config', projectName: 'operator-console', projectSuffix: '' });
  }
}
