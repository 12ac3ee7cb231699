import { providerIds, type ProviderId } from '../shared/providers.ts';

/**
 * The part of the UI state kept in localStorage between runs, read back by hand-written guards:
 * the renderer stays free of schema libraries, and localStorage is storage like any other (an older
 * build, a second window, a hand edit in DevTools). Each piece is checked on its own, so one bad
 * draft costs that draft and not the others; a piece of the wrong shape falls back to its default.
 */
export type View = ProviderId | 'history' | 'templates' | 'accounts' | 'settings';

export interface PersistedUi {
  view: View;
  accountByProvider: Partial<Record<ProviderId, string>>;
  composer: Partial<Record<ProviderId, Record<string, unknown>>>;
  drafts: Record<string, Record<string, unknown>>;
  editing: Partial<Record<ProviderId, { sendId: string; scheduledAt: number }>>;
}

/** Bumped when the stored shape changes; `readPersistedUi` reads every earlier version it knows. */
export const PERSISTED_UI_VERSION = 1;

const views: ReadonlySet<unknown> = new Set<View>([...providerIds, 'history', 'templates', 'accounts', 'settings']);
const providers: ReadonlySet<unknown> = new Set(providerIds);

function isView(v: unknown): v is View {
  return views.has(v);
}
function isProvider(v: unknown): v is ProviderId {
  return providers.has(v);
}
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function isEdit(v: unknown): v is { sendId: string; scheduledAt: number } {
  return isRecord(v) && typeof v.sendId === 'string' && typeof v.scheduledAt === 'number' && Number.isFinite(v.scheduledAt);
}

/** The entries of a stored record whose key and value pass the guards; anything else is dropped. */
function entriesOf<K extends string, V>(v: unknown, isKey: (k: string) => k is K, isValue: (x: unknown) => x is V): Partial<Record<K, V>> {
  const out: Partial<Record<K, V>> = {};
  if (!isRecord(v)) return out;
  for (const [k, x] of Object.entries(v)) if (isKey(k) && isValue(x)) out[k] = x;
  return out;
}

function draftsOf(v: unknown): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  if (isRecord(v)) for (const [k, x] of Object.entries(v)) if (isRecord(x)) out[k] = x;
  return out;
}
const isString = (x: unknown): x is string => typeof x === 'string';

export const emptyPersistedUi: PersistedUi = { view: 'greenapi', accountByProvider: {}, composer: {}, drafts: {}, editing: {} };

/** What localStorage held, as the shape above; never throws. */
export function readPersistedUi(stored: unknown): PersistedUi {
  if (!isRecord(stored)) return emptyPersistedUi;
  return {
    view: isView(stored.view) ? stored.view : emptyPersistedUi.view,
    accountByProvider: entriesOf(stored.accountByProvider, isProvider, isString),
    composer: entriesOf(stored.composer, isProvider, isRecord),
    drafts: draftsOf(stored.drafts),
    editing: entriesOf(stored.editing, isProvider, isEdit),
  };
}

/**
 * Whether a stored value has the shape of `template` (a composer's initial recipient or body): every
 * key of the template either absent or holding the same kind of value, nested objects alike, list items like the
 * template's first item. Keys the template lacks (optional fields) are let through as stored.
 */
export function shapedLike<T>(value: unknown, template: T): value is T {
  if (Array.isArray(template)) {
    if (!Array.isArray(value)) return false;
    const item: unknown = template[0];
    return item === undefined || value.every((x) => shapedLike(x, item));
  }
  if (isRecord(template)) {
    if (!isRecord(value)) return false;
    // A field whose start value is empty (undefined, null) may hold anything its type allows later;
    // a field an older build did not store yet is absent, and the reader fills it from the start values.
    return Object.entries(template).every(([k, t]) => t === undefined || t === null || value[k] === undefined || shapedLike(value[k], t));
  }
  if (template === undefined || template === null) return value === template;
  return typeof value === typeof template;
}
