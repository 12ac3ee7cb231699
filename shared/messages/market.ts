import { characterCount } from './characters.ts';
import type { MarketMessage } from './market-schema.ts';
import type { FieldProblem } from './problems.ts';

// Only the types of the zod shape come here, erased at build, so the composer's bundle carries no schema.
export type { MarketMessage } from './market-schema.ts';

/**
 * One Yandex Market chat send as the composer produces it (yandex-market.md §1–2, §5). The API
 * takes text and files through two different methods, so a send is either a text (`kind: 'text'`,
 * `text`) or one file (`kind: 'file'`, `file` = the handle id the main process issued); the
 * composer sends text and file as two sends sharing a group id. One object with optional fields
 * (rather than a union) keeps it usable inside the outer union on `provider`; the pairing rules
 * live in `checkMarketMessage`.
 *
 * Rules the sheet leaves to us:
 * - Text length is counted in code points, as the spec's JSON Schema `maxLength: 4096` counts:
 *   a text of 4096 characters with emoji is what the provider documents as allowed.
 * - A text of spaces only passes the provider's `minLength: 1`, but it is never what an operator
 *   meant to send a buyer, so it counts as empty.
 * - "5 Мбайт" is read as 5 × 1024 × 1024 = 5 242 880 bytes: Market's documents measure sizes in
 *   binary units (the general body cap "512 KB" is 512 × 1024), and a provider refusal of a file
 *   between 5 000 000 and 5 242 880 bytes would still come back as `too_large` with its words.
 */
export const marketLimits = {
  textMin: 1,
  textMax: 4096,
  fileMaxBytes: 5 * 1024 * 1024,
  /** The API-wide request body cap; the file method's own 5 MB limit overrides it (sheet §8 q4). */
  bodyMaxBytes: 512 * 1024,
  /** `x-resource-limit-config` of both chat methods: 1 000 requests per hour each. */
  requestsPerHour: 1000,
} as const;

/** Path `businessId` and query `chatId` are int64 ≥ 1. */
const INT64_MAX = 9_223_372_036_854_775_807n;

export const marketKinds = ['text', 'file'] as const;

/** int64 ≥ 1 written in plain digits, as both the path and the query parameter require. */
export function isMarketId(value: string): boolean {
  return /^[1-9]\d{0,18}$/.test(value) && BigInt(value) <= INT64_MAX;
}

/** Operators paste ids with spaces or from links; only the digits count. */
export function normalizeMarketId(raw: string): string {
  return raw.trim().replace(/[\s\u00a0]/g, '');
}

function checkId(field: 'businessId' | 'chatId', raw: string): FieldProblem[] {
  const id = normalizeMarketId(raw);
  if (!id) return [{ field, reason: 'required' }];
  if (!isMarketId(id)) return [{ field, reason: 'bad_format' }];
  return [];
}

/**
 * Every rule the composer shows live and the host enforces again before anything is sent.
 * `fileSize` is the attached file's size when the caller can resolve the handle.
 */
export function checkMarketMessage(msg: MarketMessage, fileSize?: number): FieldProblem[] {
  const problems: FieldProblem[] = [...checkId('businessId', msg.businessId), ...checkId('chatId', msg.chatId)];
  if (msg.kind === 'text') {
    const text = msg.text ?? '';
    if (text.trim().length === 0) problems.push({ field: 'text', reason: 'required' });
    else if (characterCount(text) > marketLimits.textMax) problems.push({ field: 'text', reason: 'too_long', limit: marketLimits.textMax });
    if (msg.file !== undefined) problems.push({ field: 'file', reason: 'invalid_value' });
  } else {
    if (!msg.file) problems.push({ field: 'file', reason: 'required' });
    else if (fileSize !== undefined && fileSize > marketLimits.fileMaxBytes)
      problems.push({ field: 'file', reason: 'file_too_big', limit: marketLimits.fileMaxBytes });
    else if (fileSize === 0) problems.push({ field: 'file', reason: 'file_empty' });
    if (msg.text !== undefined && msg.text !== '') problems.push({ field: 'text', reason: 'invalid_value' });
  }
  return problems;
}
