import type { SendError } from '../../shared/errors.ts';
import type { OutgoingMessage } from '../../shared/messages/index.ts';
import type { ProviderId } from '../../shared/providers.ts';
import type { SendStatus } from '../../shared/send-statuses.ts';
import type { RecipientLabel, SendPreview } from '../../shared/send-labels.ts';
import type { Attempt, Exchange, SendSummary } from '../../shared/sends.ts';
import type { LabelProgress } from './legacy-labels.ts';

/** A send as the outbox writes it ahead, before any byte leaves. */
export interface NewSend {
  id: string;
  provider: ProviderId;
  accountId: string;
  accountName: string;
  sandbox: boolean;
  status: 'pending' | 'scheduled';
  /** Whom it goes to; the row's recipient key (recipientKey) is made from it. */
  to: RecipientLabel;
  preview: SendPreview;
  /** What full-text search indexes besides the recipient (the whole text, file names, button labels). */
  searchText: string;
  message: OutgoingMessage;
  /** Idempotency key (Diadoc operationId), chosen now and reused on every attempt. */
  operationId: string;
  createdAt: number;
  scheduledAt?: number;
  groupId?: string;
  resendOf?: string;
}

export interface StatusPatch {
  status: SendStatus;
  updatedAt: number;
  nextAttemptAt?: number | null;
  providerMessageId?: string;
  error?: SendError | null;
  scheduledAt?: number;
  message?: OutgoingMessage;
}

export interface HistoryListQuery {
  text?: string;
  provider?: ProviderId;
  accountId?: string;
  statuses?: SendStatus[];
  /** Outcome unknown and not sent again since: what still waits for the operator. */
  undecided?: boolean;
  recipient?: string;
  from?: number;
  to?: number;
  cursor?: string;
  limit: number;
}

export interface StoredSend {
  summary: SendSummary;
  message: OutgoingMessage;
  operationId: string;
  attempts: Attempt[];
}

/** The commits a send's exactly-once rests on; each is durable (fsynced) when it returns. */
export type CommitMoment = 'write_ahead' | 'start' | 'final';

/** What an attempt ended with, as its row records it. */
export interface AttemptEnd {
  endedAt: number;
  outcome: Attempt['outcome'];
  error?: SendError;
  exchanges: Exchange[];
}

/** A status change that applies only while the send is still in one of `from`. */
export interface Transition {
  patch: StatusPatch;
  from: readonly SendStatus[];
}

/** The history store: sends, their attempts, and the rate limiter's state, in one SQLite file. */
export interface HistoryStore {
  /** The write-ahead record, durable on return; `also` runs in the same transaction. */
  insertSend(send: NewSend, also?: () => void): void;
  /**
   * Applies a status change only while the send is in one of `from` (a conditional update), so a
   * move decided on a stale read changes nothing. True when it applied.
   */
  updateSend(id: string, patch: StatusPatch, from: readonly SendStatus[]): boolean;
  /**
   * Opens attempt `n` and moves the send to `sending`, in one durable transaction, only while the
   * send is still due (pending, waiting, or scheduled for no later than `startedAt`) and no other
   * attempt took its place. False when it was not: the attempt must not send.
   */
  startAttempt(sendId: string, n: number, startedAt: number): boolean;
  /** Closes attempt `n` and, when given, applies the send's transition in the same durable transaction. */
  finishAttempt(sendId: string, n: number, result: AttemptEnd, status?: Transition): boolean;
  getSummary(id: string): SendSummary | undefined;
  get(id: string): StoredSend | undefined;
  list(query: HistoryListQuery): { items: SendSummary[]; nextCursor?: string };
  /** Sends not in a final state (scheduled, pending, sending, waiting, outcome_unknown excluded): for recovery and the scheduler. */
  unfinished(): StoredSend[];
  /** Runs `fn`'s writes as one transaction: all of them land, or none. */
  atomically<T>(fn: () => T): T;
  /** How far the conversion of rows older builds wrote has come (legacy-labels.ts); undefined when none is left. */
  legacyLabelProgress(): LabelProgress | undefined;
  /** Converts the next `rows` of those rows in one transaction; what is left after it. */
  convertLegacyLabels(rows: number): LabelProgress | undefined;
  /** Brings the full-text index up to date now (it otherwise catches up in batches). */
  catchUpIndex(): void;
  getState(key: string): string | undefined;
  setState(key: string, value: string): void;
  close(): void;
}
