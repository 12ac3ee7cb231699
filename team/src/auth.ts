import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * Passwords are hashed with scrypt (memory-hard: N=2^15, r=8 uses 32 MiB per guess), tokens are
 * HMAC-signed claims: the API verifies the refresh token when it signs a desktop a new NATS user JWT,
 * which expires with the access token. The signing key lives in the server's data directory and never leaves it.
 */
const N = 1 << 15;
const r = 8;
const p = 1;
const keyLen = 32;
const maxmem = 64 * 1024 * 1024;

function scryptAsync(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, keyLen, { N, r, p, maxmem }, (e, key) => (e ? reject(e) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt);
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, rr, pp, salt, key] = stored.split('$');
  if (kind !== 'scrypt' || Number(n) !== N || Number(rr) !== r || Number(pp) !== p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export const accessTtlMs = 15 * 60_000;
export const refreshTtlMs = 30 * 24 * 3_600_000;

const claimsSchema = z.object({
  kind: z.enum(['access', 'refresh']),
  op: z.string(),
  team: z.string(),
  name: z.string(),
  exp: z.number(),
});
export type TokenClaims = z.infer<typeof claimsSchema>;

export function signToken(key: Buffer, claims: TokenClaims): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const mac = createHmac('sha256', key).update(body).digest('base64url');
  return `${body}.${mac}`;
}

/** The claims of a token this server signed and that has not expired; undefined otherwise. */
export function verifyToken(key: Buffer, token: string, kind: TokenClaims['kind'], now = Date.now()): TokenClaims | undefined {
  const [body, mac] = token.split('.');
  if (!body || !mac) return undefined;
  const expected = createHmac('sha256', key).update(body).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const claims = claimsSchema.safeParse(raw);
  if (!claims.success || claims.data.kind !== kind || claims.data.exp <= now) return undefined;
  return claims.data;
}
