import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback URL where nothing listens: a port just freed, so a connection is refused. */
export async function closedPortUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}
