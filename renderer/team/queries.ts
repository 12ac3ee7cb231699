import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { client } from '../api.ts';
import { followTeamChanges, teamKeys } from './live-team.ts';

export function useTeamStatus() {
  return useQuery({ queryKey: teamKeys.status, queryFn: () => client.team.status() });
}

/** True once this desktop is signed in to a team server: every team screen but the connect form waits for it. */
export function useTeamOn(): boolean {
  return useTeamStatus().data?.configured === true;
}

export function useTeamSends(enabled: boolean) {
  return useQuery({ queryKey: teamKeys.sends, queryFn: () => client.team.sends(), enabled });
}

/** One send of the team with its trail (the Team side's detail pane). */
export function useTeamSend(id: string | undefined) {
  return useQuery({ queryKey: teamKeys.send(id ?? ''), queryFn: () => client.team.send({ id: id! }), enabled: !!id });
}

export function useTeamTemplates(enabled: boolean) {
  return useQuery({ queryKey: teamKeys.templates, queryFn: () => client.team.templates(), enabled });
}

export function useTeamConflicts(enabled: boolean) {
  return useQuery({ queryKey: teamKeys.conflicts, queryFn: () => client.team.conflicts(), enabled });
}

/** Who else answered or holds the chat the composer is about to send to (asked only in team mode, for a chosen recipient). */
export function useChatActivity(accountId: string | undefined, recipient: string | undefined, enabled: boolean) {
  return useQuery({
    queryKey: teamKeys.chat(accountId ?? '', recipient ?? ''),
    queryFn: () => client.team.chatActivity({ accountId: accountId!, recipient: recipient! }),
    enabled: enabled && !!accountId && !!recipient,
    staleTime: 5_000,
  });
}

export function useTeamConnect() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { server: string; login: string; password: string }) => client.team.connect(input),
    // The form shows the refusal beside the fields and keeps what was typed.
    meta: { errorShownInPlace: true },
    onSuccess: (status) => {
      qc.setQueryData(teamKeys.status, status);
      void qc.invalidateQueries({ queryKey: teamKeys.all });
    },
  });
}

export function useTeamDisconnect() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => client.team.disconnect(),
    onSuccess: (status) => {
      qc.setQueryData(teamKeys.status, status);
      void qc.invalidateQueries({ queryKey: teamKeys.all });
    },
  });
}

export function useClaimChat() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (chat: { accountId: string; recipient: string }) => client.team.claim(chat),
    onSettled: (_r, _e, chat) => qc.invalidateQueries({ queryKey: teamKeys.chat(chat.accountId, chat.recipient) }),
  });
}

export function useSaveTeamTemplate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (t: { id?: string; name: string; body: string; baseVersion: number }) => client.team.saveTemplate(t),
    onSuccess: (r) => {
      if (r.ok) void qc.invalidateQueries({ queryKey: teamKeys.templates });
    },
  });
}

export function useLiveTeam(): void {
  const qc = useQueryClient();
  useEffect(() => followTeamChanges(qc, (listener) => client.on.teamChanged(listener)), [qc]);
}

export function useDeleteTeamTemplate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (t: { id: string; baseVersion: number }) => client.team.deleteTemplate(t),
    onSuccess: (r) => {
      if (r.ok) void qc.invalidateQueries({ queryKey: teamKeys.templates });
    },
  });
}
