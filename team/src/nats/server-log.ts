import { closeSync, openSync, renameSync, statSync, writeSync } from 'node:fs';

/**
 * nats-server's log, kept in the data directory for whoever looks into a problem later (the team
 * server's own output stays quiet: a desktop's refused publish or expired JWT is logged there as an
 * error, and those are the desktops' business). Two files at most: at `maxBytes` the current one
 * becomes `<file>.1`, replacing the older one.
 */
export function serverLog(file: string, maxBytes = 10 * 1024 * 1024) {
  let fd = openSync(file, 'a', 0o600);
  let size = statSync(file).size;
  let closed = false;
  return {
    write(chunk: Buffer) {
      if (closed) return;
      if (size + chunk.length > maxBytes) {
        closeSync(fd);
        renameSync(file, `${file}.1`);
        fd = openSync(file, 'a', 0o600);
        size = 0;
      }
      writeSync(fd, chunk);
      size += chunk.length;
    },
    close() {
      if (closed) return;
      closed = true;
      closeSync(fd);
    },
  };
}
