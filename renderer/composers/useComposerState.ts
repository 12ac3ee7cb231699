import { useCallback } from 'react';
import type { ProviderId } from '../../shared/providers.ts';
import { isRecord, shapedLike } from '../persisted-ui.ts';
import { useUi } from '../store.ts';

interface Saved<R, B> {
  recipient: R;
  body: B;
  /** The recipient the body belongs to; undefined while the body is not yet tied to anyone. */
  boundKey?: string;
}

/** What a composer keeps: declared once per composer at module level, so the hook's callbacks stay stable. */
export interface ComposerSpec<R, B> {
  provider: ProviderId;
  initial: { recipient: R; body: B };
  /** The key a draft is filed under, or undefined while the recipient is not yet valid. */
  keyOf: (r: R) => string | undefined;
}

/**
 * A composer's recipient and body, persisted as drafts. A body is tied to the first valid
 * recipient it is written for; switching to another valid recipient shows that recipient's own
 * draft (or an empty body), so text never travels to someone else. A half-typed recipient
 * changes nothing, so editing a number does not wipe the text.
 */
export function useComposerState<R, B extends Record<string, unknown>>(spec: ComposerSpec<R, B>) {
  const { provider, initial } = spec;
  const saved = savedOf(
    spec,
    useUi((s) => s.composer[provider]),
  );
  const setComposer = useUi((s) => s.setComposer);
  const setDraft = useUi((s) => s.setDraft);
  const state: Saved<R, B> = saved ?? { recipient: initial.recipient, body: initial.body };

  const write = useCallback((next: Saved<R, B>) => setComposer(provider, { ...next }), [provider, setComposer]);

  const setRecipient = useCallback(
    (recipient: R) => {
      const cur = savedOf(spec, useUi.getState().composer[spec.provider]) ?? { ...spec.initial };
      const key = spec.keyOf(recipient);
      if (!key || key === cur.boundKey) return write({ ...cur, recipient });
      const stored = bodyOf(spec, useUi.getState().drafts[draftKey(spec, key)]);
      if (cur.boundKey === undefined) {
        const body = stored ?? cur.body;
        if (!stored && !isEmpty(cur.body)) setDraft(draftKey(spec, key), cur.body);
        return write({ recipient, body, boundKey: key });
      }
      write({ recipient, body: stored ?? spec.initial.body, boundKey: key });
    },
    [spec, write, setDraft],
  );

  /** A patch, or one made from the body as it is now (for a change that lands after an await, so nothing typed meanwhile is lost). */
  const setBody = useCallback(
    (change: Partial<B> | ((body: B) => Partial<B>)) => {
      const cur = savedOf(spec, useUi.getState().composer[spec.provider]) ?? { ...spec.initial };
      const body = { ...cur.body, ...(typeof change === 'function' ? change(cur.body) : change) };
      write({ ...cur, body });
      if (cur.boundKey) setDraft(draftKey(spec, cur.boundKey), isEmpty(body) ? undefined : body);
    },
    [spec, write, setDraft],
  );

  /** After a send: the body is gone for this recipient; the recipient stays for the next message. */
  const clearBody = useCallback(() => {
    const cur = savedOf(spec, useUi.getState().composer[spec.provider]);
    if (cur?.boundKey) setDraft(draftKey(spec, cur.boundKey), undefined);
    write({
      recipient: cur?.recipient ?? spec.initial.recipient,
      body: spec.initial.body,
      ...(cur?.boundKey ? { boundKey: cur.boundKey } : {}),
    });
  }, [spec, write, setDraft]);

  return { recipient: state.recipient, body: state.body, setRecipient, setBody, clearBody };
}

/**
 * A composer's stored state, if it still has the composer's shape: a draft written by an older build
 * (or edited by hand) that no longer fits starts the composer empty instead of breaking its fields.
 */
function savedOf<R, B>(spec: ComposerSpec<R, B>, stored: unknown): Saved<R, B> | undefined {
  if (!isRecord(stored)) return undefined;
  const { recipient, body, boundKey } = stored;
  if (!shapedLike(recipient, spec.initial.recipient)) return undefined;
  const b = bodyOf(spec, body);
  if (!b || (boundKey !== undefined && typeof boundKey !== 'string')) return undefined;
  return { recipient: filled(spec.initial.recipient, recipient), body: b, ...(boundKey !== undefined ? { boundKey } : {}) };
}

/** A stored body with the fields an older build did not store filled from the start values. */
function bodyOf<R, B>(spec: ComposerSpec<R, B>, stored: unknown): B | undefined {
  return shapedLike(stored, spec.initial.body) ? filled(spec.initial.body, stored) : undefined;
}

/** `stored` itself when it has every field (so React sees the same object), else a copy with the missing ones from `initial`. */
function filled<T>(initial: T, stored: T): T {
  if (!isRecord(initial) || !isRecord(stored) || Object.keys(initial).every((k) => k in stored)) return stored;
  return { ...initial, ...stored };
}

const draftKey = (spec: { provider: ProviderId }, key: string) => `${spec.provider}:${key}`;

function isEmpty(body: Record<string, unknown>): boolean {
  return Object.values(body).every((v) => v === '' || v === undefined || v === null || v === false || (Array.isArray(v) && v.length === 0));
}
