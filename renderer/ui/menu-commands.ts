import { useEffect } from 'react';
import type { MenuCommand } from '../../shared/contract.ts';
import { client } from '../api.ts';
import { useUi } from '../store.ts';

/** Submits the composer on screen the way its own button would (its checks run first). */
function submitComposer(): void {
  document.querySelector<HTMLFormElement>('main form')?.requestSubmit();
}

function focusSearch(): void {
  // The history view loads on demand: its search box may appear a frame or two later.
  let tries = 0;
  const look = () => {
    const box = document.querySelector<HTMLInputElement>('main [role="search"] input[type="search"]');
    if (box) box.focus();
    else if (tries++ < 20) requestAnimationFrame(look);
  };
  look();
}

/** Carries out what the application menu (and its accelerators) asks for. */
export function useMenuCommands(): void {
  const setView = useUi((s) => s.setView);
  useEffect(() => {
    const act = (command: MenuCommand) => {
      if (command === 'send') submitComposer();
      else if (command === 'history') setView('history');
      else if (command === 'search') {
        setView('history');
        focusSearch();
      } else if (command === 'settings' || command === 'shortcuts') setView('settings');
      else setView(command.slice('new.'.length) as 'pachca' | 'diadoc' | 'market' | 'greenapi');
    };
    return client.on.menuCommand(({ command }) => act(command));
  }, [setView]);
}
