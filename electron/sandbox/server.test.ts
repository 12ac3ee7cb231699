import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimServer } from './server.ts';

const server = new SimServer();
server.route('POST', '/echo', (req) => ({ status: 200, body: { bytes: req.body.byteLength } }));
let port = 0;
beforeAll(async () => {
  port = Number(new URL(await server.start()).port);
});
afterAll(() => server.stop());

/** One raw HTTP/1.1 connection, so the test decides when it is reused (fetch would pick for itself). */
function rawConnection(): Promise<{ socket: Socket; exchange: (body: string) => Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      let pending: ((answer: string) => void) | undefined;
      let failed: ((e: Error) => void) | undefined;
      let received = '';
      socket.on('data', (d) => {
        received += d.toString('latin1');
        // The simulator answers chunked, so an answer ends with the last, empty chunk.
        if (received.endsWith('\r\n0\r\n\r\n') && pending) {
          pending(received);
          received = '';
        }
      });
      socket.on('error', (e) => failed?.(e));
      socket.on('end', () => failed?.(new Error(`the server closed the connection (read so far: ${JSON.stringify(received)})`)));
      resolve({
        socket,
        exchange: (body) =>
          new Promise<string>((ok, fail) => {
            pending = ok;
            failed = fail;
            socket.write(`POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
          }),
      });
    });
    socket.once('error', reject);
  });
}

describe('the simulators’ HTTP server: kept-alive connections', () => {
  it('keeps an idle connection open past Node’s 5 s, so a client that reuses it late is answered, not reset', async () => {
    const { socket, exchange } = await rawConnection();
    const first = await exchange('a');
    expect(first).toMatch(/^HTTP\/1\.1 200 /);
    expect(first.toLowerCase()).toContain('keep-alive: timeout=75');
    // Longer than Node's default 5 s plus its 1 s grace, which a starved fetch client outlived.
    await new Promise((r) => setTimeout(r, 6_500));
    expect(await exchange('bb')).toMatch(/^HTTP\/1\.1 200 [\s\S]*\{"bytes":2\}/);
    socket.destroy();
  });
});
