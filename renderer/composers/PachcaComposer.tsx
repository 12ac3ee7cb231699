import { characterCount } from '../../shared/messages/characters.ts';
import {
  checkPachcaMessage,
  pachcaEntityTypes,
  pachcaLimits,
  type PachcaButton,
  type PachcaEntityType,
  type PachcaMessage,
} from '../../shared/messages/pachca.ts';
import type { FileHandle } from '../../shared/sends.ts';
import { client } from '../api.ts';
import { useT } from '../i18n/index.ts';
import { TemplateField } from '../templates/TemplateField.tsx';
import { Counter } from '../ui/Counter.tsx';
import { ComposerFrame, problemText, useComposerAccount } from './ComposerFrame.tsx';
import { FileChips } from './FileChips.tsx';
import { FileDrop } from './FileDrop.tsx';
import { PachcaButtonsEditor } from './PachcaButtonsEditor.tsx';
import { recipientKey } from '../../shared/send-labels.ts';
import { ComposerAside } from '../recipients/ComposerAside.tsx';
import { RecipientPicker } from '../recipients/RecipientPicker.tsx';
import { useComposerState, type ComposerSpec } from './useComposerState.ts';
import { PaperclipIcon } from '../ui/PaperclipIcon.tsx';

type Recipient = { entityType: PachcaEntityType; entityId: string };
type Body = {
  content: string;
  buttons: PachcaButton[][];
  files: FileHandle[];
  parentMessageId: string;
  displayName: string;
  displayAvatarUrl: string;
  skipInviteMentions: boolean;
  linkPreview: boolean;
};
const emptyBody: Body = {
  content: '',
  buttons: [],
  files: [],
  parentMessageId: '',
  displayName: '',
  displayAvatarUrl: '',
  skipInviteMentions: false,
  linkPreview: false,
};

export const pachcaKeyOf = (r: Recipient) =>
  /^\d{1,10}$/.test(r.entityId.trim()) && Number(r.entityId) > 0 ? `${r.entityType}:${Number(r.entityId)}` : undefined;

const pachcaComposer: ComposerSpec<Recipient, Body> = {
  provider: 'pachca',
  initial: { recipient: { entityType: 'discussion', entityId: '' }, body: emptyBody },
  keyOf: pachcaKeyOf,
};

export function PachcaComposer() {
  const { t } = useT();
  const account = useComposerAccount('pachca');
  const isBot = account?.settings.provider === 'pachca' && account.settings.isBot;
  const { recipient, body, setRecipient, setBody, clearBody } = useComposerState(pachcaComposer);
  const b = { ...emptyBody, ...body };
  const message: PachcaMessage = {
    provider: 'pachca',
    entityType: recipient.entityType,
    entityId: Number(recipient.entityId) || 0,
    content: b.content,
    ...(b.buttons.length ? { buttons: b.buttons } : {}),
    ...(b.files.length ? { files: b.files.map((f) => f.id) } : {}),
    ...(/^\d+$/.test(b.parentMessageId) ? { parentMessageId: Number(b.parentMessageId) } : {}),
    ...(isBot && b.displayName ? { displayName: b.displayName } : {}),
    ...(isBot && b.displayAvatarUrl ? { displayAvatarUrl: b.displayAvatarUrl } : {}),
    ...(recipient.entityType === 'thread' && b.skipInviteMentions ? { skipInviteMentions: true } : {}),
    ...(b.linkPreview ? { linkPreview: true } : {}),
  };
  const problems = [
    ...(pachcaKeyOf(recipient) ? [] : [{ field: 'entityId', reason: recipient.entityId ? 'invalid_value' : 'required' }]),
    ...(b.parentMessageId && !/^\d+$/.test(b.parentMessageId) ? [{ field: 'parentMessageId', reason: 'invalid_value' }] : []),
    ...checkPachcaMessage(message, { isBot: !!isBot }),
  ];
  const buttonProblem = problems.find((p) => p.field.startsWith('buttons'));
  const total = b.buttons.reduce((n, r) => n + r.length, 0);

  // The recipient as the history names it: the aside lists sends to it, the frame asks the team about it.
  const historyRecipient = pachcaKeyOf(recipient)
    ? recipientKey({ kind: recipient.entityType === 'discussion' ? 'chat' : recipient.entityType, id: String(Number(recipient.entityId)) })
    : undefined;
  return (
    <div className="composer-layout">
      <ComposerFrame
        provider="pachca"
        recipient={historyRecipient}
        problems={problems}
        texts={[b.content]}
        limits={
          <>
            <Counter count={characterCount(b.content)} max={pachcaLimits.contentMax} label={t('field.content')} />
            <span className="counter">{t('pachca.buttonsCount', { count: total, max: pachcaLimits.buttonsMax })}</span>
            {b.files.length > 0 && (
              <span>
                <PaperclipIcon /> {b.files.length}
              </span>
            )}
          </>
        }
        send={(accountId, options) => client.sends.send({ accountId, message, ...options })}
        onSent={clearBody}
      >
        <div className="row">
          <label className="field">
            <span>{t('pachca.entityType')}</span>
            <select
              name="entityType"
              value={recipient.entityType}
              onChange={(e) => setRecipient({ ...recipient, entityType: e.target.value as PachcaEntityType })}
            >
              {pachcaEntityTypes.map((et) => (
                <option key={et} value={et}>
                  {t(`pachca.entity.${et}`)}
                </option>
              ))}
            </select>
          </label>
          <RecipientPicker
            accountId={account?.id}
            label={t('pachca.entityId')}
            name="entityId"
            value={recipient.entityId}
            target={pachcaKeyOf(recipient)}
            onType={(entityId) => setRecipient({ ...recipient, entityId })}
            onPick={(x) => {
              const [entityType, id] = x.target.split(':');
              setRecipient({ entityType: entityType === 'user' ? 'user' : 'discussion', entityId: id ?? '' });
            }}
          />
        </div>
        <TemplateField label={t('pachca.content')} name="content" value={b.content} onChange={(content) => setBody({ content })} rows={6} />
        <FileDrop
          label={t('pachca.files')}
          rules={{ maxFiles: pachcaLimits.filesMax, maxBytes: 100 * 1024 * 1024, current: b.files.length }}
          onFiles={(hs) => setBody((now) => ({ files: [...now.files, ...hs] }))}
        >
          <FileChips files={b.files} onRemove={(id) => setBody({ files: b.files.filter((f) => f.id !== id) })} />
        </FileDrop>
        <PachcaButtonsEditor rows={b.buttons} onChange={(buttons) => setBody({ buttons })} />
        {buttonProblem && (
          <small className="error" role="status">
            {problemText(t, buttonProblem)}
          </small>
        )}
        <details className="more">
          <summary>{t('pachca.more')}</summary>
          <div className="composer-body">
            <label className="field">
              <span>{t('pachca.parentMessageId')}</span>
              <input
                name="parentMessageId"
                inputMode="numeric"
                value={b.parentMessageId}
                onChange={(e) => setBody({ parentMessageId: e.target.value.trim() })}
              />
            </label>
            {isBot && (
              <>
                <label className="field">
                  <span>{t('pachca.displayName')}</span>
                  <input
                    name="displayName"
                    value={b.displayName}
                    maxLength={2 * pachcaLimits.displayMax + 20}
                    onChange={(e) => setBody({ displayName: e.target.value })}
                  />
                </label>
                <label className="field">
                  <span>{t('pachca.displayAvatarUrl')}</span>
                  <input
                    name="displayAvatarUrl"
                    inputMode="url"
                    value={b.displayAvatarUrl}
                    onChange={(e) => setBody({ displayAvatarUrl: e.target.value })}
                  />
                </label>
              </>
            )}
            {recipient.entityType === 'thread' && (
              <label className="inline">
                <input type="checkbox" checked={b.skipInviteMentions} onChange={(e) => setBody({ skipInviteMentions: e.target.checked })} />{' '}
                {t('pachca.skipInviteMentions')}
              </label>
            )}
            <label className="inline">
              <input type="checkbox" checked={b.linkPreview} onChange={(e) => setBody({ linkPreview: e.target.checked })} />{' '}
              {t('pachca.linkPreview')}
            </label>
          </div>
        </details>
      </ComposerFrame>
      <ComposerAside provider="pachca" accountId={account?.id} target={pachcaKeyOf(recipient)} recipient={historyRecipient} />
    </div>
  );
}
