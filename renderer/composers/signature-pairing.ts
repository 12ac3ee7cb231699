import type { FileHandle } from '../../shared/sends.ts';
import type { DocDraft } from './DiadocDocumentCard.tsx';

// CryptoPro and most signing tools save a detached signature as the document's name plus .sig or .p7s.
const SIGNATURE = /\.(sig|p7s)$/i;

/** A detached signature by its name: `акт.pdf.sig`, `акт.pdf.p7s` (and not a bare `.sig`). */
export function isSignatureName(name: string): boolean {
  return SIGNATURE.test(name) && name.replace(SIGNATURE, '').length > 0;
}

/** The document a signature file names: `акт.pdf.sig` signs `акт.pdf`. */
export function signedName(signature: string): string {
  return signature.replace(SIGNATURE, '');
}

const same = (a: string, b: string) => a.normalize('NFC').toLocaleLowerCase() === b.normalize('NFC').toLocaleLowerCase();
const stem = (name: string) => name.replace(/\.[^.]*$/, '');

/**
 * Which card a signature belongs to: the document of exactly that name (a card still unsigned
 * first, so two equal names take one signature each), else the only document whose name without
 * its extension is the signature's (`акт.sig` beside `акт.pdf`).
 */
function cardFor(docs: readonly DocDraft[], signature: string): number {
  const target = signedName(signature);
  const named = docs.flatMap((d, i) => (same(d.file.name, target) ? [i] : []));
  if (named.length) return named.find((i) => !docs[i]!.signature) ?? named[0]!;
  const byStem = docs.flatMap((d, i) => (same(stem(d.file.name), target) ? [i] : []));
  return byStem.length === 1 ? byStem[0]! : -1;
}

/**
 * Files dropped on a Diadoc composer: documents become new cards, and each signature joins the card
 * of the document it names, whether that card came in the same drop or was there before. A signature
 * whose document is not in the message is handed back, so the operator is told instead of it
 * becoming a document of its own.
 */
export function withDroppedFiles(
  docs: readonly DocDraft[],
  handles: readonly FileHandle[],
  newCard: (file: FileHandle) => DocDraft,
): { docs: DocDraft[]; unpaired: FileHandle[] } {
  const next = [...docs, ...handles.filter((h) => !isSignatureName(h.name)).map(newCard)];
  const unpaired: FileHandle[] = [];
  for (const signature of handles.filter((h) => isSignatureName(h.name))) {
    const i = cardFor(next, signature.name);
    if (i === -1) unpaired.push(signature);
    else next[i] = { ...next[i]!, signature };
  }
  return { docs: next, unpaired };
}
