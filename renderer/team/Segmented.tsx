import { useId } from 'react';

/** A two-or-more way switch drawn as joined buttons; radio inputs underneath, so arrows and screen readers work as usual. */
export function Segmented<V extends string>(p: {
  label: string;
  value: V;
  options: readonly { value: V; label: string }[];
  onChange: (v: V) => void;
  testId?: string;
}) {
  const name = useId();
  return (
    <fieldset className="segmented" data-testid={p.testId}>
      <legend className="sr-only">{p.label}</legend>
      {p.options.map((o) => (
        <label key={o.value} className={o.value === p.value ? 'on' : undefined}>
          <input type="radio" name={name} value={o.value} checked={o.value === p.value} onChange={() => p.onChange(o.value)} />
          <span>{o.label}</span>
        </label>
      ))}
    </fieldset>
  );
}
