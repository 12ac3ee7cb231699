import { useT } from '../i18n/index.ts';
import { askConfirm } from './confirm.ts';

/** Delete, asked first in the app's own dialog: a list row's last button. */
export function DeleteButton({ question, onConfirmed }: { question: string; onConfirmed: () => void }) {
  const { t } = useT();
  return (
    <button
      type="button"
      className="danger"
      onClick={() =>
        void askConfirm({ message: question, confirmLabel: t('common.delete'), tone: 'danger' }).then((ok) => ok && onConfirmed())
      }
    >
      {t('common.delete')}
    </button>
  );
}
