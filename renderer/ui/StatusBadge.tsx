import type { SendStatus } from '../../shared/send-statuses.ts';
import type { SendSummary } from '../../shared/sends.ts';
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

type Unrecorded = SendSummary['unrecorded'];

/** A status is always an icon and a word, never colour alone. */
export function StatusBadge({ status, unrecorded }: { status: SendStatus; unrecorded?: Unrecorded }) {
  const { t } = useT();
  return <StatusLabel status={status} unrecorded={unrecorded} t={t} />;
}

/**
 * The same badge for long lists, with the translator passed in rather than looked up per row. An
 * outcome the history has not taken yet says so, and why, beside the status.
 */
export function StatusLabel({ status, unrecorded, t }: { status: SendStatus; unrecorded?: Unrecorded; t: Translate }) {
  const why = unrecorded
    ? [t(`unrecorded.${unrecorded.cause}`), unrecorded.holder ? t('unrecorded.holder', { holder: unrecorded.holder }) : '']
        .filter(Boolean)
        .join(' ')
    : undefined;
  return (
    <span className={`status status-${status}`} data-status={status} {...(unrecorded ? { 'data-unrecorded': unrecorded.cause } : {})}>
      <span aria-hidden="true">{icons[status]}</span> {t(`status.${status}`)}
      {why && (
        <span className="unrecorded" title={why}>
          {' '}
          · {t('unrecorded.label')}
          <span className="sr-only"> — {why}</span>
        </span>
      )}
    </span>
  );
}
