import { type SendError } from '../shared/errors.ts';
import { sendError } from '../shared/operator-error.ts';

/**
 * The most one call may carry across the boundary, counted before any schema looks at it. The
 * largest real call is an accounts import (1 000 000 characters); everything else is far smaller.
 * Both transports use it: main on the value Electron hands over, the harness on the body's bytes.
 */
export const PAYLOAD_CAP = 4 * 1024 * 1024;

/** What both transports answer with for a call over the cap: nothing of it is parsed or stored. */
export function payloadTooLarge(cap: number = PAYLOAD_CAP): { ok: false; error: SendError } {
  return {
    ok: false,
    error: sendError('too_large', `The request is larger than the app accepts (${cap} bytes); nothing was done.`, {
      reason: 'request_too_large',
      limit: cap,
    }),
  };
}

/**
 * True when a value would weigh more than `cap` as JSON: strings by their UTF-8 bound (3 bytes
 * per UTF-16 unit at most), keys likewise, every other node a few bytes. It walks without
 * recursion and stops as soon as the cap is passed, so a hostile payload (a huge string, a
 * million tiny items, deep nesting) costs no more than the cap to refuse.
 */
export function exceedsPayloadCap(value: unknown, cap: number = PAYLOAD_CAP): boolean {
  let weight = 0;
  const stack: unknown[] = [value];
  const seen = new Set<object>();
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') weight += v.length * 3 + 2;
    else if (v !== null && typeof v === 'object') {
      // Structured clone keeps shared references and cycles; each object is weighed once.
      if (seen.has(v)) continue;
      seen.add(v);
      weight += 2;
      if (ArrayBuffer.isView(v)) weight += v.byteLength;
      else if (v instanceof ArrayBuffer) weight += v.byteLength;
      else if (Array.isArray(v)) {
        weight += v.length;
        if (weight > cap) return true;
        for (const item of v) stack.push(item);
      } else {
        for (const key of Object.keys(v)) {
          weight += key.length * 3 + 3;
          if (weight > cap) return true;
          stack.push((v as Record<string, unknown>)[key]);
        }
      }
    } else weight += 8;
    if (weight > cap) return true;
  }
  return false;
}
