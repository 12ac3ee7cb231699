import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type SendError } from '../../shared/errors.ts';
import { sendError, OperatorError } from '../../shared/operator-error.ts';
import type { AttachedFile } from '../../shared/contract.ts';
import type { FileHandle } from '../../shared/sends.ts';
import { FileChangedError, fileChangedError } from '../providers/plumbing/file-changed.ts';
import type { LocalFile } from '../providers/types.ts';

/** Where handles are remembered, so a scheduled or retried send finds its files after a restart. */
export interface HandleStore {
  getState(key: string): string | undefined;
  setState(key: string, value: string): void;
}

/** The largest file anyone may register: above every provider's limit, below what hurts the machine. */
export const MAX_FILE_BYTES = 100 * 1024 * 1024;

const EXT_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  txt: 'text/plain',
  csv: 'text/csv',
  xml: 'application/xml',
  json: 'application/json',
  zip: 'application/zip',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  sig: 'application/pkcs7-signature',
  p7s: 'application/pkcs7-signature',
  mp4: 'video/mp4',
  mp3: 'audio/mpeg',
};

export function typeFromName(name: string): string {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  return EXT_TYPES[ext] ?? 'application/octet-stream';
}

async function sha256Of(path: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(path), h);
  return h.digest('hex');
}

/** What the renderer may know of a file: everything but its path. */
function handleOf(file: LocalFile): FileHandle {
  const { path: _path, ...handle } = file;
  return handle;
}

/**
 * Files the renderer may refer to. The main process issues a handle for a path (Electron: the
 * preload resolved a dropped File) or for uploaded bytes (browser harness); the renderer only
 * ever holds the handle. Contents are hashed by streaming, never held in memory.
 */
export class FileRegistry {
  private readonly files = new Map<string, LocalFile>();
  private readonly uploadDir: string;
  private readonly store: HandleStore;

  constructor(dataDir: string, store: HandleStore) {
    this.uploadDir = join(dataDir, 'uploads');
    this.store = store;
  }

  private remember(file: LocalFile): FileHandle {
    this.files.set(file.id, file);
    this.store.setState(`file:${file.id}`, JSON.stringify(file));
    return handleOf(file);
  }

  async register(path: string, name = basename(path)): Promise<FileHandle> {
    let info;
    try {
      info = await stat(path);
    } catch {
      throw new OperatorError(sendError('invalid', 'The file cannot be read.', { reason: 'file_unreadable', field: 'file' }));
    }
    if (!info.isFile())
      throw new OperatorError(sendError('invalid', 'Only regular files can be attached.', { reason: 'file_unreadable', field: 'file' }));
    if (info.size === 0) throw new OperatorError(sendError('invalid', 'The file is empty.', { reason: 'file_empty', field: 'file' }));
    if (info.size > MAX_FILE_BYTES)
      throw new OperatorError(
        sendError('too_large', 'The file is larger than any provider accepts.', {
          reason: 'file_too_big',
          field: 'file',
          limit: MAX_FILE_BYTES,
        }),
      );
    const sha256 = await sha256Of(path);
    const id = `f_${randomBytes(12).toString('base64url')}`;
    return this.remember({ id, path, name, size: info.size, type: typeFromName(name), sha256 });
  }

  /** Stores uploaded bytes (browser harness) in the data directory and issues a handle for them. */
  async adopt(stream: AsyncIterable<Uint8Array>, name: string, declaredSize: number): Promise<FileHandle> {
    if (declaredSize > MAX_FILE_BYTES)
      throw new OperatorError(
        sendError('too_large', 'The file is larger than any provider accepts.', {
          reason: 'file_too_big',
          field: 'file',
          limit: MAX_FILE_BYTES,
        }),
      );
    await mkdir(this.uploadDir, { recursive: true });
    // The name is the operator's file as it was dropped (Cyrillic, №, spaces, quotes): it is what
    // the providers receive. Only the path on disk is ours, random, so no name can reach outside.
    const keptName = name || 'file';
    const path = join(this.uploadDir, randomBytes(12).toString('hex'));
    let size = 0;
    await pipeline(async function* () {
      for await (const chunk of stream) {
        size += chunk.byteLength;
        if (size > MAX_FILE_BYTES)
          throw new OperatorError(
            sendError('too_large', 'The file is larger than any provider accepts.', {
              reason: 'file_too_big',
              field: 'file',
              limit: MAX_FILE_BYTES,
            }),
          );
        yield chunk;
      }
    }, createWriteStream(path)).catch(async (e: unknown) => {
      await rm(path, { force: true });
      throw e;
    });
    return this.register(path, keptName);
  }

  /** A handle issued before this start, from the history's state table. */
  private saved(id: string): LocalFile | undefined {
    const saved = this.store.getState(`file:${id}`);
    if (!saved) return undefined;
    const file = JSON.parse(saved) as LocalFile;
    this.files.set(id, file);
    return file;
  }

  get(id: string): LocalFile {
    const file = this.files.get(id) ?? this.saved(id);
    if (!file)
      throw new OperatorError(
        sendError('invalid', 'The attached file is no longer available; attach it again.', { reason: 'file_unknown', field: 'file' }),
      );
    return file;
  }

  /**
   * The handles among `ids` whose file is still on disk at the size it was attached with: what a
   * message from history can be opened with again. The send re-checks every file anyway.
   */
  async stillAvailable(ids: readonly string[]): Promise<FileHandle[]> {
    const found = await Promise.all(
      ids.map(async (id) => {
        const file = this.files.get(id) ?? this.saved(id);
        const info = file && (await stat(file.path).catch(() => undefined));
        return file && info?.isFile() && info.size === file.size ? handleOf(file) : undefined;
      }),
    );
    return found.filter((h): h is FileHandle => h !== undefined);
  }

  /**
   * A sent message's files for its detail: the handles still usable (`files`), and every file as it
   * was attached, named and sized even once gone from disk (`attachedFiles`). A handle this machine
   * never knew is left out of both.
   */
  async ofSend(ids: readonly string[]): Promise<{ files: FileHandle[]; attachedFiles: AttachedFile[] }> {
    const files = await this.stillAvailable(ids);
    const onDisk = new Set(files.map((h) => h.id));
    const attachedFiles = ids.flatMap((id) => {
      const file = this.files.get(id) ?? this.saved(id);
      return file ? [{ id, name: file.name, size: file.size, onDisk: onDisk.has(id) }] : [];
    });
    return { files, attachedFiles };
  }

  /**
   * The first of `files` whose bytes are no longer those attached (size, then SHA-256 by
   * streaming), as the operator's error naming the file: checked before any request of a send,
   * so a file edited since attaching reaches no provider. Adapters check again while streaming.
   */
  async changedSinceAttached(files: readonly { id: string; field: string }[]): Promise<SendError | undefined> {
    for (const { id, field } of files) {
      const file = this.get(id);
      const info = await stat(file.path).catch(() => undefined);
      const same = info?.isFile() === true && info.size === file.size && (await sha256Of(file.path).catch(() => '')) === file.sha256;
      if (!same) return fileChangedError(new FileChangedError(field, `${file.name} changed since it was attached.`, file.name));
    }
    return undefined;
  }

  forget(id: string): void {
    this.files.delete(id);
    this.store.setState(`file:${id}`, '');
  }
}
