import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { freePort } from './free-port.ts';

/**
 * Ports of a long-lived team server: chosen by the OS on first start and kept, so desktops keep
 * the address they were given. Tests and the simulation never use this file: they take fresh ports.
 */
const stateSchema = z.object({
  pgPort: z.number().int(),
  apiPort: z.number().int(),
  /** Added with NATS: a data directory from before it (Zero's, whose `zeroPort` is ignored) gets one on its next start. */
  natsPort: z.number().int().optional(),
});
export type ServerState = z.infer<typeof stateSchema> & { natsPort: number };

export async function serverState(dataDir: string): Promise<ServerState> {
  const file = join(dataDir, 'ports.json');
  if (existsSync(file)) {
    const parsed = stateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) {
      if (parsed.data.natsPort !== undefined) return { ...parsed.data, natsPort: parsed.data.natsPort };
      const state = { ...parsed.data, natsPort: await freePort() };
      writeFileSync(file, JSON.stringify(state, null, 2));
      return state;
    }
  }
  const state = { pgPort: await freePort(), apiPort: await freePort(), natsPort: await freePort() };
  writeFileSync(file, JSON.stringify(state, null, 2));
  return state;
}
