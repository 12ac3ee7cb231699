import type { Logger } from './log-file.ts';

interface ProcessEvents {
  on(event: 'uncaughtException', listener: (e: Error) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

interface GoneDetails {
  reason: string;
  exitCode: number;
  type?: string;
  name?: string;
  serviceName?: string;
}

interface AppEvents {
  on(event: 'child-process-gone', listener: (e: unknown, details: GoneDetails) => void): unknown;
  on(event: 'render-process-gone', listener: (e: unknown, contents: unknown, details: GoneDetails) => void): unknown;
}

function stackOf(e: unknown): string {
  return e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
}

/**
 * Everything that can go wrong outside a handler ends up in the log file: errors nobody caught in
 * main, rejected promises nobody awaited, a renderer or helper process that died. Without the
 * first two Electron shows its own dialog in English and support gets nothing to read.
 */
export function installCrashLogging(proc: ProcessEvents, app: AppEvents, log: Logger): void {
  proc.on('uncaughtException', (e) => log.write('error', 'main.uncaught_exception', stackOf(e)));
  proc.on('unhandledRejection', (reason) => log.write('error', 'main.unhandled_rejection', stackOf(reason)));
  app.on('render-process-gone', (_e, _contents, d) => log.write('error', 'renderer.gone', { reason: d.reason, exitCode: d.exitCode }));
  app.on('child-process-gone', (_e, d) =>
    log.write(d.reason === 'clean-exit' ? 'info' : 'error', 'child_process.gone', {
      type: d.type,
      reason: d.reason,
      exitCode: d.exitCode,
      ...(d.name ? { name: d.name } : {}),
      ...(d.serviceName ? { service: d.serviceName } : {}),
    }),
  );
}
