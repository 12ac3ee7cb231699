import { OperatorError, sendError } from '../../../shared/operator-error.ts';
import { diadocAuthorization } from '../../providers/diadoc.ts';
import { diadocBoxGuids, isBoxGuid, myOrganizationsUrl } from '../../providers/diadoc-box.ts';
import type { AdapterAccount, RateRule } from '../../providers/types.ts';
import type { ReaderContext } from '../reader.ts';

/** What every Diadoc read shares: its pace, its headers, the base URL and the account's own box. */
// §12.7: 429 is listed without numbers; ten a second per account is a pace no one reported refused.
export const rule = (account: AdapterAccount): RateRule[] => [{ key: `diadoc:${account.id}:read`, limit: 10, windowMs: 1000 }];

export function headers(ctx: ReaderContext): Record<string, string> {
  const auth = diadocAuthorization(ctx.account);
  if ('error' in auth) throw new OperatorError(auth.error);
  return { authorization: auth.header, accept: 'application/json' };
}
export const base = (ctx: ReaderContext) => ctx.account.baseUrl.replace(/\/$/, '');
export const myBox = (account: AdapterAccount) => (account.settings.provider === 'diadoc' ? (account.settings.fromBoxId ?? '') : '');

/**
 * The account's box as the read methods take it: its GUID (diadoc.md §12 intro), learnt once per
 * account from `GetMyOrganizations` when the account holds the older `…@diadoc.ru` form (§10).
 */
export async function myBoxGuid(ctx: ReaderContext): Promise<string> {
  const box = myBox(ctx.account).trim();
  const guid = await diadocBoxGuids.guid(ctx.account, box, async () => {
    const answer = await ctx.client.call(ctx.account, {
      method: 'GET',
      url: myOrganizationsUrl(ctx.account),
      headers: headers(ctx),
      rules: rule(ctx.account),
    });
    return answer.body;
  });
  if (guid) return guid;
  throw new OperatorError(
    sendError('forbidden', `The account’s box ${box} is not among the boxes GetMyOrganizations lists for this token.`, {
      reason: 'box_not_yours',
    }),
  );
}

/** Counterparty boxes in the older form, by account, as `GetOrganization` resolved them (or did not: then as held). */
const counterparties = new Map<string, string>();

/**
 * A counterparty's box as `counteragentBoxId` should carry it: its GUID (§12 intro). A box typed in
 * the older form is looked up once with `GET /GetOrganization?boxId=` (§12.1), whose `Boxes[]` name
 * both forms; where Diadoc does not know it, the id goes as held and the list says what it says.
 */
export async function counterpartyBoxGuid(ctx: ReaderContext, box: string): Promise<string> {
  const held = box.trim();
  if (!held || isBoxGuid(held)) return held;
  const key = `${ctx.account.id}|${ctx.account.baseUrl}|${held.toLowerCase()}`;
  const known = counterparties.get(key);
  if (known) return known;
  try {
    const guid = await diadocBoxGuids.guid(ctx.account, held, async () => {
      const answer = await ctx.client.call(ctx.account, {
        method: 'GET',
        url: `${base(ctx)}/GetOrganization?boxId=${encodeURIComponent(held)}`,
        headers: headers(ctx),
        rules: rule(ctx.account),
      });
      return { Organizations: [answer.body] };
    });
    counterparties.set(key, guid ?? held);
    return guid ?? held;
  } catch (e) {
    // Diadoc knows no such box: so it stays. Any other failure is asked about again next time.
    if (e instanceof OperatorError && e.error.kind === 'not_found') counterparties.set(key, held);
    return held;
  }
}
