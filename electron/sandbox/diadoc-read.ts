import { createHash } from 'node:crypto';
import { notGuidBox } from './diadoc-box-id.ts';
import { seeded, SimPace } from './sim-pace.ts';
import type { ReceivedRequest, SimResponse, SimServer } from './server.ts';

/**
 * Diadoc's counterparty directory (diadoc.md §12.1) on the Diadoc simulator's server:
 * `GET /V3/GetCounteragents` (`myBoxId`, `counteragentStatus`, `afterIndexKey`, `query` — not
 * with `afterIndexKey` —, `pageSize` 1–100), `GET /GetOrganizationsByInnKpp` (`inn`, `kpp`) and
 * `GET /GetOrganization` (one organisation).
 * JSON only (the app always asks for it; the protobuf default is not simulated). §12.7 lists 429
 * without numbers: the sandbox allows 20 requests a second per token.
 */
interface Org {
  OrgId: string;
  Inn: string;
  Kpp: string;
  FullName: string;
  ShortName: string;
  Boxes: { BoxId: string; BoxIdGuid: string; Title: string }[];
  Ogrn: string;
  IsRoaming: boolean;
  IsTest: boolean;
  // Required in Organization.proto (specs/diadoc/proto), so every answer carries them.
  Sociability: 'AllOrganizations' | 'CounteragentsOnly';
  OrganizationType: 'Individual' | 'Juridical';
  ReadyForEpdStatus: 'UndefinedEpdStatus';
}
interface Counteragent {
  IndexKey: string;
  Organization: Org;
  CurrentStatus: string;
  LastEventTimestampTicks: number;
}

const guid = (s: string) => {
  const h = createHash('md5').update(s).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};
const refuse = (status: number, code: string, text: string): SimResponse => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8', 'X-Diadoc-ErrorCode': code },
  body: text,
});
const kinds = ['ООО', 'АО', 'ИП', 'ПАО'];
const words = ['Ромашка', 'Вектор', 'Север', 'Техснаб', 'Альфа', 'Гранит', 'Меридиан', 'Орион', 'Самоцвет', 'Лотос', 'Прогресс'];
// Values of CounteragentStatus in Counteragent.proto; the query's `Rejected` filter stands for both rejections.
const statuses = ['IsMyCounteragent', 'IsMyCounteragent', 'IsMyCounteragent', 'InvitesMe', 'IsInvitedByMe', 'RejectsMe', 'IsRejectedByMe'];
const rejected = new Set(['RejectsMe', 'IsRejectedByMe']);

export interface DiadocReadOptions {
  counteragents?: number;
}

export class DiadocReadSide {
  readonly counteragents: Counteragent[] = [];
  /** Organisations in Diadoc that are no counterparty yet: found by INN only. */
  readonly strangers: Org[] = [];
  private readonly pace = new SimPace();
  private readonly authProblem: (req: ReceivedRequest) => SimResponse | undefined;
  private readonly ownBox: (boxId: string) => string | undefined;

  constructor(
    server: SimServer,
    authProblem: (req: ReceivedRequest) => SimResponse | undefined,
    ownBox: (boxId: string) => string | undefined,
    opts: DiadocReadOptions = {},
  ) {
    this.authProblem = authProblem;
    this.ownBox = ownBox;
    this.seed(opts.counteragents ?? 250);
    server.route('GET', '/V3/GetCounteragents', (req) => this.guard(req, () => this.list(req)));
    server.route('GET', '/GetOrganizationsByInnKpp', (req) => this.guard(req, () => this.byInn(req)));
    server.route('GET', '/GetOrganization', (req) => this.guard(req, () => this.one(req)));
  }

  private org(i: number): Org {
    const rnd = seeded(1000 + i);
    const inn = String(7700000000 + Math.floor(rnd() * 99_999_999)).slice(0, 10);
    const name = `${words[i % words.length]}${i >= words.length ? `-${Math.floor(i / words.length)}` : ''}`;
    const kind = kinds[i % kinds.length]!;
    const box = `${createHash('md5').update(`box${i}`).digest('hex')}@diadoc.ru`;
    return {
      OrgId: guid(`org${i}`),
      Inn: inn,
      Kpp: kind === 'ИП' ? '' : `77${String(1000000 + i).slice(-7)}`,
      FullName: `${kind} «${name}»`,
      ShortName: `${kind} ${name}`,
      Boxes: [{ BoxId: box, BoxIdGuid: guid(box), Title: `${kind} «${name}»` }],
      Ogrn: String(1027700000000 + i),
      IsRoaming: false,
      IsTest: true,
      Sociability: 'AllOrganizations',
      OrganizationType: kind === 'ИП' ? 'Individual' : 'Juridical',
      ReadyForEpdStatus: 'UndefinedEpdStatus',
    };
  }

  private seed(n: number): void {
    for (let i = 0; i < n; i++)
      this.counteragents.push({
        IndexKey: `ik${String(i).padStart(8, '0')}`,
        Organization: this.org(i),
        CurrentStatus: statuses[i % statuses.length]!,
        LastEventTimestampTicks: 638_000_000_000_000_000 + i * 10_000_000,
      });
    for (let i = n; i < n + 20; i++) this.strangers.push(this.org(i));
  }

  /** Auth, JSON and the pace, for every read method of the simulator (diadoc-documents.ts too). */
  guard(req: ReceivedRequest, next: () => SimResponse): SimResponse {
    const denied = this.authProblem(req);
    if (denied) return denied;
    if (
      !String(req.headers.accept ?? '')
        .toLowerCase()
        .includes('application/json')
    )
      return refuse(406, 'Http.NotAcceptable', 'The sandbox answers read methods in JSON only: send Accept: application/json');
    if (!this.pace.admit(String(req.headers.authorization ?? ''), 20, 1000))
      return refuse(429, 'Http.TooManyRequests', 'Превышено ограничение на количество запросов в единицу времени');
    return next();
  }

  private list(req: ReceivedRequest): SimResponse {
    const myBoxId = req.query.get('myBoxId') ?? req.query.get('boxId');
    if (!myBoxId) return refuse(400, 'Http.BadRequest', 'myBoxId is required');
    const notGuid = notGuidBox('myBoxId', myBoxId);
    if (notGuid) return notGuid;
    if (!this.ownBox(myBoxId)) return refuse(403, 'Http.Forbidden', 'Access to the box is denied');
    const pageSize = req.query.get('pageSize') === null ? 100 : Number(req.query.get('pageSize'));
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) return refuse(400, 'Http.BadRequest', 'pageSize must be 1–100');
    const after = req.query.get('afterIndexKey');
    const query = req.query.get('query');
    if (after && query) return refuse(400, 'Http.BadRequest', 'query cannot be combined with afterIndexKey');
    const status = req.query.get('counteragentStatus');
    const q = query?.toLowerCase();
    const all = this.counteragents.filter(
      (c) =>
        (!status || c.CurrentStatus === status || (status === 'Rejected' && rejected.has(c.CurrentStatus))) &&
        (!q || c.Organization.Inn.includes(q) || c.Organization.FullName.toLowerCase().includes(q)),
    );
    // §12.1 paging: the next page starts after the item whose IndexKey is given (that item excluded).
    const start = after ? all.findIndex((c) => c.IndexKey > after) : 0;
    const page = start < 0 ? [] : all.slice(start, start + pageSize);
    return { status: 200, body: { TotalCount: all.length, TotalCountType: 'Equal', Counteragents: page } };
  }

  /**
   * §12.1 `GET /GetOrganization` with exactly one of `orgId`, `boxId`, `fnsParticipantId`, `inn` (+`kpp`);
   * a box in either of its forms (the sheet does not restrict this look-up to the GUID). 404 when unknown.
   */
  private one(req: ReceivedRequest): SimResponse {
    const keys = ['orgId', 'boxId', 'fnsParticipantId', 'inn'].filter((k) => req.query.get(k));
    if (keys.length !== 1) return refuse(400, 'Http.BadRequest', 'Exactly one of orgId, boxId, fnsParticipantId, inn is required');
    const value = req.query.get(keys[0]!)!.trim().toLowerCase();
    const kpp = req.query.get('kpp');
    const all = [...this.counteragents.map((c) => c.Organization), ...this.strangers];
    const found = all.find((o) => {
      if (keys[0] === 'orgId') return o.OrgId === value;
      if (keys[0] === 'boxId') return o.Boxes.some((b) => b.BoxId.toLowerCase() === value || b.BoxIdGuid === value);
      if (keys[0] === 'inn') return o.Inn === value && (!kpp || o.Kpp === kpp);
      return false;
    });
    return found ? { status: 200, body: found } : refuse(404, 'Http.NotFound', `Organization is not found by ${keys[0]}`);
  }

  private byInn(req: ReceivedRequest): SimResponse {
    const inn = req.query.get('inn');
    if (!inn || !/^(\d{10}|\d{12})$/.test(inn)) return refuse(400, 'Http.BadRequest', 'inn must be 10 or 12 digits');
    const kpp = req.query.get('kpp');
    const found = [...this.counteragents.map((c) => c.Organization), ...this.strangers].filter(
      (o) => o.Inn === inn && (!kpp || o.Kpp === kpp),
    );
    return { status: 200, body: { Organizations: found } };
  }
}
