import type { SendPreview } from '../../shared/send-labels.ts';

/**
 * What the desktop needs from a team server, whatever carries it. The NATS-backed link lives in
 * the team package (team/client/nats-link.ts) and is handed to the host, so the desktop's own
 * install never pulls the team client's packages.
 */
export interface TeamSendRow {
  id: string;
  provider: string;
  /** The account's team identity (provider, origin, cabinet or box): never a token. */
  account: string;
  /** account + recipient: what a claim is on. */
  chat: string;
  recipient: string;
  /** The preview in no language (plainPreview), for desktops that predate previewData. */
  preview: string;
  /** The preview as data, worded by each desktop in its operator's language. */
  previewData?: SendPreview;
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

/** One entry of a send's trail on the server: its first record or a status change, in commit order. */
export interface TeamTrailEntry {
  kind: 'send' | 'status';
  status: string;
  operatorName: string;
  at: number;
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
/** A newer version than the operator saw; `deleted` when a colleague deleted the template meanwhile. */
export interface TemplateConflict {
  version: number;
  body: string;
  name: string;
  by: string;
  deleted?: true;
}
export type TemplateSaveResult = { ok: true; version: number } | { ok: false; conflict: TemplateConflict } | { ok: false; offline: true };
export type TemplateDeleteResult = { ok: true } | { ok: false; conflict: TemplateConflict } | { ok: false; offline: true };

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
  /** Deletes the version the operator saw; a newer one comes back as a conflict. */
  deleteTemplate(t: { id: string; baseVersion: number }): Promise<TemplateDeleteResult>;
  /** A send's trail from the server's audit trail (what this desktop has of it when offline). */
  sendTrail(id: string): Promise<TeamTrailEntry[]>;
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
