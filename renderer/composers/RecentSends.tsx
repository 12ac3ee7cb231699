import { useMemo } from 'react';
import type { ProviderId } from '../../shared/providers.ts';
import { useHistoryPages } from '../api.ts';
import { useT } from '../i18n/index.ts';
import { useUi } from '../store.ts';
import { StatusBadge } from '../ui/StatusBadge.tsx';
import { previewLabel } from '../history/labels.ts';

/** The sends to the current recipient, kept in sight so the operator sees what already went out. */
export function RecentSends({ provider, recipient }: { provider: ProviderId; recipient: string | undefined }) {
  const { t, lang } = useT();
  const selectSend = useUi((s) => s.selectSend);
  const setView = useUi((s) => s.setView);
  const q = useHistoryPages({ provider, recipient: recipient ?? '', limit: 20 }, !!recipient);
  const items = recipient ? (q.data?.pages[0]?.items ?? []) : [];
  // Built only when there is something to show: the first Intl formatter of a page costs
  // tens of milliseconds (locale data), which the first screen should not pay.
  const hasItems = items.length > 0;
  const time = useMemo(
    () => (hasItems ? new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit' }) : undefined),
    [hasItems, lang],
  );
  return (
    <aside className="recent" aria-label={t('recent.title')}>
      <h2>{t('recent.title')}</h2>
      {!recipient ? (
        <p className="muted">{t('recent.pickRecipient')}</p>
      ) : items.length === 0 ? (
        <p className="muted">{t('recent.none')}</p>
      ) : (
        <ul>
          {items.map((s) => (
            <li key={s.id}>
              <button
                type="button"
                className="recent-item"
                onClick={() => {
                  selectSend(s.id);
                  setView('history');
                }}
              >
                <StatusBadge status={s.status} unrecorded={s.unrecorded} /> <time>{time?.format(s.createdAt)}</time>
                <span className="preview">«{previewLabel(t, s.preview).slice(0, 60)}»</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
