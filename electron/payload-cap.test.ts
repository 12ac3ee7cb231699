import { describe, expect, it } from 'vitest';
import { exceedsPayloadCap, PAYLOAD_CAP, payloadTooLarge } from './payload-cap.ts';

describe('the payload cap both transports apply before parsing', () => {
  it('lets an ordinary send and a 1 000 000-character accounts import through', () => {
    const send = {
      accountId: 'a_1',
      message: { provider: 'greenapi', recipientType: 'individual', to: '79001234567', text: 'Здравствуйте! '.repeat(290) },
    };
    expect(exceedsPayloadCap(send)).toBe(false);
    expect(exceedsPayloadCap({ json: 'я'.repeat(1_000_000) })).toBe(false);
  });

  it('refuses an 8 MB word wherever it sits in the payload', () => {
    const word = 'ж'.repeat(8 * 1024 * 1024);
    expect(exceedsPayloadCap(word)).toBe(true);
    expect(
      exceedsPayloadCap({
        accountId: 'a_1',
        message: { provider: 'diadoc', documents: [{ file: 'f_12345678', metadata: [{ key: 'DocumentNumber', value: word }] }] },
      }),
    ).toBe(true);
    expect(exceedsPayloadCap({ [word]: 1 })).toBe(true);
  });

  it('refuses a million tiny items as well as one big one, and weighs a shared or cyclic object once', () => {
    expect(exceedsPayloadCap(Array.from({ length: PAYLOAD_CAP + 1 }, () => 0))).toBe(true);
    const cyclic: Record<string, unknown> = { a: 'x' };
    cyclic.self = cyclic;
    expect(exceedsPayloadCap(cyclic)).toBe(false);
    expect(exceedsPayloadCap(new Uint8Array(PAYLOAD_CAP + 1))).toBe(true);
  });

  it('answers with one too_large error that names the cap', () => {
    expect(payloadTooLarge()).toEqual({
      ok: false,
      error: expect.objectContaining({ kind: 'too_large', reason: 'request_too_large', limit: PAYLOAD_CAP }),
    });
  });
});
