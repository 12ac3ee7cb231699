import type { Recipient, RecipientSearchResult } from '../../shared/recipients.ts';
import type { LocalAnswer } from './directory-index.ts';

export interface PickerOptionsInput {
  /** The host's last answer (perhaps for an earlier text, standing in). */
  host: RecipientSearchResult | undefined;
  /** The host's answer is for the text in the field now. */
  hostIsForText: boolean;
  /** The copy's answer for the text in the field now, if a copy is loaded. */
  local: LocalAnswer | undefined;
  /** The copy is the directory as the host has it now (not behind a write it heard of, not being read again, no refresh running). */
  copyCurrent: boolean;
}

export interface PickerOptions {
  items: Recipient[];
  /** These options are the answer for the text in the field, not matches standing in until the host's answer. */
  answered: boolean;
}

/**
 * What the listbox shows for a keystroke: the host's answer for the text once it has come; before
 * that the copy's matches, which are the answer when the copy is current and its search provably
 * the host's; else whatever stood there, marked as standing in.
 */
export function pickerOptions(i: PickerOptionsInput): PickerOptions {
  if (i.host && i.hostIsForText) return { items: i.host.items, answered: true };
  if (i.local) return { items: i.local.items, answered: i.local.exact && i.copyCurrent };
  return { items: i.host?.items ?? [], answered: false };
}
