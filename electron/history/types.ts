import type { SendError } from '../../shared/errors.ts';
import type { OutgoingMessage } from '../../shared/messages/index.ts';
import type { ProviderId } from '../../shared/providers.ts';
import type { Attempt, Exchange, SendStatus, SendSummary } from '../../shared/sends.ts';

/** A send as the outbox writes it ahead, before any byte leaves. */
export interface NewSend {
  id: string;
  provider: ProviderId;
  accountId: string;
  accountName: string;
  sandbox: boolean;
  status: 'pending' | 'scheduled';
  recipient: string;
  preview: string;
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

/** The history store: sends, their attempts, and the rate limiter's state, in one SQLite file. */
export interface HistoryStore {
  insertSend(send: NewSend): void;
  /** Applies a status change; the outbox decides which moves are allowed. */
  updateSend(id: string, patch: StatusPatch): void;
  /** Opens attempt `n` and moves the send to `sending`, in one transaction. */
  startAttempt(sendId: string, n: number, startedAt: number): void;
  /** Closes attempt `n` and, when given, applies the send's new status in the same transaction. */
  finishAttempt(
    sendId: string,
    n: number,
    result: { endedAt: number; outcome: Attempt['outcome']; error?: SendError; exchanges: Exchange[] },
    status?: StatusPatch,
  ): void;
  getSummary(id: string): SendSummary | undefined;
  get(id: string): StoredSend | undefined;
  list(query: HistoryListQuery): { items: SendSummary[]; nextCursor?: string };
  /** Sends not in a final state (scheduled, pending, sending, waiting, outcome_unknown excluded): for recovery and the scheduler. */
  unfinished(): StoredSend[];
  /** Runs `fn`'s writes as one transaction: all of them land, or none. */
  atomically<T>(fn: () => T): T;
  /** Brings the full-text index up to date now (it otherwise catches up in batches). */
  catchUpIndex(): void;
  getState(key: string): string | undefined;
  setState(key: string, value: string): void;
  close(): void;
}
