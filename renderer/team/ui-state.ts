import { create } from 'zustand';

export type Scope = 'mine' | 'team';

/** Which side of the history and of the templates the operator is looking at: UI state, not kept across restarts. */
interface TeamUi {
  historyScope: Scope;
  templatesScope: 'personal' | 'team';
  setHistoryScope: (s: Scope) => void;
  setTemplatesScope: (s: 'personal' | 'team') => void;
  /** The colleague's send whose detail the Team side shows. */
  teamSendId: string | undefined;
  selectTeamSend: (id: string | undefined) => void;
}

export const useTeamUi = create<TeamUi>((set) => ({
  historyScope: 'mine',
  templatesScope: 'personal',
  setHistoryScope: (historyScope) => set({ historyScope }),
  setTemplatesScope: (templatesScope) => set({ templatesScope }),
  teamSendId: undefined,
  selectTeamSend: (teamSendId) => set({ teamSendId }),
}));
