import { useCallback } from 'react';
import type { ProviderId } from '../../shared/providers.ts';
import { useUi } from '../store.ts';

interface Saved<R, B> {
  recipient: R;
  body: B;
  /** The recipient the body belongs to; undefined while the body is not yet tied to anyone. */
  boundKey?: string;
}

/**
 * A composer's recipient and body, persisted as drafts. A body is tied to the first valid
 * recipient it is written for; switching to another valid recipient shows that recipient's own
 * draft (or an empty body), so text never travels to someone else. A half-typed recipient
 * changes nothing, so editing a number does not wipe the text.
 */
export function useComposerState<R, B extends Record<string, unknown>>(
  provider: ProviderId,
  initial: { recipient: R; body: B },
  keyOf: (r: R) => string | undefined,
) {
  const saved = useUi((s) => s.composer[provider]) as Saved<R, B> | undefined;
  const setComposer = useUi((s) => s.setComposer);
  const setDraft = useUi((s) => s.setDraft);
  const state: Saved<R, B> = saved ?? { recipient: initial.recipient, body: initial.body };
  const draftKey = (k: string) => `${provider}:${k}`;

  const write = useCallback(
    (next: Saved<R, B>) => setComposer(provider, next as unknown as Record<string, unknown>),
    [provider, setComposer],
  );

  const setRecipient = useCallback(
    (recipient: R) => {
      const cur = (useUi.getState().composer[provider] as Saved<R, B> | undefined) ?? { recipient: initial.recipient, body: initial.body };
      const key = keyOf(recipient);
      if (!key || key === cur.boundKey) return write({ ...cur, recipient });
      const stored = useUi.getState().drafts[draftKey(key)] as B | undefined;
      if (cur.boundKey === undefined) {
        const body = stored ?? cur.body;
        if (!stored && !isEmpty(cur.body)) setDraft(draftKey(key), cur.body);
        return write({ recipient, body, boundKey: key });
      }
      write({ recipient, body: stored ?? initial.body, boundKey: key });
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [provider, write, setDraft],
  );

  const setBody = useCallback(
    (patch: Partial<B>) => {
      const cur = (useUi.getState().composer[provider] as Saved<R, B> | undefined) ?? { recipient: initial.recipient, body: initial.body };
      const body = { ...cur.body, ...patch };
      write({ ...cur, body });
      if (cur.boundKey) setDraft(draftKey(cur.boundKey), isEmpty(body) ? undefined : body);
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [provider, write, setDraft],
  );

  /** After a send: the body is gone for this recipient; the recipient stays for the next message. */
  const clearBody = useCallback(() => {
    const cur = useUi.getState().composer[provider] as Saved<R, B> | undefined;
    if (cur?.boundKey) setDraft(draftKey(cur.boundKey), undefined);
    write({ recipient: cur?.recipient ?? initial.recipient, body: initial.body, ...(cur?.boundKey ? { boundKey: cur.boundKey } : {}) });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [provider, write, setDraft]);

  return { recipient: state.recipient, body: state.body, setRecipient, setBody, clearBody };
}

function isEmpty(body: Record<string, unknown>): boolean {
  return Object.values(body).every((v) => v === '' || v === undefined || v === null || v === false || (Array.isArray(v) && v.length === 0));
}
