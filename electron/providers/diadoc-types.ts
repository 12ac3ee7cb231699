import { z } from 'zod';
import { diadocBuiltinTypes, type DiadocMetadataSpec, type DiadocTypeInfo } from '../../shared/messages/diadoc.ts';
import type { DiadocTypesReply } from '../../shared/messages/diadoc-types.ts';
import { diadocBoxGuids, myOrganizationsUrl } from './diadoc-box.ts';
import { httpExchange, parseJson, type HttpFetch } from './http.ts';
import type { AdapterAccount } from './types.ts';

/**
 * The document types of a Diadoc box, from `GET /V3/GetDocumentTypes?boxId=` (diadoc.md §12.2: "the
 * answer can be cached"). Kept per account and box in the main process until the operator asks for a
 * refresh; when the box cannot be asked, the built-in table stands in and the reply says so.
 */

const metadataItemSchema = z.object({
  Id: z.string(),
  Type: z.union([z.number(), z.string()]),
  IsRequired: z.boolean().optional(),
  Source: z.union([z.number(), z.string()]),
});
const titleSchema = z.object({ Index: z.number().optional(), MetadataItems: z.array(metadataItemSchema).optional() });
const versionSchema = z.object({ Version: z.string(), IsActual: z.boolean().optional(), Titles: z.array(titleSchema).optional() });
const functionSchema = z.object({ Name: z.string(), Versions: z.array(versionSchema).optional() });
const typeSchema = z.object({ Name: z.string(), Title: z.string().optional(), Functions: z.array(functionSchema).optional() });
/** `GetDocumentTypesResponseV3` ([SPEC] `Documents/Types/DocumentTypeDescriptionV3.proto`), the fields the app reads. */
export const documentTypesResponseSchema = z.object({ DocumentTypes: z.array(typeSchema) });

const itemTypes = ['string', 'integer', 'decimal', 'date', 'time'] as const;

function itemType(t: number | string): DiadocMetadataSpec['type'] {
  if (typeof t === 'number') return itemTypes[t] ?? 'string';
  const lower = t.toLowerCase();
  return itemTypes.find((x) => x === lower) ?? 'string';
}

/** §12.2: Source 0 = read from the content, 1 = passed in the API call (names accepted as well as numbers). */
function itemSource(s: number | string): DiadocMetadataSpec['source'] {
  return s === 1 || (typeof s === 'string' && /^(1|user)$/i.test(s)) ? 'user' : 'content';
}

/** One type as the app keeps it: the sender's title (index 0) of each function's actual version, merged by id. */
function typeInfo(t: z.infer<typeof typeSchema>): DiadocTypeInfo {
  const metadata = new Map<string, DiadocMetadataSpec>();
  for (const f of t.Functions ?? []) {
    const versions = f.Versions ?? [];
    const version = versions.find((v) => v.IsActual) ?? versions[0];
    const title = version?.Titles?.find((x) => (x.Index ?? 0) === 0);
    for (const m of title?.MetadataItems ?? [])
      if (!metadata.has(m.Id))
        metadata.set(m.Id, { id: m.Id, type: itemType(m.Type), required: m.IsRequired === true, source: itemSource(m.Source) });
  }
  return {
    typeNamedId: t.Name,
    title: t.Title ?? t.Name,
    functions: (t.Functions ?? []).map((f) => f.Name),
    metadata: [...metadata.values()],
  };
}

export function readDocumentTypes(text: string): DiadocTypeInfo[] | undefined {
  const parsed = documentTypesResponseSchema.safeParse(parseJson(text));
  return parsed.success ? parsed.data.DocumentTypes.map(typeInfo) : undefined;
}

interface Entry {
  types: DiadocTypeInfo[];
  fetchedAt: number;
}

export class DiadocTypeBook {
  private readonly entries = new Map<string, Entry>();

  private key(account: AdapterAccount, boxId: string): string {
    return `${account.id}|${account.baseUrl}|${boxId.trim().toLowerCase()}`;
  }

  /** The box's types if they were fetched, else the built-in table: what a synchronous check can use. */
  known(account: AdapterAccount, boxId: string): readonly DiadocTypeInfo[] {
    return this.entries.get(this.key(account, boxId))?.types ?? diadocBuiltinTypes;
  }

  /** The cached list, fetched first when there is none or `refresh` asks; the built-in table when the box cannot be asked. */
  async get(
    account: AdapterAccount,
    boxId: string,
    opts: {
      authorization: string;
      secrets: readonly string[];
      timeoutMs: number;
      now: number;
      refresh?: boolean;
      signal?: AbortSignal;
      fetch?: HttpFetch | undefined;
    },
  ): Promise<DiadocTypesReply> {
    const key = this.key(account, boxId);
    const cached = this.entries.get(key);
    if (cached && !opts.refresh) return { types: cached.types, source: 'box', fetchedAt: cached.fetchedAt };
    if (!boxId.trim()) return { types: [...diadocBuiltinTypes], source: 'builtin' };
    const exchange = (url: string) =>
      httpExchange(
        { method: 'GET', url, headers: { authorization: opts.authorization, accept: 'application/json' } },
        { secrets: opts.secrets, timeoutMs: opts.timeoutMs, fetch: opts.fetch, ...(opts.signal ? { signal: opts.signal } : {}) },
      );
    // §12.2's boxId is the GUID (§12 intro). When it cannot be learnt, the id as held is asked for,
    // and a refusal of it leaves the built-in table standing in, as any refusal does.
    const guid = await diadocBoxGuids
      .guid(account, boxId, async () => {
        const out = await exchange(myOrganizationsUrl(account));
        return out.ok && out.status === 200 ? parseJson(out.text) : undefined;
      })
      .catch(() => undefined);
    const out = await exchange(
      `${account.baseUrl.replace(/\/+$/, '')}/V3/GetDocumentTypes?boxId=${encodeURIComponent(guid ?? boxId.trim())}`,
    );
    const types = out.ok && out.status === 200 ? readDocumentTypes(out.text) : undefined;
    if (!types) {
      if (cached) return { types: cached.types, source: 'box', fetchedAt: cached.fetchedAt };
      return { types: [...diadocBuiltinTypes], source: 'builtin' };
    }
    this.entries.set(key, { types, fetchedAt: opts.now });
    return { types, source: 'box', fetchedAt: opts.now };
  }

  forget(accountId: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(`${accountId}|`)) this.entries.delete(k);
  }
}

/** One book for the main process: the adapter reads it, the host's `diadoc.documentTypes` channel fills it. */
export const diadocTypeBook = new DiadocTypeBook();

/** The host's `diadoc.documentTypes`: the account's box (or the one named), from the cache unless `refresh`. */
export async function documentTypesFor(
  account: AdapterAccount,
  boxId: string | undefined,
  opts: { authorization: string | undefined; refresh: boolean; now: number; fetch?: HttpFetch | undefined },
): Promise<DiadocTypesReply> {
  const box = boxId?.trim() || (account.settings.provider === 'diadoc' ? (account.settings.fromBoxId?.trim() ?? '') : '');
  if (!opts.authorization) return { types: [...diadocBuiltinTypes], source: 'builtin' };
  const secrets = [account.secrets.token ?? '', account.secrets.clientId ?? ''].filter(Boolean);
  return diadocTypeBook.get(account, box, {
    authorization: opts.authorization,
    secrets,
    timeoutMs: 15_000,
    now: opts.now,
    refresh: opts.refresh,
  });
}
