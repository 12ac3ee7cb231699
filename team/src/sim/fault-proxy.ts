import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP relay on loopback between some simulated desktops and nats-server, so the simulation can
 * break their connections the two ways a network does: `drop()` resets every open connection (the
 * desktop hears it at once), `stall()` keeps every connection open and silently stops carrying
 * bytes in both directions — no FIN, no RST — as a dead NAT entry or a frozen Wi-Fi link does. Only
 * a liveness check of the client's own (the NATS client's ping) can notice that. New connections made while
 * stalled are accepted and stall too, until `resume()`.
 */
export interface FaultProxy {
  host: string;
  port: number;
  drop(): void;
  stall(): void;
  resume(): void;
  readonly open: number;
  close(): Promise<void>;
}

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  const pairs = new Set<{ a: Socket; b: Socket }>();
  let stalled = false;
  const server = createServer((a) => {
    const b = connect(target.port, target.host);
    const pair = { a, b };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      a.destroy();
      b.destroy();
    };
    a.on('error', end).on('close', end);
    b.on('error', end).on('close', end);
    // Bytes are relayed by hand rather than piped, so a stall can swallow them without closing anything.
    a.on('data', (d) => {
      if (!stalled) b.write(d);
    });
    b.on('data', (d) => {
      if (!stalled) a.write(d);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    drop() {
      for (const { a, b } of pairs) {
        a.resetAndDestroy();
        b.destroy();
      }
      pairs.clear();
    },
    stall() {
      stalled = true;
    },
    resume() {
      // Connections that lost bytes while stalled are not closed here: what the desktop does with
      // them (its connect timeout, its ping) is part of what is measured.
      stalled = false;
    },
    get open() {
      return pairs.size;
    },
    async close() {
      for (const { a, b } of pairs) {
        a.destroy();
        b.destroy();
      }
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
