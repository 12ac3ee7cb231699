import { randomUUID } from 'node:crypto';
import { header, mediaType, type ReceivedRequest, type SimResponse } from './server.ts';

/**
 * Diadoc's shelf as the simulator keeps it (diadoc.md §12.3): `POST /V2/ShelfUpload` for a small
 * file in one go, `POST /ShelfUploadPartInit` + `POST /ShelfUploadPart` for a file in parts,
 * `GET /V2/ShelfDownload` to read one back. The sheet's open limits are read strictly (§12.8 q2):
 * "512 KB" for the single upload (the older page, smaller than the newer 3 MB) and "3 MB" per part,
 * both as decimal bytes.
 */
export const shelfLimits = {
  /** §12.3: "≤ 3 MB ([SITE] http/ShelfUpload); the older page says 512 KB" — the smaller one. */
  singleUploadBytesMax: 512_000,
  /** §12.3: "part ≤ 3 MB". */
  partBytesMax: 3_000_000,
  /** §12.3: "file ≤ 400 MB". */
  fileBytesMax: 400_000_000,
  /** §12.3: "Kept 7 days". */
  keptMs: 7 * 24 * 3600_000,
} as const;

interface ShelfFile {
  owner: string;
  parts: Map<number, Buffer>;
  /** Index of the part that came with `isLastPart=true`, once one has. */
  lastIndex?: number;
  createdAt: number;
}

function text(status: number, body: string, code = status === 400 ? 'Http.BadRequest' : 'Http.Error'): SimResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'X-Diadoc-ErrorCode': code }, body };
}

function queryParam(req: ReceivedRequest, name: string): string | undefined {
  for (const [k, v] of req.query) if (k.toLowerCase() === name.toLowerCase()) return v;
  return undefined;
}

export class DiadocShelf {
  private readonly files = new Map<string, ShelfFile>();
  private readonly now: () => number;
  constructor(now: () => number) {
    this.now = now;
  }

  /** §12.3: "Body as application/octet-stream, or Content-Type: base64 (the server decodes it)". */
  private bodyOf(req: ReceivedRequest): Buffer | SimResponse {
    const type = mediaType(req);
    if (type === 'application/octet-stream') return req.body;
    if (type === 'base64') {
      const s = req.body.toString('latin1').replace(/\s+/g, '');
      if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) return text(400, 'The body is not valid base64');
      return Buffer.from(s, 'base64');
    }
    return text(400, `Content-Type must be application/octet-stream or base64, not ${header(req, 'content-type') ?? 'absent'}`);
  }

  private extensionOf(req: ReceivedRequest): string | SimResponse {
    const ext = queryParam(req, 'fileExtension') ?? '';
    // §12.3: `fileExtension` is "with dot, optional".
    if (ext && !/^\.[\p{L}\p{N}_-]{1,16}$/u.test(ext)) return text(400, `fileExtension must start with a dot: ${ext}`);
    return ext;
  }

  private lastPartFlag(req: ReceivedRequest): boolean | SimResponse {
    const v = queryParam(req, 'isLastPart');
    if (v === 'true') return true;
    if (v === 'false') return false;
    return text(400, 'isLastPart must be true or false');
  }

  private create(owner: string, ext: string): string {
    // §12.3: "The name can't be chosen"; example `dd-api-6831e2e9-…`.
    const name = `dd-api-${randomUUID()}${ext}`;
    this.files.set(name, { owner, parts: new Map(), createdAt: this.now() });
    return name;
  }

  private sizeOf(f: ShelfFile): number {
    let n = 0;
    for (const p of f.parts.values()) n += p.length;
    return n;
  }

  /** `POST /V2/ShelfUpload?fileExtension=`: the whole file, answered with its generated name. */
  upload(req: ReceivedRequest, owner: string): SimResponse {
    const ext = this.extensionOf(req);
    if (typeof ext !== 'string') return ext;
    const body = this.bodyOf(req);
    if (!Buffer.isBuffer(body)) return body;
    if (body.length > shelfLimits.singleUploadBytesMax)
      return text(400, `The file is larger than ${shelfLimits.singleUploadBytesMax} bytes; upload it in parts (ShelfUploadPartInit)`);
    const name = this.create(owner, ext);
    const f = this.files.get(name)!;
    f.parts.set(0, body);
    f.lastIndex = 0;
    return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: name };
  }

  /** `POST /ShelfUploadPartInit?fileExtension=&isLastPart=`: part 0, answered with the generated name. */
  partInit(req: ReceivedRequest, owner: string): SimResponse {
    const ext = this.extensionOf(req);
    if (typeof ext !== 'string') return ext;
    const last = this.lastPartFlag(req);
    if (typeof last !== 'boolean') return last;
    const body = this.bodyOf(req);
    if (!Buffer.isBuffer(body)) return body;
    if (body.length > shelfLimits.partBytesMax) return text(400, `A part is larger than ${shelfLimits.partBytesMax} bytes`);
    const name = this.create(owner, ext);
    const f = this.files.get(name)!;
    f.parts.set(0, body);
    if (last) f.lastIndex = 0;
    return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: name };
  }

  /**
   * `POST /ShelfUploadPart?fileName=&partIndex=&isLastPart=`: a further part. On the last part the
   * answer is the JSON list of the part indexes still missing (§12.3), empty when the file is whole.
   */
  part(req: ReceivedRequest, owner: string): SimResponse {
    const name = queryParam(req, 'fileName') ?? '';
    if (!name) return text(400, 'fileName is required');
    const f = this.live(name, owner);
    if (!f) return text(400, `There is no file ${name} on your shelf`);
    const rawIndex = queryParam(req, 'partIndex') ?? '';
    if (!/^[1-9]\d{0,5}$/.test(rawIndex)) return text(400, 'partIndex must be a whole number from 1');
    const index = Number(rawIndex);
    const last = this.lastPartFlag(req);
    if (typeof last !== 'boolean') return last;
    const body = this.bodyOf(req);
    if (!Buffer.isBuffer(body)) return body;
    if (body.length > shelfLimits.partBytesMax) return text(400, `A part is larger than ${shelfLimits.partBytesMax} bytes`);
    f.parts.set(index, body);
    if (this.sizeOf(f) > shelfLimits.fileBytesMax) {
      this.files.delete(name);
      return text(400, `The file is larger than ${shelfLimits.fileBytesMax} bytes`);
    }
    if (last) f.lastIndex = index;
    if (f.lastIndex === undefined) return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '' };
    return { status: 200, body: this.missing(f) };
  }

  /** `GET /V2/ShelfDownload?fileName=`: the bytes, or 404. */
  download(req: ReceivedRequest, owner: string): SimResponse {
    const bytes = this.read(queryParam(req, 'fileName') ?? '', owner);
    if (!bytes) return text(404, 'There is no such file on your shelf', 'Http.NotFound');
    return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: bytes };
  }

  private missing(f: ShelfFile): number[] {
    const out: number[] = [];
    for (let i = 0; i <= (f.lastIndex ?? -1); i++) if (!f.parts.has(i)) out.push(i);
    return out;
  }

  private live(name: string, owner: string): ShelfFile | undefined {
    const f = this.files.get(name);
    if (!f || f.owner !== owner) return undefined;
    if (this.now() - f.createdAt > shelfLimits.keptMs) {
      this.files.delete(name);
      return undefined;
    }
    return f;
  }

  /** A whole file of the caller's shelf (§12.3: PostMessage reads names as the caller's own), or undefined. */
  read(name: string, owner: string): Buffer | undefined {
    const f = this.live(name, owner);
    if (!f || f.lastIndex === undefined || this.missing(f).length) return undefined;
    return Buffer.concat([...f.parts.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b));
  }
}
