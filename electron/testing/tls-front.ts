import { readFileSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { createServer } from 'node:tls';

/**
 * A TLS front for a simulator with a certificate no machine trusts (self-signed, made for these
 * tests only; the key guards nothing). A client that accepted it would reach the simulator
 * through it; one that refuses it never sends a byte of HTTP, which is what the tests check.
 */
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

export async function untrustedTlsFront(target: string): Promise<{ url: string; handshakes: () => number; stop: () => Promise<void> }> {
  const { hostname, port } = new URL(target);
  let handshakes = 0;
  const server = createServer({ key: fixture('untrusted-tls.key'), cert: fixture('untrusted-tls.crt') }, (socket) => {
    handshakes++;
    const upstream = connect(Number(port), hostname);
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port: own } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${own}`,
    handshakes: () => handshakes,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
