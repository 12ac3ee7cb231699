import { useEffect } from 'react';
import { useT } from '../i18n/index.ts';
import { useUi, type Toast } from '../store.ts';

function ToastItem({ toast }: { toast: Toast }) {
  const { t } = useT();
  const dismiss = useUi((s) => s.dismiss);
  const setView = useUi((s) => s.setView);
  const selectSend = useUi((s) => s.selectSend);
  useEffect(() => {
    const h = setTimeout(() => dismiss(toast.id), toast.tone === 'error' ? 12_000 : 6_000);
    return () => clearTimeout(h);
  }, [toast, dismiss]);
  return (
    <div className={`toast toast-${toast.tone}`} role={toast.tone === 'error' ? 'alert' : 'status'}>
      <span className="toast-text">{toast.text}</span>
      <span className="toast-actions">
        {toast.sendId && (
          <button
            type="button"
            className="link"
            onClick={() => {
              selectSend(toast.sendId);
              setView('history');
              dismiss(toast.id);
            }}
          >
            {t('composer.openInHistory')}
          </button>
        )}
        <button type="button" className="link" aria-label={t('toast.dismiss')} onClick={() => dismiss(toast.id)}>
          ×
        </button>
      </span>
    </div>
  );
}

export function Toasts() {
  const toasts = useUi((s) => s.toasts);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} />
      ))}
    </div>
  );
}
