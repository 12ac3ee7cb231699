import { describe, expect, it } from 'vitest';
import { characterCount } from './characters.ts';
import { checkGreenApiMessage, type GreenApiMessage } from './green-api.ts';

const msg = (text: string): GreenApiMessage => ({ provider: 'greenapi', recipientType: 'individual', to: '79001234567', text });

describe('the Green-API text length', () => {
  it('counts characters as code points: 4096 with 150 emoji pass, 4097 are refused', () => {
    const text = '😀'.repeat(150) + 'я'.repeat(4096 - 150);
    expect(text.length).toBe(4246);
    expect(characterCount(text)).toBe(4096);
    expect(checkGreenApiMessage(msg(text), 'v1')).toEqual([]);
    expect(checkGreenApiMessage(msg(`${text}!`), 'v1')).toEqual([{ field: 'text', reason: 'too_long', limit: 4096 }]);
  });

  it('holds both forms to 4096: the instance API’s 20 000 is one of two revisions the sheet quotes', () => {
    expect(checkGreenApiMessage(msg('a'.repeat(4096)), 'instance')).toEqual([]);
    expect(checkGreenApiMessage(msg('a'.repeat(4097)), 'instance')).toEqual([{ field: 'text', reason: 'too_long', limit: 4096 }]);
  });
});
