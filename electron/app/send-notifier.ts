import type { SendSummary } from '../../shared/sends.ts';
import { previewWords, recipientWords } from './label-words.ts';
import { mainStrings, type MainLanguage } from './strings.ts';

export interface NotifierDeps {
  /** The operator's language as the settings hold it now. */
  language(): MainLanguage;
  /** The operator's setting: off until turned on. */
  enabled(): boolean;
  windowFocused(): boolean;
  show(title: string, body: string): void;
}

const worthTelling = { sent: 'notify.sent', failed: 'notify.failed', outcome_unknown: 'notify.unknown' } as const;

/**
 * Tells the operator, through the OS, that a send left or did not while they were in another
 * window (a scheduled send, a slow upload). Once per send and outcome; never while the app's window
 * has the focus, where the status is already on screen.
 */
export class SendNotifier {
  private readonly told = new Map<string, string>();
  private readonly d: NotifierDeps;

  constructor(deps: NotifierDeps) {
    this.d = deps;
  }

  changed(send: SendSummary): void {
    if (!(send.status in worthTelling)) return;
    if (this.told.get(send.id) === send.status) return;
    this.told.set(send.id, send.status);
    if (this.told.size > 1000) this.told.delete(this.told.keys().next().value!);
    if (!this.d.enabled() || this.d.windowFocused()) return;
    const key = worthTelling[send.status as keyof typeof worthTelling];
    const lang = this.d.language();
    this.d.show(mainStrings(lang)(key, { recipient: recipientWords(lang, send.to) }), previewWords(lang, send.preview));
  }
}
