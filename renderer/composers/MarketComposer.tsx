import { characterCount } from '../../shared/messages/characters.ts';
import { checkMarketMessage, isMarketId, marketLimits, normalizeMarketId, type MarketMessage } from '../../shared/messages/market.ts';
import type { FieldProblem } from '../../shared/messages/problems.ts';
import type { FileHandle } from '../../shared/sends.ts';
import { client } from '../api.ts';
import { useT } from '../i18n/index.ts';
import { TemplateField } from '../templates/TemplateField.tsx';
import { Counter } from '../ui/Counter.tsx';
import { ComposerFrame, problemText, useComposerAccount, type SendOptions } from './ComposerFrame.tsx';
import { FileChips } from './FileChips.tsx';
import { formatBytes } from '../i18n/format.ts';
import { FileDrop } from './FileDrop.tsx';
import { recipientKey } from '../../shared/send-labels.ts';
import { ComposerAside } from '../recipients/ComposerAside.tsx';
import { RecipientPicker } from '../recipients/RecipientPicker.tsx';
import { useComposerState, type ComposerSpec } from './useComposerState.ts';
import { PaperclipIcon } from '../ui/PaperclipIcon.tsx';

type Recipient = { businessId: string; chatId: string };
type Body = { text: string; file: FileHandle | null };

export const marketKeyOf = (r: Recipient) => {
  const b = normalizeMarketId(r.businessId);
  const c = normalizeMarketId(r.chatId);
  return isMarketId(b) && isMarketId(c) ? `${b}:${c}` : undefined;
};

const marketComposer: ComposerSpec<Recipient, Body> = {
  provider: 'market',
  initial: { recipient: { businessId: '', chatId: '' }, body: { text: '', file: null } },
  keyOf: marketKeyOf,
};

export function MarketComposer() {
  const { t, lang } = useT();
  const account = useComposerAccount('market');
  const defaultBusiness = account?.settings.provider === 'market' ? (account.settings.businessId ?? '') : '';
  const { recipient, body, setRecipient, setBody, clearBody } = useComposerState(marketComposer);
  const r = { ...recipient, businessId: recipient.businessId || defaultBusiness };
  const base = { provider: 'market' as const, businessId: normalizeMarketId(r.businessId), chatId: normalizeMarketId(r.chatId) };
  const textMsg: MarketMessage = { ...base, kind: 'text', text: body.text };
  const fileMsg: MarketMessage | undefined = body.file ? { ...base, kind: 'file', file: body.file.id } : undefined;
  // Text alone, file alone, or both: each part is checked by its own rules.
  const problems: FieldProblem[] = body.text || !fileMsg ? checkMarketMessage(textMsg) : [];
  if (fileMsg) problems.push(...checkMarketMessage(fileMsg, body.file!.size).filter((p) => !problems.some((q) => q.field === p.field)));
  const idProblem = (field: string) =>
    (field === 'businessId' ? r.businessId : r.chatId) ? problems.find((p) => p.field === field) : undefined;

  // Text and file go as two grouped sends; an edited scheduled send is replaced by the first of them.
  const send = async (accountId: string, { replaces, ...when }: SendOptions) => {
    const groupId = body.text && fileMsg ? crypto.randomUUID() : undefined;
    let first;
    if (body.text) {
      first = await client.sends.send({
        accountId,
        message: textMsg,
        ...when,
        ...(groupId ? { groupId } : {}),
        ...(replaces ? { replaces } : {}),
      });
      if (first.status === 'failed' || !fileMsg) return first;
    }
    const second = await client.sends.send({
      accountId,
      message: fileMsg!,
      ...when,
      ...(groupId ? { groupId } : {}),
      ...(!first && replaces ? { replaces } : {}),
    });
    return first ?? second;
  };

  // The recipient as the history names it: the aside lists sends to it, the frame asks the team about it.
  const historyRecipient = marketKeyOf(r) ? recipientKey({ kind: 'chat', id: base.chatId }) : undefined;
  return (
    <div className="composer-layout">
      <ComposerFrame
        provider="market"
        recipient={historyRecipient}
        problems={problems}
        texts={[body.text]}
        limits={
          <>
            <Counter count={characterCount(body.text)} max={marketLimits.textMax} label={t('field.text')} />
            {body.file && (
              <span className={body.file.size > marketLimits.fileMaxBytes ? 'counter-over' : ''}>
                <PaperclipIcon /> {formatBytes(lang, body.file.size)} / {formatBytes(lang, marketLimits.fileMaxBytes)}
              </span>
            )}
          </>
        }
        send={send}
        onSent={clearBody}
      >
        <div className="row">
          <label className="field">
            <span>{t('market.businessId')}</span>
            <input
              name="businessId"
              inputMode="numeric"
              autoComplete="off"
              value={r.businessId}
              onChange={(e) => setRecipient({ ...r, businessId: e.target.value })}
              aria-invalid={!!idProblem('businessId')}
            />
            {idProblem('businessId') && <small className="error">{problemText(t, idProblem('businessId')!)}</small>}
          </label>
          <RecipientPicker
            accountId={account?.id}
            label={t('market.chatId')}
            name="chatId"
            value={r.chatId}
            target={isMarketId(base.chatId) ? base.chatId : undefined}
            onType={(chatId) => setRecipient({ ...r, chatId })}
            onPick={(x) => setRecipient({ ...r, chatId: x.target })}
            invalid={!!idProblem('chatId')}
          >
            {idProblem('chatId') && <small className="error">{problemText(t, idProblem('chatId')!)}</small>}
          </RecipientPicker>
        </div>
        <TemplateField label={t('market.text')} name="text" value={body.text} onChange={(text) => setBody({ text })} rows={6} />
        <FileDrop
          label={t('market.file')}
          multiple={false}
          rules={{ maxFiles: 1, maxBytes: marketLimits.fileMaxBytes, current: body.file ? 1 : 0 }}
          onFiles={([h]) => setBody({ file: h ?? null })}
        >
          <FileChips files={body.file ? [body.file] : []} onRemove={() => setBody({ file: null })} />
        </FileDrop>
        {body.text && body.file && <p className="note">{t('market.twoSends')}</p>}
      </ComposerFrame>
      <ComposerAside
        provider="market"
        accountId={account?.id}
        target={marketKeyOf(r) ? base.chatId : undefined}
        recipient={historyRecipient}
      />
    </div>
  );
}
