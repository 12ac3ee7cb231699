import { createHash, randomUUID } from 'node:crypto';
import { notGuidBox } from './diadoc-box-id.ts';
import { DiadocDocuments, type DiadocDocumentsOptions } from './diadoc-documents.ts';
import { DiadocReadSide, type DiadocReadOptions } from './diadoc-read.ts';
import { documentTypesResponse, MetadataSource, MetadataType, simDocumentType } from './diadoc-document-types.ts';
import { DiadocShelf } from './diadoc-shelf.ts';
import { header, mediaType, SimServer, type ReceivedRequest, type SimResponse } from './server.ts';

/**
 * Kontur Diadoc `POST /V3/PostMessage`, `GET /GetMyOrganizations`, `GET /V3/GetDocumentTypes` and
 * the shelf (seed 000, diadoc.md) as a strict loopback server speaking the JSON form of the API.
 * It imports nothing of the app: every rule below is written from the fact sheet, section named.
 *
 * - Auth: `Bearer <token>`, or `DiadocAuth ddauth_api_client_id=<id>,ddauth_token=<token>` (a
 *   space after the comma is allowed, as in Kontur's examples); anything else is 401.
 * - Content: JSON only. A body without `Content-Type: application/json` (charset, if given, utf-8)
 *   would be protobuf to the real server; this simulator does not speak protobuf and says so
 *   with 415. Without `Accept: application/json` the real server answers protobuf, so 406 here.
 * - The body is checked field by field against `MessageToPost` / `DocumentAttachment` /
 *   `SignedContent` / `MetadataItem` as the proto defines them (PascalCase names, required
 *   fields, scalar types, base64 bytes, enums by name or number), then against the documented
 *   rules: ≤ 40 documents, Comment ≤ 5000, Content xor NameOnShelf, ToBoxId unless internal,
 *   unique CustomDocumentId, body ≤ 70 MB (413). The obsolete typed lists, structured data and
 *   powers of attorney are refused as not simulated.
 * - Metadata per document type (§12.2): the type's `Source: 1` items, required ones present, nothing
 *   a type takes from its content ("Provided odd metadata items"), values in the item's format.
 * - Signatures (§12.2): a message that is neither a draft nor delayed needs a signature for every
 *   document; a draft or delayed one must carry none.
 * - Shelf (§12.3): `NameOnShelf` / `SignatureNameOnShelf` name whole files of the caller's shelf.
 * - Errors are plain text with an `X-Diadoc-ErrorCode` header, the form the official SDK reads.
 * - Idempotency as the seed states it: an operationId (case-insensitive; the MD5 of the body
 *   when absent) that once succeeded returns the first result again, even for a different body;
 *   such reuses are recorded in `reusedWithDifferentBody` so tests can catch them.
 * - `processingReplies` > 0: a new operation answers 204 + Retry-After that many times before its
 *   200, and the message is created once (§4: "204 = the operation is still running").
 * - The sender must be one of `boxes` (403 otherwise); a recipient in `closedBoxes` accepts
 *   documents only from counteragents and answers 409, as Diadoc does for `Sociability`.
 */

/** The limits of seed 000 and diadoc.md §7, §10, read as the simulator enforces them. */
export const simLimits = {
  /** §1, §10: "40 documents per message". */
  documentsMax: 40,
  /** §7, §10: "≤ 70 MB including overhead", read as 70 000 000 bytes, the smaller reading. */
  requestBytesMax: 70_000_000,
  /** §7 DocumentAttachment: "Comment ≤ 5000 chars". */
  commentMax: 5000,
} as const;

type Scalar = 'string' | 'bool' | 'int32' | 'bytes';
export interface EnumShape {
  kind: 'enum';
  name: string;
  values: Readonly<Record<string, number>>;
}
export interface MessageShape {
  kind: 'message';
  name: string;
  fields: Readonly<Record<string, FieldShape>>;
}
export interface FieldShape {
  type: Scalar | EnumShape | MessageShape | 'unsupported';
  required?: boolean;
  repeated?: boolean;
  /** Why an `unsupported` field is refused. */
  note?: string;
}

const lockMode: EnumShape = { kind: 'enum', name: 'LockMode', values: { Unknown: 0, None: 1, Send: 2, Full: 3 } };
const metadataItem: MessageShape = {
  kind: 'message',
  name: 'MetadataItem',
  fields: { Key: { type: 'string', required: true }, Value: { type: 'string', required: true } },
};
const customDataItem: MessageShape = {
  kind: 'message',
  name: 'CustomDataItem',
  fields: { Key: { type: 'string', required: true }, Value: { type: 'string' } },
};
const documentId: MessageShape = {
  kind: 'message',
  name: 'DocumentId',
  fields: { MessageId: { type: 'string', required: true }, EntityId: { type: 'string', required: true } },
};
const signedContent: MessageShape = {
  kind: 'message',
  name: 'SignedContent',
  fields: {
    Content: { type: 'bytes' },
    Signature: { type: 'bytes' },
    NameOnShelf: { type: 'string' },
    SignWithTestSignature: { type: 'bool' },
    SignatureNameOnShelf: { type: 'string' },
    PowerOfAttorney: { type: 'unsupported', note: 'powers of attorney are not simulated' },
  },
};
const documentAttachment: MessageShape = {
  kind: 'message',
  name: 'DocumentAttachment',
  fields: {
    SignedContent: { type: signedContent, required: true },
    Comment: { type: 'string' },
    NeedRecipientSignature: { type: 'bool' },
    InitialDocumentIds: { type: documentId, repeated: true },
    SubordinateDocumentIds: { type: documentId, repeated: true },
    CustomDocumentId: { type: 'string' },
    NeedReceipt: { type: 'bool' },
    CustomData: { type: customDataItem, repeated: true },
    TypeNamedId: { type: 'string', required: true },
    Function: { type: 'string' },
    Version: { type: 'string' },
    Metadata: { type: metadataItem, repeated: true },
    WorkflowId: { type: 'int32' },
    IsEncrypted: { type: 'bool' },
    EditingSettingId: { type: 'string' },
  },
};
const obsolete: FieldShape = { type: 'unsupported', repeated: true, note: 'obsolete typed list; send DocumentAttachments' };
const messageToPost: MessageShape = {
  kind: 'message',
  name: 'MessageToPost',
  fields: {
    FromBoxId: { type: 'string', required: true },
    ToBoxId: { type: 'string' },
    Invoices: obsolete,
    NonformalizedDocuments: obsolete,
    Torg12Documents: obsolete,
    AcceptanceCertificates: obsolete,
    StructuredDataAttachments: { type: 'unsupported', repeated: true, note: 'structured data attachments are not simulated' },
    ProformaInvoices: obsolete,
    XmlTorg12SellerTitles: obsolete,
    XmlAcceptanceCertificateSellerTitles: obsolete,
    ToDepartmentId: { type: 'string' },
    IsDraft: { type: 'bool' },
    LockDraft: { type: 'bool' },
    StrictDraftValidation: { type: 'bool' },
    IsInternal: { type: 'bool' },
    FromDepartmentId: { type: 'string' },
    DelaySend: { type: 'bool' },
    PriceLists: obsolete,
    PriceListAgreements: obsolete,
    CertificateRegistries: obsolete,
    ReconciliationActs: obsolete,
    Contracts: obsolete,
    Torg13Documents: obsolete,
    ServiceDetailsDocuments: obsolete,
    ProxyBoxId: { type: 'string' },
    ProxyDepartmentId: { type: 'string' },
    EncryptedInvoices: obsolete,
    EncryptedXmlTorg12SellerTitles: obsolete,
    EncryptedXmlAcceptanceCertificateSellerTitles: obsolete,
    SupplementaryAgreements: obsolete,
    LockPacket: { type: 'bool' },
    UniversalTransferDocumentSellerTitles: obsolete,
    DocumentAttachments: { type: documentAttachment, repeated: true },
    LockMode: { type: lockMode },
  },
};

/** The request shapes the simulator enforces, exported so a test can hold them against the .proto files. */
export const diadocShapes = { messageToPost, documentAttachment, signedContent, metadataItem, customDataItem, documentId } as const;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkValue(type: Exclude<FieldShape['type'], 'unsupported'>, v: unknown, at: string): string | undefined {
  switch (type) {
    case 'string':
      return typeof v === 'string' ? undefined : `${at}: a string is expected`;
    case 'bool':
      return typeof v === 'boolean' ? undefined : `${at}: true or false is expected`;
    case 'int32':
      return Number.isInteger(v) && Math.abs(v as number) <= 2 ** 31 ? undefined : `${at}: a 32-bit integer is expected`;
    case 'bytes':
      return typeof v === 'string' && BASE64.test(v) ? undefined : `${at}: base64 bytes are expected`;
    default:
      if (type.kind === 'message') return checkShape(type, v, at);
      // Enum input is accepted by name or by number: the docs show both (sheet §11 q3).
      return (typeof v === 'string' && Object.hasOwn(type.values, v)) || (typeof v === 'number' && Object.values(type.values).includes(v))
        ? undefined
        : `${at}: one of ${Object.keys(type.values).join(', ')} is expected`;
  }
}

/** The first way `value` breaks the proto message `shape`, as `Path[i].Field: what`, or undefined. */
export function checkShape(shape: MessageShape, value: unknown, path = ''): string | undefined {
  if (!isRecord(value)) return `${path || shape.name}: an object (${shape.name}) is expected`;
  for (const [key, v] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    const field = Object.hasOwn(shape.fields, key) ? shape.fields[key] : undefined;
    if (!field) return `${at}: ${shape.name} has no such field`;
    if (field.type === 'unsupported') return `${at}: ${field.note ?? 'not supported'}`;
    if (v === null) return `${at}: null is not a value`;
    if (field.repeated) {
      if (!Array.isArray(v)) return `${at}: a list is expected`;
      for (const [i, item] of v.entries()) {
        const problem = item === null ? `${at}[${i}]: null is not a value` : checkValue(field.type, item, `${at}[${i}]`);
        if (problem) return problem;
      }
    } else {
      const problem = checkValue(field.type, v, at);
      if (problem) return problem;
    }
  }
  for (const [key, field] of Object.entries(shape.fields)) {
    if (field.required && !Object.hasOwn(value, key)) return `${path ? `${path}.` : ''}${key}: required field of ${shape.name} is missing`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------

export interface DiadocSimDocument {
  entityId: string;
  signatureEntityId?: string;
  typeNamedId: string;
  function?: string;
  version?: string;
  comment?: string;
  customDocumentId?: string;
  metadata: { key: string; value: string }[];
  needRecipientSignature: boolean;
  contentBytes: number;
  contentSha256: string;
  signatureBytes?: number;
  signatureSha256?: string;
  /** The shelf file the content came from, when it did. */
  nameOnShelf?: string;
}

export interface DiadocSimMessage {
  messageId: string;
  operationId: string;
  fromBoxId: string;
  toBoxId: string;
  isDraft: boolean;
  lockPacket: boolean;
  delaySend: boolean;
  documents: DiadocSimDocument[];
  /** When it was created (ms), and the `Message` PostMessage answered with: GetDocuments and GetMessage read them (diadoc-documents.ts). */
  createdAt: number;
  reply: Record<string, unknown>;
}

interface Operation {
  bodyHash: string;
  /** The answer once done; until then the operation is still running and answers 204. */
  reply?: Record<string, unknown>;
  /** 204s still to answer before the operation completes. */
  pending: number;
  /** The message to create on completion. */
  msg: Record<string, unknown>;
  owner: string;
}

const TICKS_AT_EPOCH = 621_355_968_000_000_000;

function ticks(ms: number): number {
  return TICKS_AT_EPOCH + ms * 10_000;
}

function md5(data: Buffer | string): string {
  return createHash('md5').update(data).digest('hex');
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A box's GUID form: itself when it already is one, else a stable GUID derived from it. */
function guidOf(boxId: string): string {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(boxId)) return boxId.toLowerCase();
  const h = md5(boxId);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function refuse(status: number, code: string, text: string): SimResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'X-Diadoc-ErrorCode': code }, body: text };
}

const badRequest = (text: string): SimResponse => refuse(400, 'Http.BadRequest', text);

function operationIdParam(query: URLSearchParams): string {
  for (const [k, v] of query) if (k.toLowerCase() === 'operationid') return v;
  return '';
}

export class DiadocSimulator {
  readonly server = new SimServer();
  /** Every message created, in order. A repeated operationId never adds one. */
  readonly messages: DiadocSimMessage[] = [];
  /** OperationIds that were used again with a different body (answered with the first result). */
  readonly reusedWithDifferentBody: string[] = [];
  readonly boxes: readonly string[];
  readonly shelf: DiadocShelf;
  /** How many 204s a new operation answers before its 200 (§4); tests may change it at any time. */
  processingReplies: number;
  /** The Retry-After (seconds) of those 204s. */
  retryAfterSeconds: number;
  private readonly tokens: ReadonlySet<string>;
  private readonly clientIds: ReadonlySet<string>;
  private readonly closedBoxes: ReadonlySet<string>;
  private readonly operations = new Map<string, Operation>();
  readonly read: DiadocReadSide;
  readonly documents: DiadocDocuments;
  /** One clock for the shelf's expiry, a message's time and when the lists show it. */
  private readonly now: () => number;

  constructor(opts: {
    tokens: readonly string[];
    legacyClientIds?: readonly string[];
    boxes?: readonly string[];
    closedBoxes?: readonly string[];
    processingReplies?: number;
    retryAfterSeconds?: number;
    now?: () => number;
    read?: DiadocReadOptions;
    documents?: DiadocDocumentsOptions;
  }) {
    this.tokens = new Set(opts.tokens);
    this.clientIds = new Set(opts.legacyClientIds ?? []);
    this.boxes = opts.boxes ?? ['sandbox-box-from@diadoc.ru'];
    this.closedBoxes = new Set((opts.closedBoxes ?? []).map((b) => b.toLowerCase()));
    this.processingReplies = opts.processingReplies ?? 0;
    this.retryAfterSeconds = opts.retryAfterSeconds ?? 1;
    this.now = opts.now ?? Date.now;
    this.shelf = new DiadocShelf(this.now);
    // §7, §10: a request over the cap is refused whole, by any method, before it is read as JSON.
    this.server.bodyLimit = {
      bytes: simLimits.requestBytesMax,
      refuse: () => refuse(413, 'Http.RequestEntityTooLarge', `The request is larger than ${simLimits.requestBytesMax} bytes`),
    };
    this.route('POST', '/V3/PostMessage', (req, owner) => this.postMessage(req, owner));
    this.route('GET', '/GetMyOrganizations', (req) => this.getMyOrganizations(req));
    this.route('GET', '/V3/GetDocumentTypes', (req) => this.getDocumentTypes(req));
    this.route('POST', '/V2/ShelfUpload', (req, owner) => this.shelf.upload(req, owner));
    this.route('POST', '/ShelfUploadPartInit', (req, owner) => this.shelf.partInit(req, owner));
    this.route('POST', '/ShelfUploadPart', (req, owner) => this.shelf.part(req, owner));
    this.route('GET', '/V2/ShelfDownload', (req, owner) => this.shelf.download(req, owner));
    this.read = new DiadocReadSide(
      this.server,
      (req) => this.authProblem(req),
      (box) => this.ownBox(box),
      opts.read,
    );
    this.documents = new DiadocDocuments(
      this.server,
      {
        guard: (req, next) => this.read.guard(req, next),
        ownBox: (box) => this.ownBox(box),
        messages: () => this.messages,
        counterparties: () => this.read.counteragents.map((c) => ({ box: c.Organization.Boxes[0]!.BoxIdGuid })),
        myBox: () => this.boxes[0]!,
        now: this.now,
      },
      opts.documents,
    );
  }

  private authProblem(req: ReceivedRequest): SimResponse | undefined {
    const who = this.authenticate(req);
    return typeof who === 'string' ? undefined : who;
  }

  /** One method behind the auth check, and 405 for every other HTTP method on its path (§5). */
  private route(method: string, path: string, handler: (req: ReceivedRequest, owner: string) => SimResponse): void {
    this.server.route(method, path, (req) => {
      const who = this.authenticate(req);
      return typeof who === 'string' ? handler(req, who) : who;
    });
    for (const other of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].filter((m) => m !== method))
      this.server.route(other, path, () => refuse(405, 'Http.MethodNotAllowed', `Method not allowed: use ${method}`));
  }

  /** The operationId of every PostMessage request, injected faults included ('' when absent). */
  get operationIds(): string[] {
    return this.server.received.filter((r) => r.path === '/V3/PostMessage').map((r) => operationIdParam(r.query));
  }

  start(port = 0): Promise<string> {
    return this.server.start(port);
  }
  stop(): Promise<void> {
    return this.server.stop();
  }

  /** §2: the caller (its token, whose shelf is its own), or the 401 that refuses it. */
  private authenticate(req: ReceivedRequest): string | SimResponse {
    const auth = header(req, 'authorization');
    if (!auth) return refuse(401, 'Http.Unauthorized', 'Authorization header is missing');
    const bearer = /^Bearer (\S+)$/.exec(auth);
    if (bearer)
      return this.tokens.has(bearer[1]!) ? bearer[1]! : refuse(401, 'Http.Unauthorized', 'The access token is invalid or expired');
    const legacy = /^DiadocAuth (.+)$/.exec(auth);
    if (!legacy) return refuse(401, 'Http.Unauthorized', 'Unsupported authorization scheme');
    const params = new Map<string, string>();
    for (const pair of legacy[1]!.split(',')) {
      const m = /^\s*(\w+)=(\S*)\s*$/.exec(pair);
      if (!m) return refuse(401, 'Http.Unauthorized', 'Malformed DiadocAuth parameters');
      params.set(m[1]!, m[2]!);
    }
    const clientId = params.get('ddauth_api_client_id');
    const token = params.get('ddauth_token');
    if (!clientId || !this.clientIds.has(clientId)) return refuse(401, 'Http.Unauthorized', 'ddauth_api_client_id is missing or unknown');
    if (!token) return refuse(401, 'Http.Unauthorized', 'ddauth_token is missing');
    if (!this.tokens.has(token)) return refuse(401, 'Http.Unauthorized', 'ddauth_token is invalid or expired');
    return token;
  }

  private wantsJson(req: ReceivedRequest): boolean {
    return (header(req, 'accept') ?? '').split(',').some((part) => part.split(';')[0]!.trim().toLowerCase() === 'application/json');
  }

  private ownBox(boxId: string): string | undefined {
    const wanted = boxId.toLowerCase();
    return this.boxes.find((b) => b.toLowerCase() === wanted || guidOf(b) === wanted);
  }

  private getMyOrganizations(req: ReceivedRequest): SimResponse {
    if (!this.wantsJson(req))
      return refuse(406, 'Http.NotAcceptable', 'Send Accept: application/json; this simulator does not answer in protobuf');
    return {
      status: 200,
      body: {
        Organizations: [
          {
            OrgId: guidOf(`org:${this.boxes.join(',')}`),
            Inn: '7700000000',
            Kpp: '770001001',
            FullName: 'ООО «Песочница»',
            ShortName: 'Песочница',
            Boxes: this.boxes.map((b) => ({ BoxId: b, BoxIdGuid: guidOf(b), Title: 'ООО «Песочница»' })),
            IsActive: true,
            IsTest: true,
            Sociability: 'AllOrganizations',
            OrganizationType: 'Juridical',
            ReadyForEpdStatus: 'Ready',
          },
        ],
      },
    };
  }

  /** §12.2: `GET /V3/GetDocumentTypes?boxId=` for one of the caller's boxes (403 for another). */
  private getDocumentTypes(req: ReceivedRequest): SimResponse {
    if (!this.wantsJson(req))
      return refuse(406, 'Http.NotAcceptable', 'Send Accept: application/json; this simulator does not answer in protobuf');
    const boxId = req.query.get('boxId') ?? '';
    if (!boxId) return badRequest('boxId is required');
    const notGuid = notGuidBox('boxId', boxId);
    if (notGuid) return notGuid;
    if (!this.ownBox(boxId)) return refuse(403, 'Http.Forbidden', `Access to box ${boxId} is denied for this token`);
    return { status: 200, body: documentTypesResponse() };
  }

  private postMessage(req: ReceivedRequest, owner: string): SimResponse {
    const charset = /charset=([^;]+)/i
      .exec(header(req, 'content-type') ?? '')?.[1]
      ?.trim()
      .replace(/"/g, '')
      .toLowerCase();
    if (mediaType(req) !== 'application/json' || (charset !== undefined && charset !== 'utf-8')) {
      return refuse(
        415,
        'Http.UnsupportedMediaType',
        'This simulator accepts JSON only: Content-Type: application/json; charset=utf-8 (protobuf bodies are not simulated)',
      );
    }
    if (!this.wantsJson(req))
      return refuse(406, 'Http.NotAcceptable', 'Send Accept: application/json; this simulator does not answer in protobuf');
    if (req.body.length > simLimits.requestBytesMax)
      return refuse(413, 'Http.RequestEntityTooLarge', `The request is larger than ${simLimits.requestBytesMax} bytes`);
    let body: unknown;
    try {
      body = JSON.parse(req.body.toString('utf8')) as unknown;
    } catch {
      return badRequest('The request body is not valid JSON');
    }
    const shapeProblem = checkShape(messageToPost, body);
    if (shapeProblem) return badRequest(`Invalid MessageToPost: ${shapeProblem}`);
    const msg = body as Record<string, unknown>;

    // §4: the operationId is case-insensitive; without one the MD5 of the body stands in for it.
    const operationId = operationIdParam(req.query).toLowerCase() || md5(req.body);
    const bodyHash = sha256(req.body);
    const known = this.operations.get(operationId);
    if (known) {
      if (known.bodyHash !== bodyHash) this.reusedWithDifferentBody.push(operationId);
      return this.progress(operationId, known);
    }

    const rules = this.ruleProblem(msg, owner);
    if (rules) return rules;
    const op: Operation = { bodyHash, pending: this.processingReplies, msg, owner };
    this.operations.set(operationId, op);
    return this.progress(operationId, op);
  }

  /** §4: 204 + Retry-After while the operation runs; once done, the same 200 for every repeat. */
  private progress(operationId: string, op: Operation): SimResponse {
    if (op.pending > 0) {
      op.pending -= 1;
      return { status: 204, headers: { 'Retry-After': String(this.retryAfterSeconds) } };
    }
    op.reply ??= this.create(op.msg, operationId, op.owner);
    return { status: 200, body: op.reply };
  }

  /** The documented rules the proto cannot express (seed 000, §7, §12.2, §12.3). */
  private ruleProblem(msg: Record<string, unknown>, owner: string): SimResponse | undefined {
    const from = (msg.FromBoxId as string).trim();
    if (!from) return badRequest('FromBoxId: the sender box is required');
    // §2: 403 when the box is not among the boxes of the token's user.
    if (!this.ownBox(from)) return refuse(403, 'Http.Forbidden', `Access to box ${from} is denied for this token`);
    // §7 MessageToPost: ToBoxId must differ from the sender; empty when IsInternal.
    const internal = msg.IsInternal === true;
    const to = typeof msg.ToBoxId === 'string' ? msg.ToBoxId.trim() : '';
    if (internal && to) return badRequest('ToBoxId: must be empty for an internal message');
    if (!internal && !to) return badRequest('ToBoxId: the recipient box is required');
    if (to && to.toLowerCase() === from.toLowerCase()) return badRequest('ToBoxId: the recipient must differ from the sender');
    const docs = (msg.DocumentAttachments ?? []) as Record<string, unknown>[];
    if (docs.length === 0) return badRequest('DocumentAttachments: the message has no documents');
    // Seed 000, §10: 40 documents per message.
    if (docs.length > simLimits.documentsMax)
      return badRequest(`DocumentAttachments: ${docs.length} documents, at most ${simLimits.documentsMax} are allowed in one message`);
    const unsignedAllowed = msg.IsDraft === true || msg.DelaySend === true;
    const customIds = new Set<string>();
    for (const [i, d] of docs.entries()) {
      const problem = this.documentProblem(d, i, owner, unsignedAllowed);
      if (problem) return problem;
      // §7 DocumentAttachment: CustomDocumentId is unique within the MessageToPost.
      const cid = typeof d.CustomDocumentId === 'string' ? d.CustomDocumentId : '';
      if (cid) {
        if (customIds.has(cid)) return badRequest(`DocumentAttachments[${i}].CustomDocumentId: ${cid} is used twice in one message`);
        customIds.add(cid);
      }
    }
    // §5 409 and §12.1 Sociability: the recipient accepts documents only from counteragents.
    if (to && this.closedBoxes.has(to.toLowerCase())) {
      return {
        status: 409,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'X-Diadoc-ErrorCode': 'Http.Conflict' },
        body: 'Recipient allows to receive messages only from counteragents',
      };
    }
    return undefined;
  }

  private documentProblem(d: Record<string, unknown>, i: number, owner: string, draftOrDelayed: boolean): SimResponse | undefined {
    const at = `DocumentAttachments[${i}]`;
    const sc = d.SignedContent as Record<string, unknown>;
    const hasContent = typeof sc.Content === 'string' && sc.Content.length > 0;
    const shelfName = typeof sc.NameOnShelf === 'string' ? sc.NameOnShelf : '';
    // §7 SignedContent: Content must be empty if NameOnShelf is set, and the other way round.
    if (hasContent && shelfName) return badRequest(`${at}.SignedContent: Content must be empty when NameOnShelf is set`);
    // §12.3: PostMessage reads shelf names as the caller's own; the file must be whole.
    if (shelfName && !this.shelf.read(shelfName, owner)) return badRequest(`${at}.SignedContent.NameOnShelf: no such file on the shelf`);
    if (!hasContent && !shelfName) return badRequest(`${at}.SignedContent.Content: the document content is required`);
    const sigShelf = typeof sc.SignatureNameOnShelf === 'string' ? sc.SignatureNameOnShelf : '';
    if (sigShelf && !this.shelf.read(sigShelf, owner))
      return badRequest(`${at}.SignedContent.SignatureNameOnShelf: no such file on the shelf`);
    const signed = (typeof sc.Signature === 'string' && sc.Signature.length > 0) || sigShelf !== '' || sc.SignWithTestSignature === true;
    // §12.2 signature table: a draft or delayed send carries no signature ([ISS] #1087) ...
    if (draftOrDelayed && signed) return badRequest(`MessageToPost.${at}.SignedContent.Signature should be empty in draft or delayed send`);
    // ... and a normal send needs one to deliver the document ([ISS] #495, #984; 400 read as the stricter).
    if (!draftOrDelayed && !signed)
      return badRequest(`MessageToPost.${at}.SignedContent.Signature: a signature is required to deliver the document to the recipient`);

    const typeName = (d.TypeNamedId as string).trim();
    if (!typeName) return badRequest(`${at}.TypeNamedId: the document type is required`);
    // §7: TypeNamedId from the box's GetDocumentTypes list.
    const type = simDocumentType(typeName);
    if (!type) return badRequest(`${at}.TypeNamedId: unknown document type ${typeName}`);
    const fn = typeof d.Function === 'string' ? d.Function.trim() : '';
    if (type.functions.length > 1 && !fn) return badRequest(`${at}.Function: ${type.name} needs a function (${type.functions.join(', ')})`);
    if (fn && !type.functions.includes(fn)) return badRequest(`${at}.Function: ${type.name} has no function ${fn}`);
    // §7: Comment ≤ 5000 characters, counted as .NET counts a string (UTF-16 units), the stricter count.
    if (typeof d.Comment === 'string' && d.Comment.length > simLimits.commentMax)
      return badRequest(`${at}.Comment: longer than ${simLimits.commentMax} characters`);
    return this.metadataProblem(d, at, type);
  }

  /** §12.2: a type's metadata, as its title-0 items with `Source: 1` describe it. */
  private metadataProblem(
    d: Record<string, unknown>,
    at: string,
    type: NonNullable<ReturnType<typeof simDocumentType>>,
  ): SimResponse | undefined {
    const items = (d.Metadata ?? []) as { Key: string; Value: string }[];
    for (const [j, m] of items.entries()) {
      // §7 MetadataItem: Key and Value both non-empty.
      if (!m.Key.trim()) return badRequest(`${at}.Metadata[${j}].Key: must not be empty`);
      if (!m.Value.trim()) return badRequest(`${at}.Metadata[${j}].Value: must not be empty`);
    }
    const passed = type.metadata.filter((m) => m.Source === MetadataSource.User);
    // §12.2 ([ISS] #1028, diadocsdk-csharp#630): keys the type does not take from the call are refused.
    const odd = items.filter((m) => !passed.some((p) => p.Id === m.Key)).map((m) => m.Key);
    if (odd.length)
      return refuse(400, 'DocumentService.InvalidFileContent', `MessageToPost.${at}: Provided odd metadata items. Keys: ${odd.join(', ')}`);
    for (const item of passed) {
      const given = items.find((m) => m.Key === item.Id);
      // §12.2 ([ISS] #921): a missing required item is "Невозможно получить данные по ключу".
      if (!given) {
        if (item.IsRequired) return badRequest(`MessageToPost.${at}: Невозможно получить данные по ключу: ${item.Id}`);
        continue;
      }
      const problem = valueProblem(item.Id, item.Type, given.Value);
      if (problem) return badRequest(`MessageToPost.${at}.Metadata: ${problem}`);
    }
    return undefined;
  }

  private create(msg: Record<string, unknown>, operationId: string, owner: string): Record<string, unknown> {
    const now = this.now();
    const messageId = randomUUID();
    const packetId = randomUUID();
    const from = this.ownBox(msg.FromBoxId as string)!;
    const to = typeof msg.ToBoxId === 'string' ? msg.ToBoxId.trim() : '';
    const isDraft = msg.IsDraft === true;
    const lockPacket = msg.LockPacket === true || msg.LockMode === 'Full' || msg.LockMode === 3;
    const entities: Record<string, unknown>[] = [];
    const documents: DiadocSimDocument[] = [];
    for (const d of msg.DocumentAttachments as Record<string, unknown>[]) {
      const sc = d.SignedContent as { Content?: string; Signature?: string; NameOnShelf?: string; SignatureNameOnShelf?: string };
      const content = sc.NameOnShelf ? this.shelf.read(sc.NameOnShelf, owner)! : Buffer.from(sc.Content ?? '', 'base64');
      const signature = sc.SignatureNameOnShelf
        ? this.shelf.read(sc.SignatureNameOnShelf, owner)
        : sc.Signature
          ? Buffer.from(sc.Signature, 'base64')
          : undefined;
      const type = simDocumentType(d.TypeNamedId as string)!;
      const metadata = ((d.Metadata ?? []) as { Key: string; Value: string }[]).map((m) => ({ key: m.Key, value: m.Value }));
      const entityId = randomUUID();
      const fileName = metadata.find((m) => m.key === 'FileName')?.value ?? `${type.name}.xml`;
      entities.push({
        EntityType: 'Attachment',
        EntityId: entityId,
        Content: { Size: content.length },
        AttachmentType: type.name,
        FileName: fileName,
        NeedRecipientSignature: d.NeedRecipientSignature === true,
        RawCreationDate: ticks(now),
        PacketId: packetId,
        ...(typeof d.Version === 'string' ? { Version: d.Version } : {}),
      });
      let signatureEntityId: string | undefined;
      if (signature) {
        signatureEntityId = randomUUID();
        entities.push({
          EntityType: 'Signature',
          EntityId: signatureEntityId,
          ParentEntityId: entityId,
          Content: { Size: signature.length },
          SignerBoxId: from,
          RawCreationDate: ticks(now),
          PacketId: packetId,
        });
      }
      if (typeof d.Comment === 'string' && d.Comment) {
        const comment = Buffer.from(d.Comment, 'utf8');
        entities.push({
          EntityType: 'Attachment',
          EntityId: randomUUID(),
          ParentEntityId: entityId,
          AttachmentType: 'AttachmentComment',
          Content: { Size: comment.length, Data: comment.toString('base64') },
          RawCreationDate: ticks(now),
          PacketId: packetId,
        });
      }
      documents.push({
        entityId,
        ...(signatureEntityId ? { signatureEntityId } : {}),
        typeNamedId: d.TypeNamedId as string,
        ...(typeof d.Function === 'string' ? { function: d.Function } : {}),
        ...(typeof d.Version === 'string' ? { version: d.Version } : {}),
        ...(typeof d.Comment === 'string' ? { comment: d.Comment } : {}),
        ...(typeof d.CustomDocumentId === 'string' ? { customDocumentId: d.CustomDocumentId } : {}),
        ...(sc.NameOnShelf ? { nameOnShelf: sc.NameOnShelf } : {}),
        metadata,
        needRecipientSignature: d.NeedRecipientSignature === true,
        contentBytes: content.length,
        contentSha256: sha256(content),
        ...(signature ? { signatureBytes: signature.length, signatureSha256: sha256(signature) } : {}),
      });
    }
    const reply = {
      MessageId: messageId,
      TimestampTicks: ticks(now),
      LastPatchTimestampTicks: ticks(now),
      FromBoxId: from,
      FromTitle: 'ООО «Песочница»',
      ...(to ? { ToBoxId: to, ToTitle: `Контрагент ${to}` } : {}),
      Entities: entities,
      IsDraft: isDraft,
      IsTest: true,
      IsInternal: msg.IsInternal === true,
      PacketIsLocked: lockPacket,
      LockMode: lockPacket ? 'Full' : 'None',
      MessageType: isDraft ? 'Draft' : 'Letter',
    };
    this.messages.push({
      messageId,
      operationId,
      fromBoxId: from,
      toBoxId: to,
      isDraft,
      lockPacket,
      delaySend: msg.DelaySend === true,
      documents,
      createdAt: now,
      reply,
    });
    return reply;
  }
}

/** §12.2: a value in the format its metadata item's Type states; FileName without the forbidden characters. */
function valueProblem(key: string, type: number, value: string): string | undefined {
  if (key === 'FileName' && (/[<>:"/\\|?*]/.test(value) || /[. ]$/.test(value)))
    return `FileName ${value} must not contain < > : " / \\ | ? * or end with a dot or a space`;
  if (type === MetadataType.Integer && !/^-?\d+$/.test(value)) return `${key} must be a whole number`;
  if (type === MetadataType.Decimal && !/^-?\d+(?:[.,]\d+)?$/.test(value)) return `${key} must be a number`;
  if (type === MetadataType.Date) {
    const m = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(value);
    const date = m ? new Date(Date.UTC(Number(m[3]), Number(m[2]) - 1, Number(m[1]))) : undefined;
    if (!m || !date || date.getUTCDate() !== Number(m[1]) || date.getUTCMonth() !== Number(m[2]) - 1)
      return `${key} must be a date as DD.MM.YYYY`;
  }
  if (type === MetadataType.Time && !/^([01]\d|2[0-3]):[0-5]\d$/.test(value)) return `${key} must be a time as hh:mm`;
  return undefined;
}
