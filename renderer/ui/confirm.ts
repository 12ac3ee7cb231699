import { create } from 'zustand';

export interface ConfirmRequest {
  message: string;
  /** The words on the button that goes ahead ("Удалить", "Всё равно отправить"). */
  confirmLabel: string;
  /** `danger` paints the go-ahead button as destructive. */
  tone?: 'danger' | 'normal';
}

interface ConfirmState {
  request: (ConfirmRequest & { answer(ok: boolean): void }) | undefined;
}

/** The one pending question, if any: UI state, so it lives in a store the dialog reads. */
export const useConfirmState = create<ConfirmState>(() => ({ request: undefined }));

/**
 * Asks the operator in the app's own dialog (never `window.confirm`, which blocks Electron's
 * renderer and cannot be styled or translated as a whole). A newer question cancels an older one.
 */
export function askConfirm(request: ConfirmRequest): Promise<boolean> {
  return new Promise((resolve) => {
    useConfirmState.getState().request?.answer(false);
    const answer = (ok: boolean) => {
      if (useConfirmState.getState().request?.answer === answer) useConfirmState.setState({ request: undefined });
      resolve(ok);
    };
    useConfirmState.setState({ request: { ...request, answer } });
  });
}
