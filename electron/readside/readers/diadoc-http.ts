import { OperatorError } from '../../../shared/operator-error.ts';
import { diadocAuthorization } from '../../providers/diadoc.ts';
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
