import { z } from 'zod';
import type { AdapterAccount } from './types.ts';

/**
 * A Diadoc box id in the form the read methods take. diadoc.md §12: GetCounteragents V3,
 * GetMessage V6, GetDocumentTypes (and the other read methods) take `boxId` / `myBoxId` "в формате
 * GUID", and proto/Box.rst names `BoxIdGuid` as the value for query parameters; an account may hold
 * the older `<32 hex>@diadoc.ru` form (§10). The sheet gives no rule to compute one from the other,
 * so the GUID is read where Diadoc states it: `GetMyOrganizations` lists each own box as
 * `Boxes[]{BoxId, BoxIdGuid, …}` (§12.1). PostMessage keeps the id the account holds.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isBoxGuid = (boxId: string): boolean => GUID.test(boxId.trim());

const organizationList = z.object({
  Organizations: z
    .array(z.object({ Boxes: z.array(z.object({ BoxId: z.string().nullish(), BoxIdGuid: z.string().nullish() })).nullish() }))
    .nullish(),
});

/** The GUID of `boxId` in a `GetMyOrganizations` answer (either form may be what the account holds); undefined when the token has no such box. */
export function boxGuidIn(answer: unknown, boxId: string): string | undefined {
  const parsed = organizationList.safeParse(answer);
  if (!parsed.success) return undefined;
  const wanted = boxId.trim().toLowerCase();
  for (const org of parsed.data.Organizations ?? [])
    for (const box of org.Boxes ?? []) {
      const guid = box.BoxIdGuid?.trim();
      if (!guid || !isBoxGuid(guid)) continue;
      if (box.BoxId?.trim().toLowerCase() === wanted || guid.toLowerCase() === wanted) return guid.toLowerCase();
    }
  return undefined;
}

/** Where a box's own list is asked: `GET /GetMyOrganizations` without registering anyone (§12.1: `autoRegister` defaults to true). */
export const myOrganizationsUrl = (account: AdapterAccount): string =>
  `${account.baseUrl.replace(/\/+$/, '')}/GetMyOrganizations?autoRegister=false`;

/** The GUIDs learnt, per account (and its address and box, so an edited account asks again). */
class BoxGuidBook {
  private readonly guids = new Map<string, string>();
  /** One question at a time per box: a conversation's two lists start together. */
  private readonly asking = new Map<string, Promise<string | undefined>>();

  private key(account: AdapterAccount, boxId: string): string {
    return `${account.id}|${account.baseUrl}|${boxId.trim().toLowerCase()}`;
  }

  /**
   * The GUID form of `boxId`: itself when it is one, else the cached answer, else what `ask` (a
   * `GetMyOrganizations` answer's body) says. Undefined when the token lists no such box; `ask`'s
   * own failure is the caller's to report, and nothing is kept of it.
   */
  async guid(account: AdapterAccount, boxId: string, ask: () => Promise<unknown>): Promise<string | undefined> {
    const box = boxId.trim();
    if (!box) return undefined;
    if (isBoxGuid(box)) return box.toLowerCase();
    const key = this.key(account, box);
    const known = this.guids.get(key);
    if (known) return known;
    let pending = this.asking.get(key);
    if (!pending) {
      pending = ask()
        .then((answer) => {
          const guid = boxGuidIn(answer, box);
          if (guid) this.guids.set(key, guid);
          return guid;
        })
        .finally(() => this.asking.delete(key));
      this.asking.set(key, pending);
    }
    return pending;
  }

  /** What a connection check already read: every box of the answer, so the first read asks nothing. */
  learn(account: AdapterAccount, boxId: string, answer: unknown): void {
    const box = boxId.trim();
    const guid = box && !isBoxGuid(box) ? boxGuidIn(answer, box) : undefined;
    if (guid) this.guids.set(this.key(account, box), guid);
  }

  forget(accountId: string): void {
    for (const k of this.guids.keys()) if (k.startsWith(`${accountId}|`)) this.guids.delete(k);
  }
}

/** One book for the main process: the read side and the document-type book share it. */
export const diadocBoxGuids = new BoxGuidBook();
