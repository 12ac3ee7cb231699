import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiadocSimulator } from '../sandbox/diadoc.ts';

const TOKEN = 'shelf-crash-token';
const SIZE = 12_000_000;

describe('a large Diadoc document through the shelf, across a crash', () => {
  const sim = new DiadocSimulator({ tokens: [TOKEN] });
  const dataDir = mkdtempSync(join(tmpdir(), 'operator-shelf-crash-'));
  const file = join(dataDir, 'Скан договора.pdf');
  const bytes = randomBytes(SIZE);
  const configFile = join(dataDir, 'config.json');
  let interrupted: () => void = () => {};
  const partTwoArrived = new Promise<void>((r) => (interrupted = r));

  beforeAll(async () => {
    const baseUrl = await sim.start();
    writeFileSync(file, bytes);
    writeFileSync(configFile, JSON.stringify({ dataDir, baseUrl, token: TOKEN, file }));
    // The first time part 2 arrives, it is held long enough for the host to be killed while it waits.
    let held = false;
    sim.server.chooseFault = (req) => {
      if (held || req.path !== '/ShelfUploadPart' || req.query.get('partIndex') !== '2') return undefined;
      held = true;
      interrupted();
      return { delayMs: 30_000 };
    };
  });
  afterAll(() => sim.stop());

  function driver(): { kill(): void; output: Promise<string> } {
    const proc = spawn(process.execPath, [join(import.meta.dirname, '../testing/shelf-crash-driver.ts')], {
      env: { ...process.env, SHELF_CRASH_CONFIG: configFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    return { kill: () => proc.kill('SIGKILL'), output: new Promise((r) => proc.on('exit', () => r(out))) };
  }

  const uploads = () =>
    sim.server.received
      .filter((r) => r.path === '/ShelfUploadPartInit' || r.path === '/ShelfUploadPart')
      .map((r) => (r.path === '/ShelfUploadPartInit' ? 0 : Number(r.query.get('partIndex'))));

  it(
    'sends 12 MB in 2 MiB parts, and after a kill between parts sends only the parts not yet acknowledged',
    { timeout: 120_000 },
    async () => {
      const first = driver();
      await partTwoArrived;
      first.kill();
      expect(await first.output).toContain('SUBMITTING');
      expect(uploads()).toEqual([0, 1, 2]);
      expect(sim.messages).toHaveLength(0);

      const second = driver();
      expect(await second.output).toContain('SETTLED sent');
      // Parts 0 and 1 were acknowledged and recorded before the kill: never sent again. Part 2 was in flight.
      expect(uploads()).toEqual([0, 1, 2, 2, 3, 4, 5]);
      const parts = sim.server.received.filter((r) => r.path === '/ShelfUploadPart');
      expect(parts.every((r) => r.body.length <= 2 * 1024 * 1024)).toBe(true);
      expect(
        new Set(sim.server.received.filter((r) => r.path.startsWith('/ShelfUpload')).map((r) => r.query.get('fileName') ?? 'init')).size,
      ).toBe(2);
      expect(sim.messages).toHaveLength(1);
      const [doc] = sim.messages[0]!.documents;
      expect(doc).toMatchObject({ contentBytes: SIZE, contentSha256: createHash('sha256').update(bytes).digest('hex') });
      expect(doc!.nameOnShelf).toMatch(/^dd-api-.*\.pdf$/);
      expect(doc!.metadata).toEqual([{ key: 'FileName', value: 'Скан договора.pdf' }]);
      const post = sim.server.received.filter((r) => r.path === '/V3/PostMessage');
      expect(post).toHaveLength(1);
      expect(post[0]!.body.length).toBeLessThan(2_000);
    },
  );
});
