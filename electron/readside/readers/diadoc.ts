import { z } from 'zod';
import { OperatorError } from '../../../shared/operator-error.ts';
import type { OutgoingMessage } from '../../../shared/messages/index.ts';
import { diadocAuthorization } from '../../providers/diadoc.ts';
import type { AdapterAccount, RateRule } from '../../providers/types.ts';
import type { DirectoryEntry } from '../directory-store.ts';
import type { ProviderReader, ReaderContext } from '../reader.ts';

/**
 * Diadoc's counterparties (diadoc.md §12.1): `GET /V3/GetCounteragents` for the directory (≤ 100
 * a page, the next page after the last item's `IndexKey`), `GET /GetOrganizationsByInnKpp` for an
 * organisation typed by INN that is no counterparty yet. Boxes are addressed in their GUID form
 * (§12 intro). A lost send is settled by repeating it with the same operationId (§12.5), which the
 * outbox's send-again does; there is nothing to read for it here.
 */
const org = z.object({
  Inn: z.string().nullish(),
  Kpp: z.string().nullish(),
  FullName: z.string().nullish(),
  ShortName: z.string().nullish(),
  Boxes: z.array(z.object({ BoxId: z.string().nullish(), BoxIdGuid: z.string().nullish(), Title: z.string().nullish() })).nullish(),
});
const counteragents = z.object({
  TotalCount: z.number().optional(),
  Counteragents: z.array(
    z.object({ IndexKey: z.string(), Organization: org, CurrentStatus: z.union([z.string(), z.number()]).optional() }),
  ),
});
const organizations = z.object({ Organizations: z.array(org).nullish() });

// §12.7: 429 is listed without numbers; ten a second per account is a pace no one reported refused.
const rule = (account: AdapterAccount): RateRule[] => [{ key: `diadoc:${account.id}:read`, limit: 10, windowMs: 1000 }];
const PAGE = 100;

function headers(ctx: ReaderContext): Record<string, string> {
  const auth = diadocAuthorization(ctx.account);
  if ('error' in auth) throw new OperatorError(auth.error);
  return { authorization: auth.header, accept: 'application/json' };
}
const base = (ctx: ReaderContext) => ctx.account.baseUrl.replace(/\/$/, '');
const myBox = (account: AdapterAccount) => (account.settings.provider === 'diadoc' ? (account.settings.fromBoxId ?? '') : '');

function entries(o: z.infer<typeof org>, kind: 'counterparty' | 'organization'): DirectoryEntry[] {
  return (o.Boxes ?? []).flatMap((b) => {
    const target = b.BoxIdGuid || b.BoxId;
    if (!target) return [];
    return [
      {
        kind,
        target,
        name: o.ShortName || o.FullName || b.Title || target,
        detail: [o.Inn, o.Kpp].filter(Boolean).join(' / '),
        label: target,
      },
    ];
  });
}

export const diadocReader: ProviderReader = {
  supports: (account) => myBox(account) !== '',
  readAfterWriteMs: 0,
  targetOf: (m: OutgoingMessage) => (m.provider === 'diadoc' ? m.toBoxId.trim() : ''),
  async *directory(ctx) {
    let after: string | undefined;
    for (;;) {
      const url = `${base(ctx)}/V3/GetCounteragents?myBoxId=${encodeURIComponent(myBox(ctx.account))}&pageSize=${PAGE}${after ? `&afterIndexKey=${encodeURIComponent(after)}` : ''}`;
      const page = counteragents.parse(
        (await ctx.client.call(ctx.account, { method: 'GET', url, headers: headers(ctx), rules: rule(ctx.account) })).body,
      );
      yield page.Counteragents.flatMap((c) => entries(c.Organization, 'counterparty'));
      if (page.Counteragents.length < PAGE) return;
      after = page.Counteragents.at(-1)!.IndexKey;
    }
  },
  async lookup(ctx, text) {
    const m = /^\s*(\d{10}|\d{12})(?:\s*[/ ]\s*(\d{9}))?\s*$/.exec(text);
    if (!m) return [];
    const url = `${base(ctx)}/GetOrganizationsByInnKpp?inn=${m[1]}${m[2] ? `&kpp=${m[2]}` : ''}`;
    const r = organizations.parse(
      (await ctx.client.call(ctx.account, { method: 'GET', url, headers: headers(ctx), rules: rule(ctx.account) })).body,
    );
    return (r.Organizations ?? []).flatMap((o) => entries(o, 'organization'));
  },
};
