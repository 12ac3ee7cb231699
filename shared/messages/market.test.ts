import { describe, expect, it } from 'vitest';
import { outgoingMessageSchema } from './outgoing-schema.ts';
import { checkMarketMessage, isMarketId, marketLimits, normalizeMarketId, type MarketMessage } from './market.ts';

const text = (over: Partial<MarketMessage> = {}): MarketMessage => ({
  provider: 'market',
  businessId: '100500',
  chatId: '42',
  kind: 'text',
  text: 'Здравствуйте! Заказ передан в доставку.',
  ...over,
});
const file = (over: Partial<MarketMessage> = {}): MarketMessage => ({
  provider: 'market',
  businessId: '100500',
  chatId: '42',
  kind: 'file',
  file: 'f_abcdefgh12',
  ...over,
});

describe('Market message', () => {
  it('is one option of the outgoing union, told apart by provider', () => {
    expect(outgoingMessageSchema.parse(text())).toEqual(text());
    expect(outgoingMessageSchema.parse(file())).toEqual(file());
    expect(outgoingMessageSchema.safeParse({ ...text(), kind: 'sticker' }).success).toBe(false);
    expect(outgoingMessageSchema.safeParse({ provider: 'market', businessId: 1, chatId: '42', kind: 'text' }).success).toBe(false);
  });

  it('takes 1 to 4096 characters of text, counted in code points as the schema’s maxLength counts', () => {
    expect(checkMarketMessage(text({ text: 'я' }))).toEqual([]);
    expect(checkMarketMessage(text({ text: 'я'.repeat(4096) }))).toEqual([]);
    expect(checkMarketMessage(text({ text: 'я'.repeat(4097) }))).toEqual([{ field: 'text', reason: 'too_long', limit: 4096 }]);
    // 4096 emoji are 8192 UTF-16 units but 4096 characters.
    expect(checkMarketMessage(text({ text: '😀'.repeat(4096) }))).toEqual([]);
    expect(checkMarketMessage(text({ text: '😀'.repeat(4096) + '!' }))).toEqual([{ field: 'text', reason: 'too_long', limit: 4096 }]);
  });

  it('calls an empty or blank text missing', () => {
    expect(checkMarketMessage(text({ text: '' }))).toEqual([{ field: 'text', reason: 'required' }]);
    expect(checkMarketMessage(text({ text: ' \n\t ' }))).toEqual([{ field: 'text', reason: 'required' }]);
    expect(checkMarketMessage(text({ text: undefined }))).toEqual([{ field: 'text', reason: 'required' }]);
  });

  it('needs both ids as int64 ≥ 1 in digits', () => {
    expect(checkMarketMessage(text({ businessId: '', chatId: ' ' }))).toEqual([
      { field: 'businessId', reason: 'required' },
      { field: 'chatId', reason: 'required' },
    ]);
    expect(checkMarketMessage(text({ chatId: '0' }))).toEqual([{ field: 'chatId', reason: 'bad_format' }]);
    expect(checkMarketMessage(text({ chatId: '-5' }))).toEqual([{ field: 'chatId', reason: 'bad_format' }]);
    expect(checkMarketMessage(text({ chatId: '12a' }))).toEqual([{ field: 'chatId', reason: 'bad_format' }]);
    expect(checkMarketMessage(text({ businessId: '9223372036854775808' }))).toEqual([{ field: 'businessId', reason: 'bad_format' }]);
    expect(checkMarketMessage(text({ businessId: '9223372036854775807', chatId: '12 345' }))).toEqual([]);
    expect(isMarketId('007')).toBe(false);
    expect(normalizeMarketId(' 12 345\u00a0678 ')).toBe('12345678');
  });

  it('takes a file of up to 5 × 1024 × 1024 bytes and refuses one byte more', () => {
    expect(marketLimits.fileMaxBytes).toBe(5_242_880);
    expect(checkMarketMessage(file(), 5_242_880)).toEqual([]);
    expect(checkMarketMessage(file(), 5_242_881)).toEqual([{ field: 'file', reason: 'file_too_big', limit: 5_242_880 }]);
    expect(checkMarketMessage(file(), 0)).toEqual([{ field: 'file', reason: 'file_empty' }]);
    expect(checkMarketMessage(file())).toEqual([]);
  });

  it('keeps a send to one kind: a text has no file, a file has no text', () => {
    expect(checkMarketMessage(file({ file: undefined }))).toEqual([{ field: 'file', reason: 'required' }]);
    expect(checkMarketMessage(file({ text: 'подпись' }))).toEqual([{ field: 'text', reason: 'invalid_value' }]);
    expect(checkMarketMessage(text({ file: 'f_abcdefgh12' }))).toEqual([{ field: 'file', reason: 'invalid_value' }]);
  });
});
