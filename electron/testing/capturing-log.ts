import type { Logger, LogLevel } from '../app/log-file.ts';

interface LoggedLine {
  level: LogLevel;
  event: string;
  detail?: Record<string, unknown> | string;
}

/**
 * A log that keeps its lines for the test to read instead of printing them: a test run shows only
 * what failed, and a test that expects a line asserts it here.
 */
export function capturingLog(): Logger & { readonly lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  return {
    lines,
    write(level, event, detail) {
      lines.push(detail === undefined ? { level, event } : { level, event, detail });
    },
  };
}
