import type { ErrorKind } from './error-kinds.ts';
import type { SendError } from './errors.ts';

// Plain code the renderer and preload load at start: the error model's schema stays in errors.ts, out of their bundles.

export function sendError(kind: ErrorKind, message: string, extra: Omit<Partial<SendError>, 'kind' | 'message'> = {}): SendError {
  return { kind, message, ...extra };
}

/** Thrown by clients (preload, web bridge) when a contract call answers with an error. */
export class OperatorError extends Error {
  readonly error: SendError;
  constructor(error: SendError) {
    super(error.message);
    this.name = 'OperatorError';
    this.error = error;
  }
}

export function isOperatorError(e: unknown): e is OperatorError {
  return e instanceof OperatorError;
}
