import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import type { HistoryQuery } from '../../shared/contract.ts';
import { providerIds, type ProviderId } from '../../shared/providers.ts';
import { sendStatuses, type SendStatus } from '../../shared/send-statuses.ts';
import type { SendSummary } from '../../shared/sends.ts';
import { useAccounts, useHistoryPages, useUndecidedCount } from '../api.ts';
import { useT, type Translate } from '../i18n/index.ts';
import { useUi } from '../store.ts';
import { StatusLabel } from '../ui/StatusBadge.tsx';
import { SendDetailPane } from './SendDetailPane.tsx';
import { UpgradeNote } from './UpgradeNote.tsx';
import { previewLabel, recipientLabel } from './labels.ts';
import { HistoryScopeSwitch, useHistoryScope } from '../team/HistoryScopeSwitch.tsx';
import { TeamHistory } from '../team/TeamHistory.tsx';

const ROW_HEIGHT = 56;

function dayStart(value: string): number | undefined {
  return value ? new Date(`${value}T00:00:00`).getTime() : undefined;
}

/** One row; memoized, so scrolling renders only the rows that come into view. */
const HistoryRow = memo(function HistoryRow({
  send: s,
  top,
  selected,
  onSelect,
  t,
  time,
}: {
  send: SendSummary;
  top: number;
  selected: boolean;
  onSelect: (id: string) => void;
  t: Translate;
  time: Intl.DateTimeFormat;
}) {
  return (
    <div
      role="option"
      aria-selected={selected}
      className={`history-row${selected ? ' selected' : ''}`}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      onClick={() => onSelect(s.id)}
      data-send-id={s.id}
    >
      <div className="row-top">
        <StatusLabel status={s.status} unrecorded={s.unrecorded} t={t} />
        <span className={`prov prov-${s.provider}`}>{t(`provider.${s.provider}`)}</span>
        {s.sandbox && <span className="badge sandbox">{t('common.sandbox')}</span>}
        <span className="recipient">
          {s.recipientName ? `${s.recipientName} · ` : ''}
          {recipientLabel(t, s.to)}
        </span>
        <time className="muted">{time.format(s.createdAt)}</time>
      </div>
      <div className="row-preview">{previewLabel(t, s.preview)}</div>
    </div>
  );
});

/** The history: this desktop's sends, or in team mode the team's, by the Mine / Team switch. */
export function HistoryView() {
  return useHistoryScope() === 'team' ? <TeamHistory /> : <MineHistory />;
}

function MineHistory() {
  const { t, lang } = useT();
  const accounts = useAccounts().data ?? [];
  const selected = useUi((s) => s.selectedSendId);
  const selectSend = useUi((s) => s.selectSend);
  const [text, setText] = useState('');
  const [provider, setProvider] = useState<ProviderId | ''>('');
  const [accountId, setAccountId] = useState('');
  const status = useUi((s) => s.historyStatus);
  const setStatus = useUi((s) => s.setHistoryStatus);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  // Once the last send waiting for a decision is settled, the filter that showed them has nothing
  // left to show: it turns itself off instead of leaving an empty list behind.
  const undecidedCount = useUndecidedCount().data;
  const hadUndecided = useRef(false);
  useEffect(() => {
    if (undecidedCount === undefined) return;
    if (undecidedCount > 0) hadUndecided.current = true;
    else if (status === 'undecided' && hadUndecided.current) {
      hadUndecided.current = false;
      setStatus('');
    }
  }, [undecidedCount, status, setStatus]);
  const deferredText = useDeferredValue(text.trim());

  const query = useMemo<Omit<HistoryQuery, 'cursor'>>(() => {
    const fromMs = dayStart(from);
    const toMs = dayStart(to);
    return {
      limit: 200,
      ...(deferredText ? { text: deferredText } : {}),
      ...(provider ? { provider } : {}),
      ...(accountId ? { accountId } : {}),
      ...(status === 'undecided' ? { undecided: true } : status ? { statuses: [status] } : {}),
      ...(fromMs !== undefined ? { from: fromMs } : {}),
      ...(toMs !== undefined ? { to: toMs + 86_400_000 - 1 } : {}),
    };
  }, [deferredText, provider, accountId, status, from, to]);
  const pages = useHistoryPages(query);
  const rows: SendSummary[] = useMemo(() => pages.data?.pages.flatMap((p) => p.items) ?? [], [pages.data]);

  const scrollRef = useRef<HTMLDivElement>(null);
  // oxlint-disable-next-line react/incompatible-library -- flags memoization by the React Compiler, which this project does not use; the virtualizer is read afresh each render
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index;
  useEffect(() => {
    if (lastIndex !== undefined && lastIndex >= rows.length - 30 && pages.hasNextPage && !pages.isFetchingNextPage)
      void pages.fetchNextPage();
  }, [lastIndex, rows.length, pages]);

  const time = useMemo(() => new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'short' }), [lang]);

  return (
    <div className="history-layout">
      <section className="history-list" aria-label={t('history.title')}>
        <h1>{t('history.title')}</h1>
        <UpgradeNote />
        <HistoryScopeSwitch />
        <div className="filters" role="search">
          <input
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={t('history.search')}
            aria-label={t('history.search')}
          />
          <select value={provider} onChange={(e) => setProvider(e.target.value as ProviderId | '')} aria-label={t('history.allProviders')}>
            <option value="">{t('history.allProviders')}</option>
            {providerIds.map((p) => (
              <option key={p} value={p}>
                {t(`provider.${p}`)}
              </option>
            ))}
          </select>
          <select value={accountId} onChange={(e) => setAccountId(e.target.value)} aria-label={t('history.allAccounts')}>
            <option value="">{t('history.allAccounts')}</option>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
          <select
            value={status}
            onChange={(e) => setStatus(e.target.value as SendStatus | 'undecided' | '')}
            aria-label={t('history.allStatuses')}
          >
            <option value="">{t('history.allStatuses')}</option>
            <option value="undecided">{t('history.undecided')}</option>
            {sendStatuses.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
          <label className="inline">
            {t('history.from')} <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} aria-label={t('history.from')} />
          </label>
          <label className="inline">
            {t('history.to')} <input type="date" value={to} onChange={(e) => setTo(e.target.value)} aria-label={t('history.to')} />
          </label>
        </div>
        <p className="muted small" aria-live="polite" data-testid="history-count">
          {pages.isLoading
            ? t('common.loading')
            : rows.length === 0
              ? t('history.empty')
              : t('history.count', { count: rows.length + (pages.hasNextPage ? '+' : '') })}
        </p>
        <div
          ref={scrollRef}
          className="history-scroll"
          data-testid="history-scroll"
          role="listbox"
          aria-label={t('history.title')}
          tabIndex={0}
          onKeyDown={(e) => {
            if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
            e.preventDefault();
            const i = rows.findIndex((r) => r.id === selected);
            const next = rows[Math.min(rows.length - 1, Math.max(0, i + (e.key === 'ArrowDown' ? 1 : -1)))];
            if (next) {
              selectSend(next.id);
              virtualizer.scrollToIndex(rows.indexOf(next));
            }
          }}
        >
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((v) => {
              const s = rows[v.index]!;
              return <HistoryRow key={s.id} send={s} top={v.start} selected={s.id === selected} onSelect={selectSend} t={t} time={time} />;
            })}
          </div>
        </div>
      </section>
      <SendDetailPane id={selected} />
    </div>
  );
}
