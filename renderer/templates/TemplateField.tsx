import { useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { fillTemplate, templateVariables, type Template } from '../../shared/templates.ts';
import { useTemplates } from '../api.ts';
import { useTeamOn, useTeamTemplates } from '../team/queries.ts';
import { useT } from '../i18n/index.ts';

/** The "/query" the caret stands after, if the operator is calling up a template. */
function slashQuery(text: string, caret: number): { start: number; query: string } | undefined {
  const m = /(^|\s)\/([\p{L}\p{N}_-]{0,40})$/u.exec(text.slice(0, caret));
  return m ? { start: caret - m[2]!.length - 1, query: m[2]! } : undefined;
}

interface Props {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  rows?: number;
  describedBy?: string;
}

type Pickable = Template & { team?: true };
const noTemplates: Pickable[] = [];

/**
 * A message text area with canned responses: typing `/` (or the button) opens the picker; a
 * chosen template is inserted and its `{{variables}}` get fields of their own above the text.
 */
export function TemplateField({ label, name, value, onChange, rows = 8, describedBy }: Props) {
  const { t } = useT();
  const personal = useTemplates().data ?? noTemplates;
  // In team mode the team's templates are called up the same way, after the operator's own.
  const team = useTeamTemplates(useTeamOn()).data;
  const templates = useMemo<Pickable[]>(
    () =>
      team?.length
        ? [...personal, ...team.map((tp) => ({ id: tp.id, name: tp.name, body: tp.body, updatedAt: tp.updatedAt, team: true as const }))]
        : personal,
    [personal, team],
  );
  const ref = useRef<HTMLTextAreaElement>(null);
  const listId = useId();
  const [picker, setPicker] = useState<{ start: number; query: string } | undefined>();
  const [active, setActive] = useState(0);
  const [values, setValues] = useState<Record<string, string>>({});
  const vars = useMemo(() => templateVariables(value), [value]);
  const matches = useMemo(() => {
    const q = (picker?.query ?? '').toLowerCase();
    return templates.filter((tp) => tp.name.toLowerCase().includes(q) || tp.body.toLowerCase().includes(q)).slice(0, 8);
  }, [templates, picker]);

  const insert = (tp: Pickable) => {
    const el = ref.current;
    const caret = el?.selectionStart ?? value.length;
    const start = picker?.start ?? caret;
    const next = value.slice(0, start) + tp.body + value.slice(caret);
    onChange(next);
    setPicker(undefined);
    requestAnimationFrame(() => {
      el?.focus();
      const pos = start + tp.body.length;
      el?.setSelectionRange(pos, pos);
    });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (!picker || matches.length === 0) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length);
    } else if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      insert(matches[Math.min(active, matches.length - 1)]!);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      setPicker(undefined);
    }
  };

  return (
    <div className="field grow template-field">
      <div className="row">
        <label htmlFor={`${listId}-text`}>{label}</label>
        <button
          type="button"
          className="link small"
          onClick={() => {
            setPicker({ start: ref.current?.selectionStart ?? value.length, query: '' });
            setActive(0);
            ref.current?.focus();
          }}
        >
          {t('templates.insert')}
        </button>
      </div>
      {vars.length > 0 && (
        <fieldset className="template-vars">
          <legend>{t('templates.variables')}</legend>
          {vars.map((v) => (
            <label key={v} className="inline">
              <span>{v}</span>
              <input
                value={values[v] ?? ''}
                onChange={(e) => setValues({ ...values, [v]: e.target.value })}
                onBlur={() => values[v] && onChange(fillTemplate(value, { [v]: values[v] }))}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && values[v]) {
                    e.preventDefault();
                    onChange(fillTemplate(value, { [v]: values[v] }));
                  }
                }}
                aria-label={`${t('templates.variables')}: ${v}`}
              />
            </label>
          ))}
        </fieldset>
      )}
      <textarea
        id={`${listId}-text`}
        ref={ref}
        name={name}
        rows={rows}
        value={value}
        role="combobox"
        aria-expanded={!!picker}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-describedby={describedBy}
        placeholder={t('templates.slashHint')}
        onChange={(e) => {
          onChange(e.target.value);
          const q = slashQuery(e.target.value, e.target.selectionStart);
          setPicker(q);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setTimeout(() => setPicker(undefined), 150)}
      />
      {picker && (
        <ul id={listId} role="listbox" className="template-picker" aria-label={t('templates.filter')}>
          {matches.length === 0 ? (
            <li className="muted">{t('templates.nothing')}</li>
          ) : (
            matches.map((tp, i) => (
              <li
                key={tp.id}
                role="option"
                aria-selected={i === active}
                className={i === active ? 'active' : ''}
                onMouseDown={(e) => {
                  e.preventDefault();
                  insert(tp);
                }}
              >
                <strong>{tp.name}</strong> {tp.team && <span className="badge">{t('team.templates.team')}</span>}{' '}
                <span className="muted">{tp.body.slice(0, 60)}</span>
              </li>
            ))
          )}
        </ul>
      )}
    </div>
  );
}

/** Asks before a text with unfilled `{{variables}}` goes out. */
export async function confirmUnfilled(text: string, ask: (names: string) => Promise<boolean>): Promise<boolean> {
  const vars = templateVariables(text);
  return vars.length === 0 || ask(vars.join(', '));
}
