import type { DatabaseSync } from 'node:sqlite';
import { labelText, legacyLabel } from './label-column.ts';

/**
 * The rows older builds wrote (schema 8 and before: English preview, '' label; migration 9 keeps
 * their seq range in `labels_from`/`labels_to`) are converted after the window is up, a batch per
 * transaction, and read meanwhile through the `label` expression below: a page shows an old row
 * as it will be stored, through the one parser (label-column.ts). Each batch moves `labels_from`
 * in its own transaction, and only rows whose label is still '' are written, so a kill mid-way
 * loses nothing and converts nothing twice: the next start goes on from the last commit.
 */

/** Hands a row's message over only when its preview may stand for files; texts are read without it. */
const legacyArgs = (t: string) =>
  `${t}provider, ${t}recipient, ${t}preview, CASE WHEN substr(${t}preview, 1, 2) = '📎 ' THEN ${t}message END`;

/** The label column of `sends s` as every list reads it: a row not converted yet is converted on the way out. */
export const LABEL_COLUMN = `CASE WHEN s.label = '' THEN legacy_label(${legacyArgs('s.')}) ELSE s.label END AS label`;

/** The SQL function the expression above and the batches call; registered on the history's connection. */
export function registerLegacyLabel(db: DatabaseSync): void {
  db.function('legacy_label', { deterministic: true }, (provider, recipient, preview, message) => {
    try {
      return labelText(legacyLabel(String(provider), String(recipient), String(preview), typeof message === 'string' ? message : ''));
    } catch {
      // A row no reading foresaw shows its key and its text as they are: a throw here would fail the whole page it is on.
      return labelText({ to: { kind: 'address', id: String(recipient) }, preview: { kind: 'text', text: String(preview) } });
    }
  });
}

/**
 * Most old rows are a plain text to a numbered chat or an address: those are converted in SQL
 * alone, the same label legacyLabel gives them (recipientOfKey's "chat 334" for Pachca and Market,
 * an address for Green-API, the preview as the text). Anything else, and any column that is not
 * text, goes through legacyLabel itself.
 */
const numbered = `(s.recipient GLOB 'chat [0-9]*' OR s.recipient GLOB 'user [0-9]*' OR s.recipient GLOB 'thread [0-9]*')
  AND substr(s.recipient, instr(s.recipient, ' ') + 1) NOT GLOB '*[^0-9]*'`;
const plainText = `typeof(s.recipient) = 'text' AND typeof(s.preview) = 'text' AND substr(s.preview, 1, 2) <> '📎 '
  AND (s.provider = 'greenapi' OR (s.provider IN ('pachca', 'market') AND ${numbered}))`;
const plainLabel = `json_object(
  'to', CASE WHEN s.provider = 'greenapi' THEN json_object('kind', 'address', 'id', s.recipient)
        ELSE json_object('kind', substr(s.recipient, 1, instr(s.recipient, ' ') - 1), 'id', substr(s.recipient, instr(s.recipient, ' ') + 1)) END,
  'preview', json_object('kind', 'text', 'text', s.preview))`;

export interface LabelProgress {
  /** Old rows converted so far, counted in seqs (the ids of the range; a gap counts as done). */
  done: number;
  total: number;
}

export interface LegacyLabels {
  /** What is left, or undefined when nothing is. */
  progress(): LabelProgress | undefined;
  /**
   * Converts the next `rows` seqs of the range. Runs inside the caller's transaction, which must
   * commit or roll back the rows and the moved range together. Returns what is left after it.
   */
  convert(rows: number): LabelProgress | undefined;
}

export function legacyLabels(db: DatabaseSync): LegacyLabels {
  const st = {
    get: db.prepare("SELECT key, value FROM state WHERE key IN ('labels_from', 'labels_to')"),
    set: db.prepare("UPDATE state SET value = ? WHERE key = 'labels_from'"),
    finish: db.prepare("DELETE FROM state WHERE key IN ('labels_from', 'labels_to')"),
    // One pass over the range: a second UPDATE for the other rows would walk it twice. The English
    // text is emptied as its label is written (both read the row as it was), so a converted history
    // is the size the first schema 9 left, not one preview per row larger.
    convert: db.prepare(
      `UPDATE sends AS s SET label = CASE WHEN ${plainText} THEN ${plainLabel} ELSE legacy_label(${legacyArgs('s.')}) END, preview = ''
       WHERE s.seq > ? AND s.seq <= ? AND s.label = ''`,
    ),
  };
  const progress = (): LabelProgress | undefined => {
    const kept = new Map(st.get.all().map((r) => [r.key, Number(r.value)]));
    const done = kept.get('labels_from');
    const total = kept.get('labels_to');
    if (done === undefined || total === undefined) return undefined;
    // A range that does not read as numbers cannot be walked: its rows stay readable through LABEL_COLUMN.
    if (!Number.isSafeInteger(done) || !Number.isSafeInteger(total)) return undefined;
    return { done, total };
  };
  return {
    progress,
    convert(rows) {
      const p = progress();
      if (!p) return undefined;
      const to = Math.min(p.total, p.done + rows);
      // BigInt: node:sqlite binds a JS number as REAL, and a REAL bound does not seek the seq index.
      st.convert.run(BigInt(p.done), BigInt(to));
      if (to >= p.total) {
        st.finish.run();
        return undefined;
      }
      st.set.run(String(to));
      return { done: to, total: p.total };
    },
  };
}
