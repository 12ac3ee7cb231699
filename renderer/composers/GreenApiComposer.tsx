import { characterCount } from '../../shared/messages/characters.ts';
import { checkGreenApiMessage, greenApiLimits, normalizeGreenApiRecipient, type GreenApiMessage } from '../../shared/messages/green-api.ts';
import { client } from '../api.ts';
import { useT } from '../i18n/index.ts';
import { Counter } from '../ui/Counter.tsx';
import { TemplateField } from '../templates/TemplateField.tsx';
import { RecipientPicker } from '../recipients/RecipientPicker.tsx';
import { ComposerFrame, problemText, useComposerAccount } from './ComposerFrame.tsx';
import { ComposerAside } from '../recipients/ComposerAside.tsx';
import { useComposerState, type ComposerSpec } from './useComposerState.ts';

type Recipient = { recipientType: GreenApiMessage['recipientType']; to: string };

const greenApiComposer: ComposerSpec<Recipient, { text: string }> = {
  provider: 'greenapi',
  initial: { recipient: { recipientType: 'individual', to: '' }, body: { text: '' } },
  keyOf: (r) => {
    const to = normalizeGreenApiRecipient(r.recipientType, r.to);
    return checkGreenApiMessage({ provider: 'greenapi', recipientType: r.recipientType, to, text: 'x' }, 'instance').length === 0
      ? `${r.recipientType}:${to}`
      : undefined;
  },
};

export function GreenApiComposer() {
  const { t } = useT();
  const account = useComposerAccount('greenapi');
  const form = account?.settings.provider === 'greenapi' ? account.settings.form : 'v1';
  const { recipient, body, setRecipient, setBody, clearBody } = useComposerState(greenApiComposer);
  const { keyOf } = greenApiComposer;
  const message: GreenApiMessage = { provider: 'greenapi', recipientType: recipient.recipientType, to: recipient.to, text: body.text };
  const problems = checkGreenApiMessage(message, form);
  const toProblem = recipient.to ? problems.find((p) => p.field === 'to') : undefined;
  const max = greenApiLimits.textMax[form];
  const normalized = normalizeGreenApiRecipient(recipient.recipientType, recipient.to);

  // The recipient as the history names it: the aside lists sends to it, the frame asks the team about it.
  const historyRecipient = keyOf(recipient) ? normalized : undefined;
  return (
    <div className="composer-layout">
      <ComposerFrame
        provider="greenapi"
        recipient={historyRecipient}
        problems={problems}
        limits={<Counter count={characterCount(body.text)} max={max} label={t('field.text')} />}
        send={(accountId, options) => client.sends.send({ accountId, message, ...options })}
        onSent={clearBody}
        texts={[body.text]}
      >
        <fieldset className="row">
          <legend>{t('greenapi.recipientType')}</legend>
          {(['individual', 'group'] as const).map((rt) => (
            <label key={rt} className="inline">
              <input
                type="radio"
                name="recipientType"
                value={rt}
                checked={recipient.recipientType === rt}
                onChange={() => setRecipient({ ...recipient, recipientType: rt })}
              />
              {t(`greenapi.${rt}`)}
            </label>
          ))}
        </fieldset>
        <RecipientPicker
          accountId={account?.id}
          label={t('greenapi.to')}
          name="to"
          inputMode={recipient.recipientType === 'individual' ? 'tel' : 'text'}
          value={recipient.to}
          target={normalized && !toProblem ? `${normalized}@${recipient.recipientType === 'group' ? 'g' : 'c'}.us` : undefined}
          placeholder={t(recipient.recipientType === 'individual' ? 'greenapi.toPlaceholderIndividual' : 'greenapi.toPlaceholderGroup')}
          onType={(to) => setRecipient({ ...recipient, to })}
          onPick={(x) =>
            setRecipient({ recipientType: x.target.endsWith('@g.us') ? 'group' : 'individual', to: x.target.replace(/@[cg]\.us$/, '') })
          }
          invalid={!!toProblem}
          {...(toProblem ? { describedBy: 'greenapi-to-error' } : {})}
        >
          {toProblem && (
            <small id="greenapi-to-error" className="error">
              {problemText(t, toProblem)}
            </small>
          )}
        </RecipientPicker>
        <TemplateField
          label={t('greenapi.text')}
          name="text"
          value={body.text}
          onChange={(text) => setBody({ text })}
          describedBy="greenapi-format"
        />
        <small id="greenapi-format" className="hint">
          {t('greenapi.formatHint')}
        </small>
      </ComposerFrame>
      <ComposerAside
        provider="greenapi"
        accountId={account?.id}
        target={keyOf(recipient) ? `${normalized}@${recipient.recipientType === 'group' ? 'g' : 'c'}.us` : undefined}
        recipient={historyRecipient}
      />
    </div>
  );
}
