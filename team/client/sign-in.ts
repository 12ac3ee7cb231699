import { signInAnswerSchema, type SignInAnswer } from '../protocol/messages.ts';

export type Credentials = { login: string; password: string } | { refreshToken: string };
export type Session = SignInAnswer;

/**
 * Sign-in (password) or refresh (refresh token) over the team server's HTTP API, with the desktop's
 * public NATS key: the answer carries a user JWT for that key. 401 is "bad credentials" (the
 * desktop asks for the password again); anything else that fails is "unreachable".
 */
export async function signIn(server: string, credentials: Credentials, natsKey: string): Promise<Session> {
  const path = 'password' in credentials ? '/v1/login' : '/v1/refresh';
  const r = await fetch(new URL(path, server), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...credentials, natsKey }),
    // Sign-in hashes the password with scrypt: on a busy server that can take seconds.
    signal: AbortSignal.timeout(60_000),
  });
  if (r.status === 401) throw new Error('team_bad_credentials');
  if (!r.ok) throw new Error(`team_server_${r.status}`);
  return signInAnswerSchema.parse(await r.json());
}
