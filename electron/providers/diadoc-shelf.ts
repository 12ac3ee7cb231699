import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { z } from 'zod';
import type { SendError } from '../../shared/errors.ts';
import type { Exchange } from '../../shared/sends.ts';
import { excerpt, httpExchange, parseJson, type HttpFetch, type HttpOutcome } from './http.ts';
import type { AdapterJournal, LocalFile } from './types.ts';

/**
 * Large Diadoc documents go to the caller's shelf before PostMessage names them in
 * `SignedContent.NameOnShelf` (diadoc.md §12.3): `POST /ShelfUploadPartInit` with part 0 answers the
 * generated name, `POST /ShelfUploadPart` sends parts 1, 2, …, and the last part's answer lists the
 * parts still missing, which are sent again (up to three rounds, as the SDK does).
 *
 * Parts are 2 MiB: below the "3 MB" part limit however it is read (§12.8 q2). Every part that
 * Diadoc acknowledged is written to the send's journal (the history database) before the next one
 * leaves, so a host killed between parts resumes with the first unacknowledged part; a re-sent part
 * only overwrites itself. A shelf upload creates no message, so any failure in it is safe to repeat.
 * Names are kept 7 days (§12.3); a journal entry older than 6 days is started over.
 */
export const SHELF_PART_BYTES = 2 * 1024 * 1024;
const SHELF_KEPT_MS = 6 * 24 * 3600_000;
const MISSING_ROUNDS = 3;
const UPLOAD_FLOOR_BYTES_PER_S = 256 * 1024;

const progressSchema = z.object({
  name: z.string().min(1).max(300),
  partBytes: z.number().int().positive(),
  parts: z.array(z.number().int().nonnegative()),
  complete: z.boolean(),
  startedAt: z.number(),
});
type ShelfProgress = z.infer<typeof progressSchema>;

export type ShelfOutcome =
  | { ok: true; name: string; exchanges: Exchange[] }
  | { ok: false; exchanges: Exchange[]; error: SendError; retryable: boolean; retryAt?: number };

export interface ShelfRequestContext {
  baseUrl: string;
  authorization: string;
  secrets: readonly string[];
  timeoutMs: number;
  signal?: AbortSignal;
  now(): number;
  journal: AdapterJournal;
  /** Scopes the journal to one send's operation. */
  operationId: string;
  onBytes?(n: number): void;
  fetch?: HttpFetch | undefined;
}

export function shelfJournalKey(operationId: string, file: LocalFile): string {
  return `diadoc-shelf:${operationId}:${file.id}:${file.sha256}:${file.size}`;
}

function readProgress(journal: AdapterJournal, key: string, now: number): ShelfProgress | undefined {
  const raw = journal.get(key);
  const parsed = raw === undefined ? undefined : progressSchema.safeParse(parseJson(raw));
  if (!parsed?.success || parsed.data.partBytes !== SHELF_PART_BYTES) return undefined;
  return now - parsed.data.startedAt > SHELF_KEPT_MS ? undefined : parsed.data;
}

async function readPart(file: LocalFile, index: number): Promise<Buffer> {
  const start = index * SHELF_PART_BYTES;
  const length = Math.min(SHELF_PART_BYTES, file.size - start);
  const handle = await open(file.path, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buf, 0, length, start);
    if (bytesRead !== length) throw new Error(`${file.name} is shorter than when it was attached`);
    return buf;
  } finally {
    await handle.close();
  }
}

function failure(out: HttpOutcome, secrets: readonly string[], now: number): Extract<ShelfOutcome, { ok: false }> {
  if (!out.ok) {
    // The same vocabulary as every send: a cause on this machine that waiting will not mend (DNS, TLS,
    // a header value) is final; a refused connection or a lost one is repeated, as a part only overwrites itself.
    const final = out.reached === 'not_reached' && out.local !== 'connect';
    return {
      ok: false,
      retryable: !final,
      ...(final ? {} : { retryAt: now + (out.reached === 'not_reached' ? 2_000 : 10_000) }),
      exchanges: [out.exchange],
      error: final
        ? out.error
        : { ...out.error, kind: 'network', message: `Uploading a document to the Diadoc shelf failed: ${out.error.message}` },
    };
  }
  const words = out.text ? excerpt(out.text, secrets) : undefined;
  // 429 and 5xx are passing; 400/401/403 will not change by repeating (§12.3: codes 200, 400, 401, 403, 405, 429, 500).
  const passing = out.status === 429 || out.status >= 500;
  return {
    ok: false,
    retryable: passing,
    ...(passing ? { retryAt: now + 30_000 } : {}),
    exchanges: [out.exchange],
    error: {
      kind: out.status === 401 ? 'unauthorized' : out.status === 403 ? 'forbidden' : passing ? 'provider_error' : 'invalid',
      reason: out.status === 429 ? 'too_fast' : 'shelf_refused',
      message: `Diadoc refused a part of a large document on its shelf (${out.status}); the message was not posted.`,
      providerStatus: out.status,
      ...(out.headers.get('x-diadoc-errorcode') ? { providerCode: out.headers.get('x-diadoc-errorcode')! } : {}),
      ...(words ? { providerText: words } : {}),
    },
  };
}

/** Puts one file on the shelf, or finishes putting it there, and answers its shelf name. */
export async function uploadToShelf(file: LocalFile, ctx: ShelfRequestContext, field: string): Promise<ShelfOutcome> {
  const key = shelfJournalKey(ctx.operationId, file);
  const exchanges: Exchange[] = [];
  const count = Math.max(1, Math.ceil(file.size / SHELF_PART_BYTES));
  let progress = readProgress(ctx.journal, key, ctx.now());
  if (progress?.complete) return { ok: true, name: progress.name, exchanges };
  const base = ctx.baseUrl.replace(/\/+$/, '');
  const ext = extname(file.name);
  const extension = /^\.[\p{L}\p{N}_-]{1,16}$/u.test(ext) ? ext : '';

  const post = async (url: string, index: number): Promise<{ file: string } | { out: HttpOutcome }> => {
    let part: Buffer;
    try {
      part = await readPart(file, index);
    } catch (e) {
      return { file: (e as Error).message };
    }
    const out = await httpExchange(
      {
        method: 'POST',
        url,
        headers: { authorization: ctx.authorization, 'content-type': 'application/octet-stream' },
        body: part,
        bodyForHistory: `‹${file.name}, part ${index + 1} of ${count}, ${part.length} bytes›`,
      },
      {
        secrets: ctx.secrets,
        fetch: ctx.fetch,
        timeoutMs: ctx.timeoutMs + Math.round((part.length / UPLOAD_FLOOR_BYTES_PER_S) * 1000),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      },
    );
    exchanges.push(out.exchange);
    if (out.ok && out.status === 200) ctx.onBytes?.(part.length);
    return { out };
  };
  const fileGone = (message: string): ShelfOutcome => ({
    ok: false,
    retryable: false,
    exchanges,
    error: { kind: 'invalid', reason: 'file_changed', field, message: `${message}; attach it again.` },
  });
  const save = (p: ShelfProgress) => {
    progress = p;
    ctx.journal.set(key, JSON.stringify(p));
  };

  if (!progress) {
    const q = new URLSearchParams({ ...(extension ? { fileExtension: extension } : {}), isLastPart: String(count === 1) });
    const r = await post(`${base}/ShelfUploadPartInit?${q}`, 0);
    if ('file' in r) return fileGone(r.file);
    if (!r.out.ok || r.out.status !== 200) return { ...failure(r.out, ctx.secrets, ctx.now()), exchanges };
    const name = r.out.text.trim();
    if (!name || name.length > 300) return { ...failure({ ...r.out, status: 502 }, ctx.secrets, ctx.now()), exchanges };
    save({ name, partBytes: SHELF_PART_BYTES, parts: [0], complete: count === 1, startedAt: ctx.now() });
    if (count === 1) return { ok: true, name, exchanges };
  }
  const current = progress!;
  const sendPart = async (index: number, last: boolean): Promise<ShelfOutcome | number[] | undefined> => {
    const q = new URLSearchParams({ fileName: current.name, partIndex: String(index), isLastPart: String(last) });
    const r = await post(`${base}/ShelfUploadPart?${q}`, index);
    if ('file' in r) return fileGone(r.file);
    if (!r.out.ok || r.out.status !== 200) return { ...failure(r.out, ctx.secrets, ctx.now()), exchanges };
    save({ ...progress!, parts: [...new Set([...progress!.parts, index])].sort((a, b) => a - b) });
    if (!last) return undefined;
    const missing = z.array(z.number().int().nonnegative()).safeParse(parseJson(r.out.text));
    return missing.success ? missing.data : [];
  };

  for (let i = 1; i < count - 1; i++) {
    if (progress!.parts.includes(i)) continue;
    const r = await sendPart(i, false);
    if (r && !Array.isArray(r)) return r;
  }
  for (let round = 0; round < MISSING_ROUNDS; round++) {
    const answer = await sendPart(count - 1, true);
    if (answer && !Array.isArray(answer)) return answer;
    const missing = (answer ?? []).filter((i) => i < count - 1);
    if (!missing.length) {
      save({ ...progress!, complete: true });
      return { ok: true, name: current.name, exchanges };
    }
    for (const i of missing) {
      const r = i === 0 ? undefined : await sendPart(i, false);
      if (r && !Array.isArray(r)) return r;
      if (i === 0) {
        // Part 0 made the name; if Diadoc lost it the file must start over.
        ctx.journal.set(key, '');
        return uploadToShelf(file, ctx, field);
      }
    }
  }
  return {
    ok: false,
    retryable: true,
    retryAt: ctx.now() + 30_000,
    exchanges,
    error: {
      kind: 'provider_error',
      reason: 'shelf_incomplete',
      message: `Diadoc still misses parts of ${file.name} on its shelf after ${MISSING_ROUNDS} rounds; trying again later.`,
    },
  };
}
