import type { NewSend } from '../history/types.ts';

/** Sends in tests start at 1 Nov 2026, a minute apart, unless a test says otherwise. */
export const T0 = Date.UTC(2026, 10, 1);

/**
 * A pending Green-API text send as the outbox stores it: the one row most history tests and the
 * bench need, numbered so ids, operation ids and times follow from `i`.
 */
export function textSend(
  i: number | string,
  { text = `Сообщение ${i}`, recipient = '79001234567', ...over }: Partial<NewSend> & { text?: string; recipient?: string } = {},
): NewSend {
  return {
    id: `s_${i}`,
    provider: 'greenapi',
    accountId: 'a1',
    accountName: 'WA',
    sandbox: false,
    status: 'pending',
    to: { kind: 'address', id: recipient },
    preview: { kind: 'text', text },
    searchText: text,
    message: { provider: 'greenapi', recipientType: 'individual', to: recipient, text },
    operationId: `op_${i}`,
    createdAt: typeof i === 'number' ? T0 + i * 60_000 : T0,
    ...over,
  };
}
