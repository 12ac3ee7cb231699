/**
 * A timestamp as a `datetime-local` input's value, in local time. The offset is the one at that
 * moment, not today's: a time across a daylight-saving change would otherwise move by an hour.
 */
export function localInputValue(at: number): string {
  return new Date(at - new Date(at).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}
