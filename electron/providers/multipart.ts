import { randomBytes } from 'node:crypto';
import { fileAsAttached } from './plumbing/file-bytes.ts';
import { FileChangedError } from './plumbing/file-changed.ts';
import type { LocalFile } from './types.ts';

/**
 * multipart/form-data for uploads: text fields first, then one file part streamed from disk in
 * pieces of at most 64 KiB (`fileAsAttached`), so only the piece in flight is ever in memory. The
 * exact length is known before the first byte, so no chunked encoding is needed.
 */

/**
 * A name as a form-data part header carries it, escaped as browsers escape it (WHATWG
 * multipart/form-data: CR, LF and `"` percent-encoded). Storage that fills `${filename}` from the
 * part sees this form, so a key built from the name must use it too.
 */
export function formDataName(value: string): string {
  return value.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
}

function quoted(value: string): string {
  return `"${formDataName(value)}"`;
}

export interface MultipartPlan {
  boundary: string;
  contentType: string;
  head: Uint8Array;
  tail: Uint8Array;
  contentLength: number;
}

/** A media type safe to put in a part header; anything else goes as plain bytes. */
const MEDIA_TYPE = /^[\w!#$&^.+-]+\/[\w!#$&^.+-]+$/;

export function planMultipart(file: LocalFile, fields: readonly (readonly [string, string])[] = [], fileField = 'file'): MultipartPlan {
  const type = MEDIA_TYPE.test(file.type) ? file.type : 'application/octet-stream';
  const boundary = `----OperatorConsole${randomBytes(12).toString('hex')}`;
  const fieldParts = fields.map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(k)}\r\n\r\n${v}\r\n`).join('');
  const head = Buffer.from(
    `${fieldParts}--${boundary}\r\nContent-Disposition: form-data; name=${quoted(fileField)}; filename=${quoted(file.name)}\r\nContent-Type: ${type}\r\n\r\n`,
    'utf8',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  return {
    boundary,
    contentType: `multipart/form-data; boundary=${boundary}`,
    head,
    tail,
    contentLength: head.byteLength + file.size + tail.byteLength,
  };
}

/** The body in pieces; a file that changed since it was attached (size or SHA-256) stops it with `failed`. */
export async function* streamMultipart(
  plan: MultipartPlan,
  file: LocalFile,
  progress: (sent: number) => void = () => {},
  failed: (e: FileChangedError) => void = () => {},
  /** The composer's field the file belongs to, for the operator's error. */
  field = 'file',
): AsyncGenerator<Uint8Array> {
  let sent = 0;
  yield plan.head;
  sent += plan.head.byteLength;
  progress(sent);
  try {
    for await (const chunk of fileAsAttached(file, field)) {
      yield chunk;
      sent += chunk.length;
      progress(sent);
    }
  } catch (e) {
    const err =
      e instanceof FileChangedError ? e : new FileChangedError(field, `${file.name} could not be read: ${(e as Error).message}`, file.name);
    failed(err);
    throw err;
  }
  yield plan.tail;
  progress(sent + plan.tail.byteLength);
}
