/**
 * JSON text read back from our own files (a SQLite column, a state row): undefined when it is not
 * JSON, so the schema that reads the value next refuses it and the caller decides what a bad value
 * costs (a row skipped, a default) instead of a SyntaxError stopping a page, a search or a start.
 */
export function storedJson(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value;
  } catch {
    return undefined;
  }
}
