import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { client, keys } from '../api.ts';
import { useT } from '../i18n/index.ts';
import { formatPercent } from '../i18n/format.ts';

const upgradeKey = [...keys.history, 'upgrade'] as const;
/** A conversion that ends within this long is not worth a line on screen. */
const MOMENT_MS = 1000;

/**
 * How far the conversion of an older version's records has come, while it runs in the main
 * process after start-up. The rows read correctly meanwhile, so this only says why the machine is busy.
 */
export function UpgradeNote() {
  const { t, lang } = useT();
  const qc = useQueryClient();
  const upgrade = useQuery({ queryKey: upgradeKey, queryFn: () => client.history.upgrade(), staleTime: Infinity });
  useEffect(() => client.on.historyUpgrade((p) => qc.setQueryData(upgradeKey, p)), [qc]);
  const [moment, setMoment] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setMoment(true), MOMENT_MS);
    return () => clearTimeout(timer);
  }, []);
  const p = upgrade.data;
  if (!moment || !p || p.done >= p.total) return null;
  return (
    <p className="muted small" role="status" data-testid="history-upgrade">
      {t('historyUpgrade.note', { percent: formatPercent(lang, p.done / p.total) })}
    </p>
  );
}
