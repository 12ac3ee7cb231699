import { z } from 'zod';
import { sendErrorSchema, type SendError } from '../../shared/errors.ts';
import { outgoingMessageSchema, type OutgoingMessage } from '../../shared/messages/outgoing-schema.ts';
import { providerIds } from '../../shared/providers.ts';
import { sendStatuses } from '../../shared/send-statuses.ts';
import { recipientOfKey } from '../../shared/send-labels.ts';
import { storedJson } from '../stored-json.ts';
import { readLabel, type SendLabel } from './label-column.ts';
import { LABEL_COLUMN } from './legacy-labels.ts';
import { exchangeSchema, type Attempt, type Exchange, type SendSummary } from '../../shared/sends.ts';

/**
 * Rows of history.sqlite read back into the contract's types. The database is ours but it is a file
 * on disk: a row a crash, a hand edit or an older build left in another shape is skipped with a logged
 * reason instead of reaching the renderer as a lie. Page reads are on the hot path (`npm run bench`),
 * so the scalar columns are checked by hand, one typeof per column; only the JSON columns, which are
 * rare on a page (the error) or read one send at a time (message, exchanges), go through zod.
 */

type Row = Record<string, unknown>;

/** The columns `readSendRow` reads, for every query that lists sends. */
export const SUMMARY_COLUMNS = `s.seq, s.id, s.provider, s.account_id, s.account_name, s.sandbox, s.status, s.recipient, ${LABEL_COLUMN}, s.created_at, s.updated_at, s.scheduled_at, s.next_attempt_at, s.provider_message_id, s.error, s.attempt_count, s.group_id, s.resend_of`;

export interface SendRow {
  seq: number;
  summary: SendSummary;
}

const providerSet: ReadonlySet<unknown> = new Set(providerIds);
const statusSet: ReadonlySet<unknown> = new Set(sendStatuses);
const outcomes: ReadonlySet<unknown> = new Set(['sent', 'failed', 'retry', 'unknown', 'running']);

function isProvider(v: unknown): v is SendSummary['provider'] {
  return providerSet.has(v);
}
function isStatus(v: unknown): v is SendSummary['status'] {
  return statusSet.has(v);
}
function isOutcome(v: unknown): v is Attempt['outcome'] {
  return outcomes.has(v);
}
function isNum(v: unknown): v is number {
  return typeof v === 'number';
}
function optNum(v: unknown): v is number | null {
  return v === null || typeof v === 'number';
}
function optStr(v: unknown): v is string | null {
  return v === null || typeof v === 'string';
}

function skip(what: string, id: unknown, reason: string): undefined {
  console.warn(`[history] ${what} ${typeof id === 'string' ? id : '?'} skipped: ${reason}`);
  return undefined;
}

/** An error column: unreadable JSON is dropped from the row (logged), the send itself still shows. */
function errorOf(text: string | null, id: string): SendError | undefined {
  if (text === null) return undefined;
  const parsed = sendErrorSchema.safeParse(storedJson(text));
  if (parsed.success) return parsed.data;
  console.warn(`[history] the stored error of ${id} is unreadable and left out`);
  return undefined;
}

/** The label column: an unreadable one shows the recipient's key and no preview (logged), the send itself still shows. */
function labelOf(text: unknown, provider: SendSummary['provider'], recipient: string, id: string): SendLabel {
  const label = readLabel(text);
  if (label) return label;
  console.warn(`[history] the stored label of ${id} is unreadable; its recipient is shown from its key`);
  return { to: recipientOfKey(provider, recipient), preview: { kind: 'text', text: '' } };
}

/** One `sends` row of SUMMARY_COLUMNS, or undefined (logged) when a column has the wrong type. */
export function readSendRow(r: Row): SendRow | undefined {
  const { seq, id, provider, status } = r;
  if (typeof id !== 'string') return skip('send', id, 'no id');
  if (!isNum(seq)) return skip('send', id, 'seq is not a number');
  if (!isProvider(provider)) return skip('send', id, `unknown provider ${String(provider)}`);
  if (!isStatus(status)) return skip('send', id, `unknown status ${String(status)}`);
  const { account_id, account_name, sandbox, recipient, created_at, updated_at, attempt_count } = r;
  if (typeof account_id !== 'string' || typeof account_name !== 'string' || typeof recipient !== 'string')
    return skip('send', id, 'a text column is not text');
  if (!isNum(sandbox) || !isNum(created_at) || !isNum(updated_at) || !isNum(attempt_count))
    return skip('send', id, 'a number column is not a number');
  const { scheduled_at, next_attempt_at, provider_message_id, error, group_id, resend_of } = r;
  if (!optNum(scheduled_at) || !optNum(next_attempt_at)) return skip('send', id, 'a time column is not a number');
  if (!optStr(provider_message_id) || !optStr(error) || !optStr(group_id) || !optStr(resend_of))
    return skip('send', id, 'a text column is not text');
  const sendError = errorOf(error, id);
  const label = labelOf(r.label, provider, recipient, id);
  return {
    seq,
    summary: {
      id,
      provider,
      accountId: account_id,
      accountName: account_name,
      sandbox: sandbox === 1,
      status,
      recipient,
      to: label.to,
      preview: label.preview,
      createdAt: created_at,
      updatedAt: updated_at,
      attemptCount: attempt_count,
      ...(scheduled_at !== null ? { scheduledAt: scheduled_at } : {}),
      ...(next_attempt_at !== null ? { nextAttemptAt: next_attempt_at } : {}),
      ...(provider_message_id !== null ? { providerMessageId: provider_message_id } : {}),
      ...(sendError ? { error: sendError } : {}),
      ...(group_id !== null ? { groupId: group_id } : {}),
      ...(resend_of !== null ? { resendOf: resend_of } : {}),
    },
  };
}

/** The rows of one page, unreadable ones left out. */
export function readSendRows(rows: readonly Row[]): SendSummary[] {
  const out: SendSummary[] = [];
  for (const r of rows) {
    const read = readSendRow(r);
    if (read) out.push(read.summary);
  }
  return out;
}

/** The message column of a full send. */
export function readMessage(text: unknown, id: string): OutgoingMessage | undefined {
  const parsed = typeof text === 'string' ? outgoingMessageSchema.safeParse(storedJson(text)) : undefined;
  return parsed?.success ? parsed.data : skip('send', id, 'its message is unreadable');
}

const exchangesSchema = z.array(exchangeSchema);

/** One `attempts` row; an attempt whose exchanges are unreadable keeps its outcome and shows none. */
export function readAttempt(a: Row, id: string): Attempt | undefined {
  const { n, started_at, ended_at, outcome, error, exchanges } = a;
  if (!isNum(n) || !isNum(started_at) || !optNum(ended_at)) return skip('attempt of', id, 'a number column is not a number');
  if (!isOutcome(outcome)) return skip('attempt of', id, `unknown outcome ${String(outcome)}`);
  if (!optStr(error)) return skip('attempt of', id, 'its error is not text');
  const parsed = typeof exchanges === 'string' ? exchangesSchema.safeParse(storedJson(exchanges)) : undefined;
  if (!parsed?.success) console.warn(`[history] the exchanges of attempt ${n} of ${id} are unreadable and left out`);
  const list: Exchange[] = parsed?.success ? parsed.data : [];
  const sendError = errorOf(error, id);
  return {
    n,
    startedAt: started_at,
    outcome,
    exchanges: list,
    ...(ended_at !== null ? { endedAt: ended_at } : {}),
    ...(sendError ? { error: sendError } : {}),
  };
}
