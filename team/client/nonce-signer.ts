import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import type { KeyPair } from '@nats-io/nkeys';
import type { Authenticator } from '@nats-io/transport-node';

const base32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding, as nkeys encodes a seed. */
function fromBase32(text: Uint8Array): Uint8Array {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const c of text) {
    const v = base32.indexOf(String.fromCharCode(c));
    if (v < 0) throw new Error('not an nkeys seed');
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

/** The PKCS#8 wrapping of a raw Ed25519 private key (RFC 8410): a fixed header, then the 32-byte seed. */
const pkcs8Ed25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

/** An nkeys user key pair's private key as Node's own: its seed is 2 prefix bytes, 32 key bytes, 2 check bytes. */
function privateKeyOf(key: KeyPair): KeyObject {
  const raw = fromBase32(key.getSeed()).subarray(2, 34);
  return createPrivateKey({ key: Buffer.concat([pkcs8Ed25519, raw]), format: 'der', type: 'pkcs8' });
}

/**
 * The NATS JWT authenticator with the nonce signed by Node's crypto. The library's own
 * (jwtAuthenticator) derives the key pair from the seed and signs in pure JavaScript at every
 * (re)connect, 10–25 ms of the event loop each: when nats-server comes back, every link reconnects
 * in the same second, and in the storm measurement that was the biggest piece of the desktops'
 * process being a second late. Same key, same deterministic Ed25519 signature.
 */
export function nonceSigner(jwt: () => string, key: KeyPair): Authenticator {
  const privateKey = privateKeyOf(key);
  const nkey = key.getPublicKey();
  return (nonce?: string) => ({
    jwt: jwt(),
    nkey,
    sig: nonce ? sign(null, Buffer.from(nonce, 'utf8'), privateKey).toString('base64') : '',
  });
}
