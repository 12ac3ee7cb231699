/**
 * Where team mode's data lives in NATS JetStream. Each team is its own NATS account, so one team
 * can never name another team's subjects; inside the account, an operator's permissions (signed by
 * the team server into the operator's short-lived user JWT, see permissions.ts) let them publish
 * only under their own operator id. Whatever a subject says about who wrote a message is therefore
 * enforced by the server, not claimed by the desktop.
 *
 * Subject tokens must not contain `.`, `*`, `>` or white space: ids are checked by `isToken`, and
 * free text (a chat key) is carried in base64url (`keyOf`).
 */
export const streams = {
  /** Every send's summary and each later status, one message each: `sends.<operatorId>.<sendId>`. */
  sends: 'SENDS',
  /** The append-only audit trail the team server writes: `audit.<kind>.<operatorId>`. */
  audit: 'AUDIT',
} as const;

export const buckets = {
  /** Key = keyOf(chat). Written only by the team server's service (compare-and-set at a revision). */
  claims: 'claims',
  /** Key = template id. Written only by the service, over the revision the edit was based on. */
  templates: 'templates',
  /** Key = operator id. Each desktop writes its own key only. */
  presence: 'presence',
  /** Key = operator id → the operator's display name, written by the server at sign-in. */
  operators: 'operators',
} as const;

/** The service's queue group: several API processes may serve one team. */
export const serviceQueue = 'team-service';

const tokenPattern = /^[A-Za-z0-9_-]{1,128}$/;
export const isToken = (s: string): boolean => tokenPattern.test(s);

/** A subject- and key-safe form of free text (a chat's `account + recipient`). */
export const keyOf = (text: string): string => Buffer.from(text, 'utf8').toString('base64url') || '_';

export const subjects = {
  send: (operatorId: string, sendId: string) => `sends.${operatorId}.${sendId}`,
  allSends: 'sends.>',
  /** Every record of one send, whoever published it (its trail). */
  sendRecords: (sendId: string) => `sends.*.${sendId}`,
  audit: (kind: AuditKind, operatorId: string) => `audit.${kind}.${operatorId}`,
  allAudit: 'audit.>',
  conflicts: 'audit.conflict.*',
  /** Requests to the team server's service, by the operator who asks (enforced by permissions). */
  service: (operatorId: string, method: ServiceMethod) => `svc.${operatorId}.${method}`,
  allService: 'svc.*.*',
} as const;

/**
 * Each desktop's own inbox prefix (its connection's `inboxPrefix`): replies to its requests and the
 * deliveries of its consumers and watches come under it, and its JWT lets it subscribe there only, so
 * one operator cannot read what was meant for another. Added with the per-operator inboxes.
 */
export const desktopInbox = (operatorId: string) => `_INBOX_${operatorId}`;

export const serviceMethods = ['claim', 'release', 'template-save', 'template-delete'] as const;
export type ServiceMethod = (typeof serviceMethods)[number];

export const auditKinds = ['send', 'status', 'conflict', 'claim', 'release', 'template', 'template_delete'] as const;
export type AuditKind = (typeof auditKinds)[number];

/** Parses `sends.<operatorId>.<sendId>`; undefined for anything else. */
export function parseSendSubject(subject: string): { operatorId: string; sendId: string } | undefined {
  const [head, operatorId, sendId, ...rest] = subject.split('.');
  if (head !== 'sends' || !operatorId || !sendId || rest.length) return undefined;
  return { operatorId, sendId };
}

/** Parses `svc.<operatorId>.<method>`; undefined for anything else. */
export function parseServiceSubject(subject: string): { operatorId: string; method: ServiceMethod } | undefined {
  const [head, operatorId, method, ...rest] = subject.split('.');
  if (head !== 'svc' || !operatorId || rest.length) return undefined;
  const m = serviceMethods.find((x) => x === method);
  return m ? { operatorId, method: m } : undefined;
}
