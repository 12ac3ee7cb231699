import type { MenuCommand } from './contract.ts';

/**
 * The app's own shortcuts, in Electron's accelerator syntax: the application menu binds them and
 * the settings screen lists them, from this one table. Composers follow the rail's order.
 */
export const shortcuts: readonly { command: MenuCommand; accelerator: string }[] = [
  { command: 'send', accelerator: 'CmdOrCtrl+Enter' },
  { command: 'new.pachca', accelerator: 'CmdOrCtrl+1' },
  { command: 'new.diadoc', accelerator: 'CmdOrCtrl+2' },
  { command: 'new.market', accelerator: 'CmdOrCtrl+3' },
  { command: 'new.greenapi', accelerator: 'CmdOrCtrl+4' },
  { command: 'history', accelerator: 'CmdOrCtrl+Shift+H' },
  { command: 'search', accelerator: 'CmdOrCtrl+F' },
  { command: 'settings', accelerator: 'CmdOrCtrl+,' },
  { command: 'shortcuts', accelerator: 'F1' },
];

export function acceleratorOf(command: MenuCommand): string | undefined {
  return shortcuts.find((s) => s.command === command)?.accelerator;
}

/** How a shortcut reads on this system: ⌘ on macOS, Ctrl elsewhere. */
export function shortcutLabel(accelerator: string, mac: boolean): string {
  return accelerator
    .replace('CmdOrCtrl', mac ? '⌘' : 'Ctrl')
    .replace('Shift', mac ? '⇧' : 'Shift')
    .replace(/\+/g, mac ? '' : '+');
}
