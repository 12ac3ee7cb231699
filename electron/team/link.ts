/**
 * What the desktop needs from a team server, whatever carries it. The Zero-backed link lives in
 * the team package (team/client/zero-link.ts) and is handed to the host, so the desktop's own
 * install never pulls the sync engine's server side.
 */
export interface TeamSendRow {
  id: string;
  provider: string;
  /** The account's team identity (provider, origin, cabinet or box): never a token. */
  account: string;
  /** account + recipient: what a claim is on. */
  chat: string;
  recipient: string;
  preview: string;
  status: string;
  providerMessageId?: string;
  createdAt: number;
  updatedAt: number;
}

export interface TeamSend extends TeamSendRow {
  operatorId: string;
  operatorName: string;
  syncedAt: number;
}

export interface TeamClaim {
  chat: string;
  operatorId: string;
  operatorName: string;
  claimedAt: number;
  expiresAt: number;
}

export interface TeamTemplate {
  id: string;
  name: string;
  body: string;
  version: number;
  updatedBy: string;
  updatedAt: number;
}

export interface TeamConflict {
  id: string;
  kind: string;
  subject: string;
  operatorName: string;
  detail: Record<string, unknown>;
  at: number;
}

export interface TeamView {
  sends: readonly TeamSend[];
  claims: readonly TeamClaim[];
  templates: readonly TeamTemplate[];
  presence: readonly { operatorId: string; operatorName: string; seenAt: number }[];
  conflicts: readonly TeamConflict[];
}

export type PushResult = { ok: true } | { ok: false; retry: boolean; reason: string };
export type ClaimResult = { ok: true } | { ok: false; by: string; since: number };
export type TemplateSaveResult =
  | { ok: true; version: number }
  | { ok: false; conflict: { version: number; body: string; name: string; by: string } }
  | { ok: false; offline: true };

export interface TeamOperator {
  id: string;
  name: string;
  teamId: string;
}

export interface TeamLink {
  readonly operator: TeamOperator;
  /** A refresh token to sign in again without the password (kept in the desktop's vault). */
  readonly refreshToken: string;
  online(): boolean;
  view(): TeamView;
  /** Called on every change of the view or of the connection. */
  subscribe(listener: () => void): () => void;
  /** Resolves when the server committed (or refused) it; rejects when it could not be reached. */
  pushSend(row: TeamSendRow): Promise<PushResult>;
  claim(chat: string, ttlMs: number, offlineAt?: number): Promise<ClaimResult>;
  release(chat: string): Promise<void>;
  saveTemplate(t: { id: string; name: string; body: string; baseVersion: number }): Promise<TemplateSaveResult>;
  beat(): Promise<void>;
  /** Cuts the connection without forgetting the sign-in (tests and the simulation's offline periods). */
  goOffline(): void;
  goOnline(): void;
  close(): Promise<void>;
}

export type TeamLinkFactory = (
  server: string,
  credentials: { login: string; password: string } | { refreshToken: string },
) => Promise<TeamLink>;
