import { lazy, Suspense, useEffect } from 'react';
import type { ProviderId } from '../shared/providers.ts';
import { useLiveDirectory } from './recipients/queries.ts';
import { useLiveHistory, useSetLanguage, useUndecidedCount } from './api.ts';
import { GreenApiComposer } from './composers/GreenApiComposer.tsx';
import { useT, type DictKey } from './i18n/index.ts';
import { useUi, type View } from './store.ts';
import { ConfirmDialog } from './ui/ConfirmDialog.tsx';
import { ErrorBoundary } from './ui/ErrorBoundary.tsx';
import { useErrorToasts } from './ui/error-toasts.ts';
import { ProxyLoginDialog } from './ui/ProxyLoginDialog.tsx';
import { useMenuCommands } from './ui/menu-commands.ts';
import { Toasts } from './ui/Toasts.tsx';
import { useLiveTeam } from './team/queries.ts';
import { TeamBar } from './team/TeamBar.tsx';

// Views the operator opens less often load on demand, keeping the first paint light.
const HistoryView = lazy(() => import('./history/HistoryView.tsx').then((m) => ({ default: m.HistoryView })));
const TemplatesView = lazy(() => import('./templates/TemplatesView.tsx').then((m) => ({ default: m.TemplatesView })));
const AccountsView = lazy(() => import('./accounts/AccountsView.tsx').then((m) => ({ default: m.AccountsView })));
const PachcaComposer = lazy(() => import('./composers/PachcaComposer.tsx').then((m) => ({ default: m.PachcaComposer })));
const DiadocComposer = lazy(() => import('./composers/DiadocComposer.tsx').then((m) => ({ default: m.DiadocComposer })));
const SettingsView = lazy(() => import('./settings/SettingsView.tsx').then((m) => ({ default: m.SettingsView })));
const MarketComposer = lazy(() => import('./composers/MarketComposer.tsx').then((m) => ({ default: m.MarketComposer })));

const composerViews: ProviderId[] = ['pachca', 'diadoc', 'market', 'greenapi'];
const otherViews: View[] = ['history', 'templates', 'accounts', 'settings'];

function Main({ view }: { view: View }) {
  switch (view) {
    case 'greenapi':
      return <GreenApiComposer />;
    case 'pachca':
      return <PachcaComposer />;
    case 'diadoc':
      return <DiadocComposer />;
    case 'market':
      return <MarketComposer />;
    case 'history':
      return <HistoryView />;
    case 'templates':
      return <TemplatesView />;
    case 'accounts':
      return <AccountsView />;
    case 'settings':
      return <SettingsView />;
    default:
      return <GreenApiComposer />;
  }
}

export function App() {
  const { t, lang } = useT();
  const view = useUi((s) => s.view);
  const setView = useUi((s) => s.setView);
  const setLanguage = useSetLanguage();
  useLiveHistory();
  useLiveDirectory();
  useLiveTeam();
  useErrorToasts();
  useMenuCommands();
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const undecidedCount = useUndecidedCount().data ?? 0;
  const undecided = undecidedCount >= 100 ? '99+' : String(undecidedCount);
  const setHistoryStatus = useUi((s) => s.setHistoryStatus);
  const navButton = (v: View) => (
    <li key={v} className="nav-row">
      <button type="button" className={`nav-item nav-${v}`} aria-current={view === v ? 'page' : undefined} onClick={() => setView(v)}>
        {t(`nav.${v}` as DictKey)}
      </button>
      {v === 'history' && undecidedCount > 0 && (
        // Sends whose fate only the operator can settle stay in sight from every screen.
        <button
          type="button"
          className="nav-badge"
          data-testid="undecided"
          aria-label={t('nav.undecided', { count: undecided })}
          title={t('nav.undecided', { count: undecided })}
          onClick={() => {
            setHistoryStatus('undecided');
            setView('history');
          }}
        >
          <span aria-hidden="true">⚠ {undecided}</span>
        </button>
      )}
    </li>
  );
  return (
    <div className="app">
      <nav className="rail" aria-label={t('app.title')}>
        <ul>{composerViews.map(navButton)}</ul>
        <hr />
        <ul>{otherViews.map(navButton)}</ul>
        <TeamBar />
        <label className="lang">
          <span className="sr-only">{t('settings.language')}</span>
          <select value={lang} onChange={(e) => setLanguage.mutate(e.target.value as 'ru' | 'en')} aria-label={t('settings.language')}>
            <option value="ru">Русский</option>
            <option value="en">English</option>
          </select>
        </label>
      </nav>
      <main className="main">
        <ErrorBoundary t={t} resetKey={view} onBack={() => setView('greenapi')}>
          <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
            <Main view={view} />
          </Suspense>
        </ErrorBoundary>
      </main>
      <Toasts />
      <ConfirmDialog />
      <ProxyLoginDialog />
    </div>
  );
}
