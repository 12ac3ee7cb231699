import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OperatorError, sendError } from '../../shared/operator-error.ts';
import type { LocalFile } from '../providers/types.ts';

/**
 * Files on disk for adapter tests, registered the way the file registry would: an id, a path,
 * a size and a SHA-256. `get` refuses an unknown id as the registry does.
 */
export class TempFiles {
  readonly dir: string;
  private readonly files = new Map<string, LocalFile>();

  constructor(prefix: string) {
    this.dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  }

  private keep(file: LocalFile): LocalFile {
    this.files.set(file.id, file);
    return file;
  }

  add(name: string, content: Buffer | string, type = 'application/octet-stream'): LocalFile {
    const bytes = Buffer.from(content);
    const path = join(this.dir, `${randomUUID()}-${name}`);
    writeFileSync(path, bytes);
    return this.keep({
      id: `f_${randomBytes(9).toString('base64url')}`,
      path,
      name,
      size: bytes.length,
      type,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
  }

  /** A file of `size` zero bytes that takes no disk space: for size limits without writing them. */
  addSparse(name: string, size: number, type = 'application/pdf'): LocalFile {
    const path = join(this.dir, `${randomUUID()}-${name}`);
    writeFileSync(path, '');
    truncateSync(path, size);
    return this.keep({ id: `f_${randomBytes(9).toString('base64url')}`, path, name, size, type, sha256: 'sparse' });
  }

  get = (id: string): LocalFile => {
    const f = this.files.get(id);
    if (!f)
      throw new OperatorError(
        sendError('invalid', 'The attached file is no longer available; attach it again.', { reason: 'file_unknown', field: 'file' }),
      );
    return f;
  };

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
