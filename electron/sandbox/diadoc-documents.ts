import { createHash } from 'node:crypto';
import { notGuidBox } from './diadoc-box-id.ts';
import { simDocumentType } from './diadoc-document-types.ts';
import { seeded } from './sim-pace.ts';
import type { ReceivedRequest, SimResponse, SimServer } from './server.ts';

/**
 * The documents exchanged with counterparties, as Diadoc lists them (diadoc.md §12.4):
 * `GET /V3/GetDocuments` and `GET /V6/GetMessage`, on the Diadoc simulator's server. Outbound
 * documents are the messages PostMessage created (the simulator hands them over); inbound ones are
 * seeded for the first counterparties of the directory, so a conversation has both sides.
 * JSON only, like the rest of the read side. It imports nothing of the app.
 */

/** What this file needs of a message PostMessage created (diadoc.ts keeps it). */
export interface PostedMessage {
  messageId: string;
  fromBoxId: string;
  toBoxId: string;
  isDraft: boolean;
  delaySend: boolean;
  createdAt: number;
  documents: { entityId: string; typeNamedId: string; customDocumentId?: string; needRecipientSignature: boolean; comment?: string }[];
  reply: Record<string, unknown>;
}

interface Severity {
  Severity: 'Info' | 'Success' | 'Warning' | 'Error';
  StatusText: string;
}

interface SimDoc {
  IndexKey: string;
  MessageId: string;
  EntityId: string;
  CreationTimestampTicks: number;
  SendTimestampTicks: number;
  DeliveryTimestampTicks?: number;
  CounteragentBoxId: string;
  DocumentDirection: 'Inbound' | 'Outbound';
  TypeNamedId: string;
  Function: string;
  Version: string;
  WorkflowId: number;
  Title: string;
  FileName: string;
  CustomDocumentId?: string;
  Metadata: { Key: string; Value: string }[];
  DocflowStatus: { PrimaryStatus: Severity };
  IsDeleted: boolean;
  IsTest: boolean;
  PacketId: string;
  LockMode: string;
  RecipientResponseStatus: string;
  RecipientReceiptMetadata: { ReceiptStatus: string };
  ConfirmationMetadata: { ReceiptStatus: string; DateTimeTicks: number };
  AmendmentRequestMetadata: { AmendmentFlags: number; ReceiptStatus: string };
  SenderReceiptMetadata: { ReceiptStatus: string };
  /** Not Diadoc's: when the document shows in lists, for the delay below. */
  visibleAt: number;
  /** Not Diadoc's: the box whose list holds it. */
  box: string;
}

const TICKS_AT_EPOCH = 621_355_968_000_000_000;
const ticks = (ms: number) => TICKS_AT_EPOCH + ms * 10_000;

function guidOf(boxId: string): string {
  const b = boxId.trim().toLowerCase();
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(b)) return b;
  const h = createHash('md5').update(boxId.trim()).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const refuse = (status: number, code: string, text: string): SimResponse => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8', 'X-Diadoc-ErrorCode': code },
  body: text,
});

/**
 * The docflow of an outbound document as the list shows it. The sheet names the field (§12.4:
 * `DocflowStatus.PrimaryStatus`, which the quick start reads) but not its texts: these are the
 * sandbox's own, chosen by what §12.2 says of the send (a delayed send waits to be signed and sent;
 * a document that asks for the recipient's signature waits for it).
 */
function outboundStatus(m: PostedMessage, needsSignature: boolean): Severity {
  if (m.delaySend) return { Severity: 'Warning', StatusText: 'Требуется подписать и отправить' };
  if (needsSignature) return { Severity: 'Info', StatusText: 'Ожидается подпись получателя' };
  return { Severity: 'Success', StatusText: 'Доставлен' };
}

const inboundStatuses: { primary: Severity; response: string }[] = [
  { primary: { Severity: 'Warning', StatusText: 'Требуется подписать' }, response: 'WaitingForRecipientSignature' },
  { primary: { Severity: 'Success', StatusText: 'Подписан' }, response: 'WithRecipientSignature' },
  { primary: { Severity: 'Error', StatusText: 'Отказано в подписи' }, response: 'RecipientSignatureRequestRejected' },
];

/**
 * The fields Document.proto marks required that the sandbox has nothing to say in: receipts and
 * amendment requests (not simulated) read "not acceptable", the proto's own word for "does not apply".
 */
const receipts = {
  RecipientReceiptMetadata: { ReceiptStatus: 'GeneralReceiptStatusNotAcceptable' },
  ConfirmationMetadata: { ReceiptStatus: 'GeneralReceiptStatusNotAcceptable', DateTimeTicks: 0 },
  AmendmentRequestMetadata: { AmendmentFlags: 0, ReceiptStatus: 'GeneralReceiptStatusNotAcceptable' },
  SenderReceiptMetadata: { ReceiptStatus: 'GeneralReceiptStatusNotAcceptable' },
};
const inboundTypes = [
  { type: 'Nonformalized', file: 'Письмо.pdf' },
  { type: 'Contract', file: 'Договор поставки.pdf' },
  { type: 'ProformaInvoice', file: 'Счёт на оплату.pdf' },
];

export interface DiadocDocumentsOptions {
  /**
   * How long a new outbound document takes to show in GetDocuments. §8: a successful PostMessage
   * only guarantees the message in the sender's box and the rest is updated asynchronously; the
   * sheet gives no figure for the lists, so tests choose (default 0).
   */
  listDelayMs?: number;
  /** Counterparties (from the start of the directory) that have written to us, three documents each. */
  inboundFrom?: number;
}

interface DocumentsDeps {
  guard: (req: ReceivedRequest, next: () => SimResponse) => SimResponse;
  ownBox: (boxId: string) => string | undefined;
  messages: () => readonly PostedMessage[];
  /** The counterparties' boxes, in directory order: the first ones have written to us. */
  counterparties: () => readonly { box: string }[];
  /** Our first box: the seeded inbound documents arrived there. */
  myBox: () => string;
  now: () => number;
}

export class DiadocDocuments {
  private readonly inbound: SimDoc[] = [];
  private readonly keys = new Map<string, string>();
  private seq = 0;
  private readonly listDelayMs: number;
  private readonly d: DocumentsDeps;

  constructor(server: SimServer, d: DocumentsDeps, opts: DiadocDocumentsOptions = {}) {
    this.d = d;
    this.listDelayMs = opts.listDelayMs ?? 0;
    this.seedInbound(opts.inboundFrom ?? 10);
    server.route('GET', '/V3/GetDocuments', (req) => this.d.guard(req, () => this.list(req)));
    server.route('GET', '/V6/GetMessage', (req) => this.d.guard(req, () => this.message(req)));
  }

  /** Stable list positions: a document's IndexKey is given once, in the order documents appear. */
  private indexKey(entityId: string): string {
    let k = this.keys.get(entityId);
    if (!k) this.keys.set(entityId, (k = `dk${String(++this.seq).padStart(10, '0')}`));
    return k;
  }

  private seedInbound(n: number): void {
    const start = Date.UTC(2026, 9, 1, 9, 0, 0);
    this.d
      .counterparties()
      .slice(0, n)
      .forEach((c, i) => {
        const rnd = seeded(7000 + i);
        for (let j = 0; j < 3; j++) {
          const kind = inboundTypes[j % inboundTypes.length]!;
          const at = start + i * 3_600_000 + j * 86_400_000 + Math.floor(rnd() * 600_000);
          const entityId = guidOf(`in-doc-${i}-${j}`);
          this.inbound.push({
            IndexKey: '',
            MessageId: guidOf(`in-msg-${i}-${j}`),
            EntityId: entityId,
            CreationTimestampTicks: ticks(at),
            SendTimestampTicks: ticks(at),
            DeliveryTimestampTicks: ticks(at + 2000),
            CounteragentBoxId: guidOf(c.box),
            DocumentDirection: 'Inbound',
            TypeNamedId: kind.type,
            Function: 'default',
            Version: 'v1',
            WorkflowId: 0,
            Title: simDocumentType(kind.type)?.title ?? kind.type,
            FileName: kind.file,
            Metadata: [{ Key: 'FileName', Value: kind.file }],
            DocflowStatus: { PrimaryStatus: inboundStatuses[(i + j) % inboundStatuses.length]!.primary },
            RecipientResponseStatus: inboundStatuses[(i + j) % inboundStatuses.length]!.response,
            ...receipts,
            IsDeleted: false,
            IsTest: true,
            PacketId: guidOf(`in-packet-${i}-${j}`),
            LockMode: 'None',
            visibleAt: 0,
            box: '',
          });
        }
      });
  }

  /** Every document the caller's box holds now: the seeded inbound ones and what PostMessage created. */
  private all(box: string): SimDoc[] {
    const mine = guidOf(box);
    const out: SimDoc[] = [];
    for (const m of this.d.messages()) {
      // §7: a draft is sent later by SendDraft; until then it is no document exchanged with anyone.
      if (m.isDraft || guidOf(m.fromBoxId) !== mine) continue;
      const entities = (m.reply.Entities ?? []) as { EntityId?: string; FileName?: string; PacketId?: string; ParentEntityId?: string }[];
      for (const doc of m.documents) {
        const e = entities.find((x) => x.EntityId === doc.entityId);
        out.push({
          IndexKey: '',
          MessageId: m.messageId,
          EntityId: doc.entityId,
          CreationTimestampTicks: ticks(m.createdAt),
          SendTimestampTicks: ticks(m.createdAt),
          CounteragentBoxId: guidOf(m.toBoxId),
          DocumentDirection: 'Outbound',
          TypeNamedId: doc.typeNamedId,
          Function: 'default',
          Version: 'v1',
          WorkflowId: 0,
          Title: simDocumentType(doc.typeNamedId)?.title ?? doc.typeNamedId,
          FileName: e?.FileName ?? '',
          ...(doc.customDocumentId ? { CustomDocumentId: doc.customDocumentId } : {}),
          Metadata: e?.FileName ? [{ Key: 'FileName', Value: e.FileName }] : [],
          DocflowStatus: { PrimaryStatus: outboundStatus(m, doc.needRecipientSignature) },
          RecipientResponseStatus: doc.needRecipientSignature ? 'WaitingForRecipientSignature' : 'RecipientResponseStatusNotAcceptable',
          ...receipts,
          IsDeleted: false,
          IsTest: true,
          PacketId: e?.PacketId ?? '',
          LockMode: m.reply.LockMode === 'Full' ? 'Full' : 'None',
          visibleAt: m.createdAt + this.listDelayMs,
          box: mine,
        });
      }
    }
    // The seeded inbound documents arrived in our first box.
    if (mine === guidOf(this.d.myBox())) out.push(...this.inbound);
    // Stable: a message's documents keep the order they were posted in.
    out.sort((a, b) => a.SendTimestampTicks - b.SendTimestampTicks);
    for (const doc of out) doc.IndexKey = this.indexKey(doc.EntityId);
    return out;
  }

  /**
   * §12.4 GetDocuments (V3): `boxId` and `filterCategory` (`<Type>.<Class><Status>`) required;
   * `counteragentBoxId`, `timestampFromTicks` / `timestampToTicks`, `documentNumber`,
   * `sortDirection`, `count` 0–100 (default 100), `afterIndexKey` (the last item's IndexKey, that
   * item excluded). A `DocumentList{TotalCount, Documents[], HasMoreResults}` without content; outbound
   * documents ordered by SendTimestampTicks. Only the status suffix "" (any status) is simulated.
   */
  private list(req: ReceivedRequest): SimResponse {
    const q = req.query;
    const boxId = q.get('boxId');
    if (!boxId) return refuse(400, 'Http.BadRequest', 'boxId is required');
    const notGuid = notGuidBox('boxId', boxId);
    if (notGuid) return notGuid;
    const own = this.d.ownBox(boxId);
    if (!own) return refuse(403, 'Http.Forbidden', `Access to box ${boxId} is denied for this token`);
    const category = /^([A-Za-z0-9_]+)\.(Inbound|Outbound|Internal)(.*)$/.exec(q.get('filterCategory') ?? '');
    if (!category) return refuse(400, 'Http.BadRequest', 'filterCategory is required, as <DocumentType>.<DocumentClass><DocumentStatus>');
    if (category[3]) return refuse(400, 'Http.BadRequest', `The sandbox does not simulate the status filter ${category[3]}`);
    const countText = q.get('count');
    const count = countText === null ? 100 : Number(countText);
    if (!Number.isInteger(count) || count < 0 || count > 100) return refuse(400, 'Http.BadRequest', 'count must be 0–100');
    const sort = q.get('sortDirection') ?? 'Ascending';
    if (sort !== 'Ascending' && sort !== 'Descending') return refuse(400, 'Http.BadRequest', 'sortDirection is Ascending or Descending');
    const from = q.get('timestampFromTicks');
    const to = q.get('timestampToTicks');
    const counteragent = q.get('counteragentBoxId');
    const now = this.d.now();
    let docs = this.all(own).filter(
      (doc) =>
        doc.visibleAt <= now &&
        (category[1] === 'Any' || doc.TypeNamedId.toLowerCase() === category[1]!.toLowerCase()) &&
        doc.DocumentDirection === category[2] &&
        (!counteragent || doc.CounteragentBoxId === guidOf(counteragent)) &&
        (from === null || doc.SendTimestampTicks >= Number(from)) &&
        (to === null || doc.SendTimestampTicks <= Number(to)),
    );
    if (sort === 'Descending') docs = docs.reverse();
    const after = q.get('afterIndexKey');
    const start = after ? docs.findIndex((doc) => doc.IndexKey === after) + 1 : 0;
    const page = docs.slice(start, start + count);
    return {
      status: 200,
      body: {
        TotalCount: docs.length,
        Documents: page.map(({ visibleAt: _v, box: _b, ...doc }) => doc),
        HasMoreResults: start + page.length < docs.length,
      },
    };
  }

  /** §12.4 GetMessage (V6): `boxId`, `messageId` required; 404 for a message the box does not hold. */
  private message(req: ReceivedRequest): SimResponse {
    const boxId = req.query.get('boxId');
    const messageId = req.query.get('messageId');
    if (!boxId || !messageId) return refuse(400, 'Http.BadRequest', 'boxId and messageId are required');
    const notGuid = notGuidBox('boxId', boxId);
    if (notGuid) return notGuid;
    const own = this.d.ownBox(boxId);
    if (!own) return refuse(403, 'Http.Forbidden', `Access to box ${boxId} is denied for this token`);
    const m = this.d.messages().find((x) => x.messageId === messageId && guidOf(x.fromBoxId) === guidOf(own));
    if (!m) return refuse(404, 'Http.NotFound', `Message ${messageId} is not found in box ${boxId}`);
    return { status: 200, body: m.reply };
  }
}
