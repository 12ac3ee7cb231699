import { z } from 'zod';
import { diadocMessageSchema } from './diadoc.ts';
import { greenApiMessageSchema } from './green-api.ts';
import { marketMessageSchema } from './market.ts';
import { pachcaMessageSchema } from './pachca.ts';

/** Every message a composer can produce, told apart by `provider`. */
export const outgoingMessageSchema = z.discriminatedUnion('provider', [
  pachcaMessageSchema,
  diadocMessageSchema,
  marketMessageSchema,
  greenApiMessageSchema,
]);
export type OutgoingMessage = z.infer<typeof outgoingMessageSchema>;

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
