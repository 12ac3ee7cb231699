import { z } from 'zod';
import type { OutgoingMessage } from '../../../shared/messages/index.ts';
import type { DirectoryEntry } from '../directory-store.ts';
import type { ProviderReader } from '../reader.ts';
import { diadocConversation, diadocEvidence } from './diadoc-documents.ts';
import { base, headers, myBox, myBoxGuid, rule } from './diadoc-http.ts';

/**
 * Diadoc's counterparties (diadoc.md §12.1): `GET /V3/GetCounteragents` for the directory (≤ 100
 * a page, the next page after the last item's `IndexKey`), `GET /GetOrganizationsByInnKpp` for an
 * organisation typed by INN that is no counterparty yet. Boxes are addressed in their GUID form
 * (§12 intro). The documents exchanged with a counterparty and the settling of a lost send are in
 * diadoc-documents.ts.
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

const PAGE = 100;

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
  // §8: PostMessage's success guarantees the message in the sender's own box, where GetDocuments
  // looks; no figure is published for the lists, so a minute before "not found" is said.
  readAfterWriteMs: 60_000,
  conversation: diadocConversation,
  evidence: diadocEvidence,
  targetOf: (m: OutgoingMessage) => (m.provider === 'diadoc' ? m.toBoxId.trim() : ''),
  async *directory(ctx) {
    const box = await myBoxGuid(ctx);
    let after: string | undefined;
    for (;;) {
      const url = `${base(ctx)}/V3/GetCounteragents?myBoxId=${encodeURIComponent(box)}&pageSize=${PAGE}${after ? `&afterIndexKey=${encodeURIComponent(after)}` : ''}`;
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
