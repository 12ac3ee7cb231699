import type { OutgoingMessage } from './outgoing-schema.ts';

// Only the type of the zod shape comes here, erased at build, so the renderer's bundle carries no schema.
export type { OutgoingMessage } from './outgoing-schema.ts';

/** The file handles a message refers to, in the order the composer attached them. */
export function fileIdsOf(message: OutgoingMessage): string[] {
  switch (message.provider) {
    case 'pachca':
      return message.files ?? [];
    case 'market':
      return message.file ? [message.file] : [];
    case 'diadoc':
      return message.documents.flatMap((d) => (d.signatureFile ? [d.file, d.signatureFile] : [d.file]));
    case 'greenapi':
      return [];
  }
}

/** Each file handle of a message with the composer field it sits in, for errors that name the file's place. */
export function fileFieldsOf(message: OutgoingMessage): { id: string; field: string }[] {
  switch (message.provider) {
    case 'pachca':
      return (message.files ?? []).map((id) => ({ id, field: 'files' }));
    case 'market':
      return message.file ? [{ id: message.file, field: 'file' }] : [];
    case 'diadoc':
      return message.documents.flatMap((d, i) => [
        { id: d.file, field: `documents.${i}.file` },
        ...(d.signatureFile ? [{ id: d.signatureFile, field: `documents.${i}.signatureFile` }] : []),
      ]);
    case 'greenapi':
      return [];
  }
}
