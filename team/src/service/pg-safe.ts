import postgres from 'postgres';

/**
 * PostgreSQL's text and jsonb cannot hold U+0000, which JSON (and so a desktop's record) can: such a
 * character is stored as U+FFFD instead of stopping the projection at that record for ever.
 */
export function pgSafe<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('\u0000', '\uFFFD') as T;
  if (value === null || typeof value !== 'object') return value;
  return JSON.parse(JSON.stringify(value).replaceAll('\\u0000', '\\ufffd')) as T;
}

/**
 * Whether trying the same write again can succeed: PostgreSQL away, restarting or out of connections
 * can; a value it refuses (SQLSTATE class 22, data exception) never will, and is skipped and logged.
 */
export function isLastingRefusal(e: unknown): boolean {
  return e instanceof postgres.PostgresError && e.code.startsWith('22');
}
