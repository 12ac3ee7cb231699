import { describe, expect, it } from 'vitest';
import { checkPachcaMessage, type PachcaMessage } from './pachca.ts';

const msg = (over: Partial<PachcaMessage> = {}): PachcaMessage => ({
  provider: 'pachca',
  entityType: 'discussion',
  entityId: 334,
  content: 'Заказ отправлен',
  ...over,
});

describe('the Pachca message limits', () => {
  it('counts button texts in code points: 255 emoji fit, 256 do not', () => {
    const button = (text: string) => ({ text, data: 'ok' });
    expect(checkPachcaMessage(msg({ buttons: [[button('👍'.repeat(255))]] }), { isBot: false })).toEqual([]);
    expect(checkPachcaMessage(msg({ buttons: [[button('👍'.repeat(256))]] }), { isBot: false })).toEqual([
      { field: 'buttons.0.0.text', reason: 'too_long', limit: 255 },
    ]);
  });

  it('keeps both readings of the button limits: 8 a row, 100 in all, and 32 rows', () => {
    const rows = (n: number) => Array.from({ length: n }, () => [{ text: 'Да', data: 'yes' }]);
    expect(checkPachcaMessage(msg({ buttons: rows(32) }), { isBot: false })).toEqual([]);
    expect(checkPachcaMessage(msg({ buttons: rows(33) }), { isBot: false })).toEqual([
      { field: 'buttons', reason: 'too_many_rows', limit: 32 },
    ]);
  });
});
