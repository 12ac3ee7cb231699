import { stat } from 'node:fs/promises';
import type { SendError } from '../../../shared/errors.ts';
import type { LocalFile } from '../types.ts';

/** A file that grew, shrank, vanished or could not be read while its bytes were being sent. */
export class FileChangedError extends Error {
  readonly field: string;
  /** The file's name as attached, so the operator is told which file to attach again. */
  readonly fileName: string | undefined;
  constructor(field: string, message: string, fileName?: string) {
    super(message);
    this.field = field;
    this.fileName = fileName;
  }
}

/**
 * A body cut short by a changing file was never a whole request, so the provider cannot have
 * taken it: `invalid` on the file's field, and the operator attaches the file again.
 */
export function fileChangedError(e: FileChangedError): SendError {
  return {
    kind: 'invalid',
    reason: 'file_changed',
    field: e.field,
    message: `${e.message} Attach it again.`,
    ...(e.fileName !== undefined ? { fileName: e.fileName } : {}),
  };
}

/** The same verdict before the first byte: a handle outlives the file it names, so the disk is asked just before sending. */
export async function changedOnDisk(file: LocalFile, field: string): Promise<SendError | undefined> {
  const onDisk = await stat(file.path).catch(() => undefined);
  if (onDisk?.isFile() && onDisk.size === file.size) return undefined;
  return fileChangedError(new FileChangedError(field, `${file.name} changed or is gone since it was attached.`, file.name));
}
