import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../shared/contract.ts';
import { acceleratorOf } from '../../shared/shortcuts.ts';
import type { MainTranslate } from './strings.ts';

export interface MenuActions {
  command(command: MenuCommand): void;
  openLogFolder(): void;
  openDataFolder(): void;
}

const providers = ['pachca', 'diadoc', 'market', 'greenapi'] as const;

/**
 * The application menu: the platform's usual roles (macOS needs the Edit menu for copy and paste
 * to work at all) and the app's own commands, bound to the shortcuts the settings screen lists.
 */
export function applicationMenu(t: MainTranslate, platform: NodeJS.Platform, act: MenuActions): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const command = (c: MenuCommand, label: string): MenuItemConstructorOptions => ({
    label,
    ...(acceleratorOf(c) ? { accelerator: acceleratorOf(c) } : {}),
    click: () => act.command(c),
  });
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: t('menu.file'),
      submenu: [
        ...providers.map((p) => command(`new.${p}`, t('menu.newMessage', { provider: t(`provider.${p}`) }))),
        command('send', t('menu.send')),
        { type: 'separator' },
        command('settings', t('menu.settings')),
        { type: 'separator' },
        mac ? { role: 'close', label: t('menu.close') } : { role: 'quit', label: t('menu.quit') },
      ],
    },
    {
      label: t('menu.edit'),
      submenu: [
        { role: 'undo', label: t('menu.undo') },
        { role: 'redo', label: t('menu.redo') },
        { type: 'separator' },
        { role: 'cut', label: t('context.cut') },
        { role: 'copy', label: t('context.copy') },
        { role: 'paste', label: t('context.paste') },
        { role: 'selectAll', label: t('context.selectAll') },
      ],
    },
    {
      label: t('menu.view'),
      submenu: [
        command('history', t('menu.history')),
        command('search', t('menu.search')),
        { type: 'separator' },
        { role: 'resetZoom', label: t('menu.resetZoom') },
        { role: 'zoomIn', label: t('menu.zoomIn') },
        { role: 'zoomOut', label: t('menu.zoomOut') },
        { type: 'separator' },
        { role: 'togglefullscreen', label: t('menu.fullscreen') },
      ],
    },
    {
      label: t('menu.window'),
      role: 'windowMenu',
      submenu: [
        { role: 'minimize', label: t('menu.minimize') },
        ...(mac
          ? [{ role: 'zoom' as const }, { type: 'separator' as const }, { role: 'front' as const }]
          : [{ role: 'close' as const, label: t('menu.close') }]),
      ],
    },
    {
      label: t('menu.help'),
      role: 'help',
      submenu: [
        command('shortcuts', t('menu.shortcuts')),
        { type: 'separator' },
        { label: t('menu.openLogs'), click: () => act.openLogFolder() },
        { label: t('menu.openDataFolder'), click: () => act.openDataFolder() },
      ],
    },
  ];
}

/** What Electron tells about a right click (the part of ContextMenuParams we read). */
export interface ContextParams {
  isEditable: boolean;
  selectionText: string;
  misspelledWord: string;
  dictionarySuggestions: string[];
  editFlags: { canCut: boolean; canCopy: boolean; canPaste: boolean; canSelectAll: boolean };
}

export interface ContextActions {
  replaceMisspelling(word: string): void;
  addToDictionary(word: string): void;
}

/** The right-click menu: spelling suggestions first for a misspelled word, then cut, copy and paste. */
export function contextMenu(t: MainTranslate, params: ContextParams, act: ContextActions): MenuItemConstructorOptions[] {
  const items: MenuItemConstructorOptions[] = [];
  if (params.misspelledWord) {
    const suggestions = params.dictionarySuggestions.slice(0, 6);
    if (suggestions.length === 0) items.push({ label: t('context.noSuggestions'), enabled: false });
    for (const s of suggestions) items.push({ label: s, click: () => act.replaceMisspelling(s) });
    items.push({ label: t('context.addToDictionary'), click: () => act.addToDictionary(params.misspelledWord) }, { type: 'separator' });
  }
  if (params.isEditable) {
    items.push(
      { role: 'cut', label: t('context.cut'), enabled: params.editFlags.canCut },
      { role: 'copy', label: t('context.copy'), enabled: params.editFlags.canCopy },
      { role: 'paste', label: t('context.paste'), enabled: params.editFlags.canPaste },
      { type: 'separator' },
      { role: 'selectAll', label: t('context.selectAll'), enabled: params.editFlags.canSelectAll },
    );
  } else if (params.selectionText.trim()) {
    items.push({ role: 'copy', label: t('context.copy') });
  }
  return items;
}

/** Spell-check languages in the operator's order, as far as this Chromium has them (macOS uses the system's). */
export function spellCheckLanguages(available: readonly string[]): string[] {
  return ['ru', 'en-US', 'en'].filter((l) => available.includes(l)).slice(0, 2);
}
