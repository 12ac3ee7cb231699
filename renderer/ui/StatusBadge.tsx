import type { SendStatus } from '../../shared/sends.ts';
import { useT, type Translate } from '../i18n/index.ts';

// Symbols every common UI font has (no colour emoji): a machine without an emoji font shows them too.
const icons: Record<SendStatus, string> = {
  scheduled: '◷',
  pending: '…',
  sending: '↗',
  waiting: '↻',
  sent: '✓',
  failed: '✕',
  outcome_unknown: '⚠',
  cancelled: '⊘',
};

/** A status is always an icon and a word, never colour alone. */
export function StatusBadge({ status }: { status: SendStatus }) {
  const { t } = useT();
  return <StatusLabel status={status} t={t} />;
}

/** The same badge for long lists, with the translator passed in rather than looked up per row. */
export function StatusLabel({ status, t }: { status: SendStatus; t: Translate }) {
  return (
    <span className={`status status-${status}`} data-status={status}>
      <span aria-hidden="true">{icons[status]}</span> {t(`status.${status}`)}
    </span>
  );
}
