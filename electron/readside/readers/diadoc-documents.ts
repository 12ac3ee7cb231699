import { z } from 'zod';
import type { ConversationItem } from '../../../shared/recipients.ts';
import { metadataFileName } from '../../../shared/messages/diadoc.ts';
import type { Attempt } from '../../../shared/sends.ts';
import { SKEW_MS, type ReaderContext, type SendToMatch, type Verdict } from '../reader.ts';
import { base, counterpartyBoxGuid, headers, myBoxGuid, rule } from './diadoc-http.ts';

/**
 * The documents exchanged with a Diadoc counterparty (diadoc.md §12.4) and the settling of a
 * PostMessage whose outcome is unknown (§12.5).
 *
 * Conversation: `GET /V3/GetDocuments` twice, `Any.Inbound` and `Any.Outbound` with
 * `counteragentBoxId`, newest first (`sortDirection=Descending`), one page each; every document
 * with its title, file name, time and `DocflowStatus.PrimaryStatus` (the status the quick start
 * reads), ours being the outbound ones.
 *
 * Settling, in the order the sheet ranks them (§12.5):
 * 1. "Best: repeat the call with the same operationId" (§4: a repeat of an id that once succeeded
 *    returns that first `Message`). A repeat of an operation that never reached Diadoc would create
 *    the message now, though, which is a send the operator did not ask for. So the repeat is made
 *    only for an operation Diadoc acknowledged: it answered 204 ("still running; repeat the same call
 *    with the same operationId", §4), a 409 "in progress" or a 200 whose body could not be read. Then
 *    the repeat is the poll §4 prescribes and its 200 is the evidence (the MessageId, with the time
 *    GetMessage V6 gives). 204 again: still running, look again after Retry-After.
 * 2. Otherwise the read-only look: GetDocuments `Any.Outbound` for the counterparty since the send
 *    began, a message whose documents match ours (type, CustomDocumentId, FileName).
 * 3. No operationId recorded: the operation cannot be named, so neither look can tell and the
 *    operator decides.
 * Open question §12.8.4 (how long an operationId is remembered) is read cautiously: no repeat more
 * than a day after Diadoc last acknowledged the operation; the list decides then.
 */

const ticks = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
const TICKS_AT_EPOCH = 621_355_968_000_000_000;
const msOfTicks = (t: number) => Math.round((t - TICKS_AT_EPOCH) / 10_000);
const ticksOfMs = (ms: number) => TICKS_AT_EPOCH + Math.round(ms) * 10_000;

const status = z.object({ Severity: z.string().nullish(), StatusText: z.string().nullish() });
const document = z.object({
  IndexKey: z.string().nullish(),
  MessageId: z.string(),
  EntityId: z.string(),
  SendTimestampTicks: ticks.nullish(),
  CreationTimestampTicks: ticks,
  DocumentDirection: z.union([z.string(), z.number()]).nullish(),
  TypeNamedId: z.string().nullish(),
  Title: z.string().nullish(),
  FileName: z.string().nullish(),
  CustomDocumentId: z.string().nullish(),
  Metadata: z.array(z.object({ Key: z.string(), Value: z.string() })).nullish(),
  DocflowStatus: z.object({ PrimaryStatus: status.nullish() }).nullish(),
  IsDeleted: z.boolean().nullish(),
});
type ListedDocument = z.infer<typeof document>;
const documentList = z.object({
  TotalCount: z.number().nullish(),
  Documents: z.array(document).nullish(),
  HasMoreResults: z.boolean().nullish(),
});
const message = z.object({ MessageId: z.string(), TimestampTicks: ticks });

/** The last documents each way in the pane. */
const LAST = 30;
/** Pages the read-only look reads at most (100 documents each) before it says "not found". */
const LOOK_PAGES = 10;
/** §12.8.4 is open: a repeat only within a day of Diadoc's last word on the operation. */
const OPERATION_REMEMBERED_MS = 24 * 3_600_000;

const sendAt = (d: ListedDocument) => msOfTicks(d.SendTimestampTicks ?? d.CreationTimestampTicks);

async function listDocuments(ctx: ReaderContext, query: Record<string, string>): Promise<z.infer<typeof documentList>> {
  const params = new URLSearchParams({ boxId: await myBoxGuid(ctx), ...query });
  const answer = await ctx.client.call(ctx.account, {
    method: 'GET',
    url: `${base(ctx)}/V3/GetDocuments?${params.toString()}`,
    headers: headers(ctx),
    rules: rule(ctx.account),
  });
  return documentList.parse(answer.body);
}

const severities = { info: 'info', success: 'success', warning: 'warning', error: 'error' } as const;

export async function diadocConversation(ctx: ReaderContext, target: string): Promise<ConversationItem[]> {
  const counteragentBoxId = await counterpartyBoxGuid(ctx, target);
  const each = (category: 'Any.Inbound' | 'Any.Outbound') =>
    listDocuments(ctx, { filterCategory: category, counteragentBoxId, sortDirection: 'Descending', count: String(LAST) });
  const [inbound, outbound] = await Promise.all([each('Any.Inbound'), each('Any.Outbound')]);
  const name = ctx.nameOf(target) ?? target;
  const items = [...(inbound.Documents ?? []).map((d) => ({ d, own: false })), ...(outbound.Documents ?? []).map((d) => ({ d, own: true }))]
    .filter(({ d }) => !d.IsDeleted)
    .map(({ d, own }): ConversationItem => {
      const primary = d.DocflowStatus?.PrimaryStatus;
      const severity = severities[(primary?.Severity ?? '').toLowerCase() as keyof typeof severities];
      return {
        id: `${d.MessageId}:${d.EntityId}`.slice(0, 100),
        at: sendAt(d),
        author: own ? '' : name,
        own,
        text: [d.Title || d.TypeNamedId || '', d.CustomDocumentId ? `№ ${d.CustomDocumentId}` : ''].filter(Boolean).join(' · '),
        files: d.FileName ? [d.FileName] : [],
        ...(primary?.StatusText ? { status: { text: primary.StatusText.slice(0, 300), severity: severity ?? 'info' } } : {}),
      };
    })
    .sort((a, b) => a.at - b.at);
  return items.slice(-LAST);
}

/** The time Diadoc last said it holds the operation: a 204, a 409 "in progress" or a 200 (even one we could not read). */
function acknowledgedAt(attempts: readonly Attempt[]): number | undefined {
  let at: number | undefined;
  for (const a of attempts)
    for (const ex of a.exchanges) {
      if (!/\/V3\/PostMessage\b/.test(ex.url)) continue;
      const took = ex.status === 200 || ex.status === 204 || (ex.status === 409 && /in progress/i.test(ex.responseBody ?? ''));
      // The attempt's own times are on the app's clock, as `send.now` is (an exchange's are the wall clock's).
      if (took) at = Math.max(at ?? 0, a.endedAt ?? a.startedAt);
    }
  return at;
}

async function messageTime(ctx: ReaderContext, messageId: string): Promise<number> {
  const params = new URLSearchParams({ boxId: await myBoxGuid(ctx), messageId, injectEntityContent: 'false' });
  const answer = await ctx.client.call(ctx.account, {
    method: 'GET',
    url: `${base(ctx)}/V6/GetMessage?${params.toString()}`,
    headers: headers(ctx),
    rules: rule(ctx.account),
  });
  return msOfTicks(message.parse(answer.body).TimestampTicks);
}

/** What each of the send's documents must look like in the list, in order. */
function expected(send: SendToMatch): { type: string; customId?: string; fileName?: string }[] {
  if (send.message.provider !== 'diadoc') return [];
  return send.message.documents.map((d) => {
    const given = d.metadata?.find((m) => m.key === 'FileName')?.value;
    const local = send.fileName(d.file);
    const fileName = given ?? (local ? metadataFileName(local) : undefined);
    return {
      type: d.typeNamedId.toLowerCase(),
      ...(d.customDocumentId ? { customId: d.customDocumentId } : {}),
      ...(fileName ? { fileName } : {}),
    };
  });
}

/** §12.5's read-only check: our outbound documents to the counterparty since the send began. */
async function listed(ctx: ReaderContext, send: SendToMatch): Promise<Verdict> {
  if (send.message.provider !== 'diadoc') return 'cannot_tell';
  const began = send.attempts.reduce((min, a) => Math.min(min, a.startedAt), send.startedAt);
  const want = expected(send);
  const byMessage = new Map<string, ListedDocument[]>();
  const counteragentBoxId = await counterpartyBoxGuid(ctx, send.message.toBoxId);
  let after: string | undefined;
  for (let page = 0; page < LOOK_PAGES; page++) {
    const list = await listDocuments(ctx, {
      filterCategory: 'Any.Outbound',
      counteragentBoxId,
      timestampFromTicks: String(ticksOfMs(began - SKEW_MS)),
      sortDirection: 'Ascending',
      count: '100',
      ...(after ? { afterIndexKey: after } : {}),
    });
    const docs = list.Documents ?? [];
    for (const d of docs) byMessage.set(d.MessageId, [...(byMessage.get(d.MessageId) ?? []), d]);
    after = docs.at(-1)?.IndexKey ?? undefined;
    if (!list.HasMoreResults || !after) break;
  }
  for (const [messageId, docs] of byMessage) {
    if (send.claimed.has(messageId) || docs.length !== want.length) continue;
    // Matched as a set: the sheet says nothing of the order a message's documents are listed in.
    const left = [...docs];
    const same = want.every((w) => {
      const i = left.findIndex((d) => {
        const listedName = d.Metadata?.find((m) => m.Key === 'FileName')?.Value;
        return (
          (d.TypeNamedId ?? '').toLowerCase() === w.type &&
          (!w.customId || d.CustomDocumentId === w.customId) &&
          // A type that reads FileName from its content lists none from the call: nothing to compare.
          (!listedName || !w.fileName || listedName === w.fileName)
        );
      });
      if (i < 0) return false;
      left.splice(i, 1);
      return true;
    });
    if (same) return { providerMessageId: messageId, at: Math.min(...docs.map(sendAt)) };
  }
  return undefined;
}

export async function diadocEvidence(ctx: ReaderContext, send: SendToMatch): Promise<Verdict> {
  if (!send.operationId.trim()) return 'cannot_tell';
  const acknowledged = acknowledgedAt(send.attempts);
  if (acknowledged !== undefined && send.repeat && send.now - acknowledged < OPERATION_REMEMBERED_MS) {
    const r = await send.repeat();
    if (r?.kind === 'sent') return { providerMessageId: r.providerMessageId, at: await messageTime(ctx, r.providerMessageId) };
    if (r?.kind === 'retry' && r.error.reason === 'processing') return { lookAgainAt: r.retryAt };
    if (r?.kind === 'retry' || r?.kind === 'unknown') throw new Error(`Diadoc could not be asked now: ${r.error.reason ?? r.error.kind}`);
    // Refused, or not repeatable as it was: the list decides.
  }
  return listed(ctx, send);
}
