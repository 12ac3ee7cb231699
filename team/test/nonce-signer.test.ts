import { createUser } from '@nats-io/nkeys';
import { jwtAuthenticator } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { nonceSigner } from '../client/nonce-signer.ts';

describe("the desktop's answer to nats-server's nonce, signed by Node's crypto", () => {
  it('is what the NATS library would answer with the same key and JWT', () => {
    for (let i = 0; i < 5; i++) {
      const key = createUser();
      const nonce = `nonce-${i}-${Math.random().toString(36).slice(2)}`;
      const library = jwtAuthenticator('the.jwt', key.getSeed())(nonce);
      expect(nonceSigner(() => 'the.jwt', key)(nonce)).toEqual(library);
      expect(key.verify(new TextEncoder().encode(nonce), Buffer.from((library as { sig: string }).sig, 'base64'))).toBe(true);
    }
  });

  it('hands the newest JWT at each connect', () => {
    let jwt = 'first.jwt';
    const signer = nonceSigner(() => jwt, createUser());
    expect(signer('n1')).toMatchObject({ jwt: 'first.jwt' });
    jwt = 'refreshed.jwt';
    expect(signer('n2')).toMatchObject({ jwt: 'refreshed.jwt' });
  });
});
