/** "312 / 4096", turning to a warning near the limit and an error past it. */
export function Counter({ count, max, label }: { count: number; max: number; label: string }) {
  const tone = count > max ? 'over' : count > max * 0.9 ? 'near' : 'ok';
  return (
    <span className={`counter counter-${tone}`} aria-label={`${label}: ${count} / ${max}`} data-testid="counter">
      {count} / {max}
    </span>
  );
}
