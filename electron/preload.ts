import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { buildBridge } from '../shared/bridge.ts';
import type { Reply } from '../shared/contract.ts';

// One method per contract channel, grouped by area, built from the contract; no generic invoke.
const bridge = buildBridge(
  {
    call: (channel, input) => ipcRenderer.invoke(channel, input) as Promise<Reply>,
    subscribe: (event, listener) => {
      const wrapped = (_e: unknown, payload: unknown) => listener(payload);
      ipcRenderer.on(`event:${event}`, wrapped);
      return () => void ipcRenderer.removeListener(`event:${event}`, wrapped);
    },
  },
  // The renderer hands over a dropped File; only the main process ever sees its path.
  async (file) => {
    const path = webUtils.getPathForFile(file);
    if (!path)
      return {
        ok: false,
        error: { kind: 'invalid', reason: 'file_unreadable', message: 'This file has no path on disk (paste it as a file instead).' },
      };
    return (await ipcRenderer.invoke('files.register', { path })) as Reply<never>;
  },
);

contextBridge.exposeInMainWorld('operator', bridge);
