import type { SendStatus } from '../../shared/sends.ts';
import { useT } from '../i18n/index.ts';

const icons: Record<SendStatus, string> = {
  scheduled: '🕓',
  pending: '…',
  sending: '↗',
  waiting: '⏳',
  sent: '✓',
  failed: '✕',
  outcome_unknown: '⚠',
  cancelled: '⊘',
};

/** A status is always an icon and a word, never colour alone. */
export function StatusBadge({ status }: { status: SendStatus }) {
  const { t } = useT();
  return (
    <span className={`status status-${status}`} data-status={status}>
      <span aria-hidden="true">{icons[status]}</span> {t(`status.${status}`)}
    </span>
  );
}
