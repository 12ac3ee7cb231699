import { OperatorError, sendError } from '../../shared/operator-error.ts';
import type { SendEvent } from '../../shared/recipients.ts';
import type { Clock } from '../clock.ts';
import type { HistoryStore } from '../history/types.ts';
import type { AdapterAccount } from '../providers/types.ts';
import type { DirectoryStore } from './directory-store.ts';
import type { AccountSource } from './directory.ts';
import type { ReadClient } from './read-client.ts';
import { readers } from './readers/index.ts';

/** green-api.md §10.5: WhatsApp lets a message be edited within 15 minutes of sending. */
const GREEN_EDIT_WINDOW_MS = 15 * 60_000;

/**
 * Edits and deletes a sent message at the provider where it allows it (pachca.md §10.4: `PUT` /
 * `DELETE /messages/{id}`; green-api.md §10.5: `editMessage` within 15 minutes, `deleteMessage`).
 * Each try is kept as an event of the send, a refusal with the provider's words; Market and
 * Diadoc have no such methods (yandex-market.md §9.4, diadoc.md §12.6) and say so.
 */
export class SentMessageEditor {
  private readonly d: {
    history: HistoryStore;
    store: DirectoryStore;
    client: ReadClient;
    accounts: AccountSource;
    clock: Clock;
    changed(id: string): void;
  };

  constructor(d: SentMessageEditor['d']) {
    this.d = d;
  }

  async edit(id: string, text: string): Promise<SendEvent[]> {
    return this.act(id, 'edited', text);
  }

  async remove(id: string): Promise<SendEvent[]> {
    return this.act(id, 'deleted');
  }

  private async act(id: string, kind: SendEvent['kind'], text?: string): Promise<SendEvent[]> {
    const s = this.d.history.get(id);
    if (!s) throw new OperatorError(sendError('not_found', 'There is no such send.', { reason: 'send_missing' }));
    if (s.summary.status !== 'sent' || !s.summary.providerMessageId)
      throw new OperatorError(
        sendError('conflict', 'Only a sent message with the provider’s id can be changed.', { reason: 'not_sent_yet' }),
      );
    if (this.d.store.events(id).some((e) => e.kind === 'deleted' && !e.error))
      throw new OperatorError(sendError('conflict', 'This message was deleted at the provider.', { reason: 'already_deleted' }));
    const reader = readers[s.summary.provider];
    const { adapter: account } = await this.d.accounts.resolve(s.summary.accountId);
    const offered = kind === 'edited' ? reader.edit !== undefined : reader.remove !== undefined;
    if (!offered || !reader.supports(account))
      throw new OperatorError(
        sendError('conflict', 'The provider does not let a sent message be changed.', {
          reason: kind === 'edited' ? 'edit_unsupported' : 'delete_unsupported',
        }),
      );
    const now = this.d.clock.now();
    const sentAt = s.attempts.at(-1)?.startedAt ?? s.summary.createdAt;
    if (kind === 'edited' && s.summary.provider === 'greenapi' && now - sentAt > GREEN_EDIT_WINDOW_MS) {
      const error = sendError('conflict', 'WhatsApp lets a message be edited within 15 minutes of sending.', {
        reason: 'edit_window_passed',
        limit: 15,
      });
      this.d.store.addEvent(id, { at: now, kind, ...(text !== undefined ? { text } : {}), error });
      this.d.changed(id);
      throw new OperatorError(error);
    }
    try {
      await (kind === 'edited'
        ? reader.edit!(this.ctx(account), s.message, s.summary.providerMessageId, text!)
        : reader.remove!(this.ctx(account), s.message, s.summary.providerMessageId));
    } catch (e) {
      const error =
        e instanceof OperatorError ? e.error : sendError('provider_error', 'The provider could not be reached.', { reason: 'internal' });
      this.d.store.addEvent(id, { at: now, kind, ...(text !== undefined ? { text } : {}), error });
      this.d.changed(id);
      throw new OperatorError(error);
    }
    this.d.store.addEvent(id, { at: this.d.clock.now(), kind, ...(text !== undefined ? { text } : {}) });
    this.d.changed(id);
    return this.d.store.events(id);
  }

  private ctx(account: AdapterAccount) {
    return { account, client: this.d.client, nameOf: () => undefined };
  }
}
