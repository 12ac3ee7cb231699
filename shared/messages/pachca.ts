import { characterCount } from './characters.ts';
import type { PachcaButton, PachcaMessage } from './pachca-schema.ts';
import type { FieldProblem } from './problems.ts';

// Only the types of the zod shape come here, erased at build, so the composer's bundle carries no schema.
export type { PachcaButton, PachcaMessage } from './pachca-schema.ts';

/**
 * A Pachca message as the composer produces it (pachca.md §2–4). The adapter maps it to
 * `{ message: {...}, link_preview }`; files are handles the main process issued.
 *
 * Limits the sheet leaves open, decided here:
 * - Buttons: 100 per message and 8 per row (seed and the OpenAPI field text) and at most 32 rows
 *   (the newer guide) — every limit of both readings, so no statement gets a message refused.
 * - Text and data ≤ 255 characters, display fields ≤ 255; a URL button's url must be http(s).
 *   Characters are code points (`characterCount`), as the spec's `maxLength` counts them.
 * - `content` has no documented maximum; 40 000 characters keeps a pasted log from going out by
 *   accident (the incoming-webhook limit is 40 000 bytes). Empty content is allowed only with files.
 */
export const pachcaLimits = {
  buttonsMax: 100,
  buttonsPerRowMax: 8,
  buttonRowsMax: 32,
  buttonTextMax: 255,
  buttonDataMax: 255,
  displayMax: 255,
  contentMax: 40_000,
  filesMax: 20,
} as const;

export const pachcaEntityTypes = ['discussion', 'thread', 'user'] as const;
export type PachcaEntityType = (typeof pachcaEntityTypes)[number];

const httpUrl = (s: string) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol);

/** Every rule the composer shows live and the host enforces again before any request. */
export function checkPachcaMessage(msg: PachcaMessage, opts: { isBot: boolean }): FieldProblem[] {
  const p: FieldProblem[] = [];
  const L = pachcaLimits;
  if (!msg.content.trim() && !msg.files?.length) p.push({ field: 'content', reason: 'required' });
  if (characterCount(msg.content) > L.contentMax) p.push({ field: 'content', reason: 'too_long', limit: L.contentMax });
  const rows = msg.buttons ?? [];
  const total = rows.reduce((n, r) => n + r.length, 0);
  if (total > L.buttonsMax) p.push({ field: 'buttons', reason: 'too_many_buttons', limit: L.buttonsMax });
  if (rows.length > L.buttonRowsMax) p.push({ field: 'buttons', reason: 'too_many_rows', limit: L.buttonRowsMax });
  rows.forEach((row, r) => {
    if (row.length === 0) p.push({ field: `buttons.${r}`, reason: 'empty_row' });
    if (row.length > L.buttonsPerRowMax)
      p.push({ field: `buttons.${r}.${L.buttonsPerRowMax}`, reason: 'too_many_in_row', limit: L.buttonsPerRowMax });
    row.forEach((b, c) => {
      const at = `buttons.${r}.${c}`;
      if (!b.text.trim()) p.push({ field: `${at}.text`, reason: 'required' });
      else if (characterCount(b.text) > L.buttonTextMax) p.push({ field: `${at}.text`, reason: 'too_long', limit: L.buttonTextMax });
      const hasUrl = b.url !== undefined && b.url !== '';
      const hasData = b.data !== undefined && b.data !== '';
      if (hasUrl === hasData) p.push({ field: `${at}.${hasUrl ? 'data' : 'url'}`, reason: 'button_url_or_data' });
      else if (hasUrl && !httpUrl(b.url!)) p.push({ field: `${at}.url`, reason: 'bad_url' });
      else if (hasData && characterCount(b.data!) > L.buttonDataMax)
        p.push({ field: `${at}.data`, reason: 'too_long', limit: L.buttonDataMax });
    });
  });
  if ((msg.files?.length ?? 0) > L.filesMax) p.push({ field: 'files', reason: 'too_many_files', limit: L.filesMax });
  if ((msg.displayName || msg.displayAvatarUrl) && !opts.isBot)
    p.push({ field: msg.displayName ? 'displayName' : 'displayAvatarUrl', reason: 'bot_only' });
  if (msg.displayName && characterCount(msg.displayName) > L.displayMax)
    p.push({ field: 'displayName', reason: 'too_long', limit: L.displayMax });
  if (msg.displayAvatarUrl) {
    if (characterCount(msg.displayAvatarUrl) > L.displayMax) p.push({ field: 'displayAvatarUrl', reason: 'too_long', limit: L.displayMax });
    else if (!httpUrl(msg.displayAvatarUrl)) p.push({ field: 'displayAvatarUrl', reason: 'bad_url' });
  }
  if (msg.skipInviteMentions && msg.entityType !== 'thread') p.push({ field: 'skipInviteMentions', reason: 'threads_only' });
  return p;
}

/** The wire form of the buttons: rows of `{text, url}` or `{text, data}`, nothing empty. */
export function wireButtons(rows: PachcaButton[][]): ({ text: string; url: string } | { text: string; data: string })[][] {
  return rows.map((row) => row.map((b) => (b.url ? { text: b.text, url: b.url } : { text: b.text, data: b.data ?? '' })));
}
