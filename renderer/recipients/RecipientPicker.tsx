import { useId, useMemo, useState, type ReactNode } from 'react';
import type { Recipient } from '../../shared/recipients.ts';
import { describeError, useT } from '../i18n/index.ts';
import { searchIndex } from './directory-index.ts';
import { pickerOptions } from './picker-options.ts';
import { useDirectoryCopy, useRecipientSearch, useRefreshDirectory } from './queries.ts';

interface Props {
  accountId: string | undefined;
  label: string;
  name: string;
  value: string;
  /** The directory target the typed value addresses, when it is a valid id (to name it under the field). */
  target: string | undefined;
  onType(value: string): void;
  onPick(r: Recipient): void;
  inputMode?: 'numeric' | 'tel' | 'text';
  placeholder?: string;
  invalid?: boolean;
  describedBy?: string;
  children?: ReactNode;
}

/**
 * The address field of a composer as a combobox over the account's directory: typing a name, an
 * order number, a phone or an INN lists matches (recent recipients first) and picking one fills
 * the address; whatever is typed stays the address, so a raw id still works. Under the field it
 * says whom the address names, or that the directory does not know it.
 */
export function RecipientPicker(p: Props) {
  const { t, lang } = useT();
  const listId = useId();
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const results = useRecipientSearch(p.accountId, p.value, open);
  const copy = useDirectoryCopy(p.accountId);
  // The name of what the field holds now: the directory entry whose target it is.
  const digits = p.target?.replace(/^[a-z]+:/, '').replace(/@.*$/, '') ?? '';
  const named = useRecipientSearch(p.accountId, digits, !!p.target);
  const chosen = named.data?.items.find((r) => r.target === p.target);
  const index = copy.data ?? undefined;
  // The keystroke's own render answers from the copy; the host's answer replaces it when it comes.
  const local = useMemo(() => (open && index ? searchIndex(index, p.value, 8) : undefined), [open, index, p.value]);
  const shown = pickerOptions({
    host: results.data,
    hostIsForText: results.isSuccess && !results.isPlaceholderData,
    local,
    copyCurrent: !!index && !copy.isStale && !copy.isFetching && index.directory.state !== 'refreshing',
  });
  const items = open ? shown.items : [];
  const directory = (results.data ?? named.data)?.directory ?? index?.directory;
  const refresh = useRefreshDirectory(p.accountId);
  const time = useMemo(
    () => new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit' }),
    [lang],
  );

  const pick = (r: Recipient) => {
    p.onPick(r);
    setOpen(false);
  };
  const onKey = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive((i) => Math.min(i + 1, Math.max(0, items.length - 1)));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((i) => Math.max(0, i - 1));
    } else if (e.key === 'Enter' && open && items[active]) {
      e.preventDefault();
      pick(items[active]);
    } else if (e.key === 'Escape') setOpen(false);
  };

  return (
    <div className="field grow picker">
      <label htmlFor={`${listId}-input`}>{p.label}</label>
      <input
        id={`${listId}-input`}
        name={p.name}
        role="combobox"
        aria-expanded={items.length > 0}
        aria-controls={`${listId}-list`}
        aria-autocomplete="list"
        aria-activedescendant={items[active] ? `${listId}-${active}` : undefined}
        aria-invalid={p.invalid}
        aria-describedby={p.describedBy}
        inputMode={p.inputMode}
        autoComplete="off"
        placeholder={p.placeholder ?? t('picker.hint')}
        value={p.value}
        onChange={(e) => {
          p.onType(e.target.value);
          setOpen(true);
          setActive(0);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKey}
      />
      {items.length > 0 && (
        <ul
          id={`${listId}-list`}
          role="listbox"
          aria-label={t('picker.results')}
          className="picker-list"
          // The text these options answer, absent while they stand in for it: the bench times a keystroke to it.
          data-results-for={shown.answered ? p.value : undefined}
          aria-busy={!shown.answered}
        >
          {items.map((r, i) => (
            <li
              key={r.target}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              // Chosen on mouse down, before the input's blur closes the list.
              onMouseDown={(e) => {
                e.preventDefault();
                pick(r);
              }}
            >
              <span className="picker-name">{r.name || r.target}</span>
              <span className="muted">
                {' '}
                {t(`recipientKind.${r.kind}`)}
                {r.detail ? ` · ${r.detail}` : ''}
                {r.lastUsedAt ? ` · ${t('picker.recent')}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
      {items.length > 0 && !shown.answered && <small className="muted picker-provisional">{t('picker.provisional')}</small>}
      {open && p.value.trim() && shown.answered && shown.items.length === 0 && directory?.state !== 'unsupported' && (
        <small className="muted">{t('picker.none')}</small>
      )}
      {chosen ? (
        <small className="picker-chosen">
          {chosen.name} · {t(`recipientKind.${chosen.kind}`)}
          {chosen.detail ? ` · ${chosen.detail}` : ''}
        </small>
      ) : (
        p.target && named.isSuccess && named.data.directory.state !== 'unsupported' && <small className="muted">{t('picker.typed')}</small>
      )}
      {p.children}
      {directory && (
        <small className="muted picker-directory">
          {directory.state === 'unsupported'
            ? t('directory.unsupported')
            : directory.state === 'refreshing' || refresh.isPending
              ? t('directory.refreshing')
              : directory.state === 'failed' && directory.error
                ? t('directory.failed', { reason: describeError(t, directory.error) })
                : directory.refreshedAt
                  ? t('directory.ready', { count: directory.count, time: time.format(directory.refreshedAt) })
                  : t('directory.never')}
          {directory.state !== 'unsupported' && (
            <button type="button" className="link" disabled={refresh.isPending} onClick={() => refresh.mutate()}>
              {t('directory.refresh')}
            </button>
          )}
        </small>
      )}
    </div>
  );
}
