import { useEffect } from 'react';
import { isOperatorError } from '../../shared/operator-error.ts';
import { showErrorsWith } from '../query-client.ts';
import { describeError, useT } from '../i18n/index.ts';
import { useUi } from '../store.ts';

/** Points the query client's one error place at the toasts, in the operator's language. */
export function useErrorToasts(): void {
  const { t } = useT();
  const toast = useUi((s) => s.toast);
  useEffect(
    () => showErrorsWith((e) => toast({ tone: 'error', text: isOperatorError(e) ? describeError(t, e.error) : String(e) })),
    [t, toast],
  );
}
