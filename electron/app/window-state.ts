import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const stateSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(200).max(20_000),
  height: z.number().int().min(200).max(20_000),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof stateSchema>;

export const WINDOW_STATE_FILE = 'window-state.json';

/** The saved place of the window, or nothing when there is none or it does not read as one. */
export function loadWindowState(file: string): WindowState | undefined {
  try {
    const parsed = stateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function saveWindowState(file: string, state: WindowState): void {
  try {
    writeFileSync(`${file}.tmp`, JSON.stringify(state));
    renameSync(`${file}.tmp`, file);
  } catch {
    // Forgetting the window's place is not worth an error on the way out.
  }
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

/** How much of the window's top edge must be on some screen to be grabbed and moved. */
const GRAB = { width: 120, height: 40 };

/**
 * The saved bounds when the window's title bar still lands on a screen; otherwise (the monitor it
 * was on is gone, the resolution shrank) the same size, no larger than the primary work area,
 * centred on it.
 */
export function placeOnScreen(saved: WindowState, workAreas: readonly Rect[]): WindowState {
  const titleBar = { x: saved.x, y: saved.y, width: saved.width, height: GRAB.height };
  const reachable = workAreas.some((area) => {
    const o = overlap(titleBar, area);
    return o.width >= Math.min(GRAB.width, saved.width) && o.height >= Math.min(GRAB.height, saved.height);
  });
  const primary = workAreas[0];
  if (reachable || !primary) return saved;
  const width = Math.min(saved.width, primary.width);
  const height = Math.min(saved.height, primary.height);
  return {
    ...saved,
    width,
    height,
    x: primary.x + Math.round((primary.width - width) / 2),
    y: primary.y + Math.round((primary.height - height) / 2),
  };
}
