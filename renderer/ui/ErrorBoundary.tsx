import { Component, type ReactNode } from 'react';
import { client } from '../api.ts';
import type { Translate } from '../i18n/index.ts';

interface Props {
  t: Translate;
  /** A different key (another screen) clears the error: the rest of the app keeps working. */
  resetKey: string;
  onBack(): void;
  children: ReactNode;
}

/**
 * A screen that throws while rendering shows a way back instead of a white window, and the error
 * goes to the main process's log for support (its text never to the screen: it may name a path).
 */
export class ErrorBoundary extends Component<Props, { failedAt: string | undefined }> {
  override state: { failedAt: string | undefined } = { failedAt: undefined };

  static getDerivedStateFromError(): Partial<{ failedAt: string }> {
    return { failedAt: '' };
  }

  override componentDidCatch(error: unknown, info: { componentStack?: string | null }): void {
    this.setState({ failedAt: this.props.resetKey });
    const e = error instanceof Error ? error : new Error(String(error));
    const stack = `${e.stack ?? ''}\n${info.componentStack ?? ''}`.slice(0, 8000);
    void client.app.reportError({ message: `${e.name}: ${e.message}`.slice(0, 2000), stack }).catch(() => {});
  }

  // Derived while rendering, so moving to another screen never paints the error once more first.
  static getDerivedStateFromProps(props: Props, state: { failedAt: string | undefined }): { failedAt: undefined } | null {
    const failedOnAnotherScreen = state.failedAt !== undefined && state.failedAt !== '' && state.failedAt !== props.resetKey;
    return failedOnAnotherScreen ? { failedAt: undefined } : null;
  }

  override render(): ReactNode {
    const { t } = this.props;
    if (this.state.failedAt === undefined) return this.props.children;
    return (
      <section role="alert" className="crash">
        <h2>{t('crash.title')}</h2>
        <p>{t('crash.body')}</p>
        <div className="actions">
          <button
            type="button"
            onClick={() => {
              this.setState({ failedAt: undefined });
              this.props.onBack();
            }}
          >
            {t('crash.back')}
          </button>
          <button type="button" onClick={() => window.location.reload()}>
            {t('crash.reload')}
          </button>
        </div>
      </section>
    );
  }
}
