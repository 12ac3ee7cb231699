import { useEffect, useState } from 'react';

/**
 * The current moment for sentences like "5 minutes ago" or "as of 10:42": read once when the
 * component appears and again every minute, so a render stays pure and the words stay true.
 */
export function useNow(everyMs = 60_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const h = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(h);
  }, [everyMs]);
  return now;
}
