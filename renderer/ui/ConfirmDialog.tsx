import { useEffect, useRef } from 'react';
import { useT } from '../i18n/index.ts';
import { useConfirmState } from './confirm.ts';

/**
 * The modal for {@link askConfirm}. The platform's `<dialog>` opened with `showModal()` is the
 * accessible primitive here (DESIGN.md asks for one rather than a hand-rolled widget): it traps
 * and returns focus, makes the rest of the app inert, sits in the top layer, and Esc answers
 * "no"; a library would add weight to the first screen for the same behaviour. "Cancel" takes the focus:
 * Enter on a question that can lose or repeat a message must not mean "yes".
 */
export function ConfirmDialog() {
  const { t } = useT();
  const request = useConfirmState((s) => s.request);
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (request && !dialog.open) {
      dialog.showModal();
      cancelRef.current?.focus();
    } else if (!request && dialog.open) dialog.close();
  }, [request]);

  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      role="alertdialog"
      aria-labelledby="confirm-message"
      onCancel={(e) => {
        e.preventDefault();
        request?.answer(false);
      }}
    >
      {request && (
        <>
          <p id="confirm-message">{request.message}</p>
          <div className="row end">
            <button type="button" ref={cancelRef} onClick={() => request.answer(false)}>
              {t('common.cancel')}
            </button>
            <button type="button" className={request.tone === 'danger' ? 'danger' : 'primary'} onClick={() => request.answer(true)}>
              {request.confirmLabel}
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}
