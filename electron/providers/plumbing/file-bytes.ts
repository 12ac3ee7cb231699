import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { LocalFile } from '../types.ts';
import { FileChangedError } from './file-changed.ts';

const READ_CHUNK = 64 * 1024;

/**
 * A file's bytes exactly as they were attached, streamed from disk in pieces of at most 64 KiB.
 * Size and SHA-256 are checked as the bytes go by, and the last piece is held back until both
 * match what was recorded at attach time: a file edited in between (even to the same size) never
 * yields its whole body, so the request carrying it cannot complete and the provider cannot take it.
 */
export async function* fileAsAttached(file: LocalFile, field: string, chunkSize = READ_CHUNK): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  let read = 0;
  let held: Buffer | undefined;
  try {
    for await (const chunk of createReadStream(file.path, { highWaterMark: chunkSize }) as AsyncIterable<Buffer>) {
      read += chunk.length;
      if (read > file.size) throw new FileChangedError(field, `${file.name} grew while it was being sent.`, file.name);
      hash.update(chunk);
      if (held) yield held;
      held = chunk;
    }
  } catch (e) {
    if (e instanceof FileChangedError) throw e;
    throw new FileChangedError(field, `${file.name} could not be read: ${(e as Error).message}`, file.name);
  }
  if (read !== file.size) throw new FileChangedError(field, `${file.name} shrank while it was being sent.`, file.name);
  if (hash.digest('hex') !== file.sha256) throw new FileChangedError(field, `${file.name} changed since it was attached.`, file.name);
  if (held) yield held;
}
