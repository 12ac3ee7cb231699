import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface Chunk {
  file: string;
  bytes: number;
  gzip: number;
  initial: boolean;
  /** Whether zod's code is inside: its class names stay as strings through minification. */
  zod: boolean;
}

const zodMarker = /\$ZodType|ZodError/;

/**
 * The built renderer's weight: every chunk with its gzip size, and which ones the first paint
 * needs (the entry script and what index.html preloads).
 */
export function rendererWeight(distDir: string): { chunks: Chunk[]; initialGzip: number } {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const initialRefs = new Set([...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!));
  const chunks = readdirSync(join(distDir, 'assets'))
    .filter((f) => f.endsWith('.js') || f.endsWith('.css'))
    .map((f) => {
      const buf = readFileSync(join(distDir, 'assets', f));
      return { file: `assets/${f}`, ...weigh(buf), initial: initialRefs.has(`assets/${f}`) };
    })
    .sort((a, b) => Number(b.initial) - Number(a.initial) || b.gzip - a.gzip);
  const initialGzip = chunks.filter((c) => c.initial && c.file.endsWith('.js')).reduce((s, c) => s + c.gzip, 0);
  return { chunks, initialGzip };
}

/** The preload script the window loads before the page: one file, as the build writes it. */
export function preloadWeight(file: string): { bytes: number; gzip: number; zod: boolean } {
  return weigh(readFileSync(file));
}

function weigh(buf: Buffer): { bytes: number; gzip: number; zod: boolean } {
  return { bytes: buf.length, gzip: gzipSync(buf, { level: 9 }).length, zod: zodMarker.test(buf.toString('utf8')) };
}
