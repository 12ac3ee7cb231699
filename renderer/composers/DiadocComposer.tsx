import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  base64Length,
  boxIdPattern,
  checkDiadocMessage,
  deliversNow,
  diadocBuiltinTypes,
  diadocLimits,
  withFileNames,
  type DiadocDocument,
  type DiadocMessage,
} from '../../shared/messages/diadoc.ts';
import type { FileHandle } from '../../shared/sends.ts';
import { client, keys } from '../api.ts';
import { useT } from '../i18n/index.ts';
import { RecipientPicker } from '../recipients/RecipientPicker.tsx';
import { ComposerFrame, useComposerAccount } from './ComposerFrame.tsx';
import { DiadocDocumentCard, metadataLines, type DocDraft } from './DiadocDocumentCard.tsx';
import { FileDrop } from './FileDrop.tsx';
import { isSignatureName, signedName, withDroppedFiles } from './signature-pairing.ts';
import { ComposerAside } from '../recipients/ComposerAside.tsx';
import { useComposerState, type ComposerSpec } from './useComposerState.ts';

type Recipient = { fromBoxId: string; toBoxId: string };
type Body = { documents: DocDraft[]; isDraft: boolean; lockPacket: boolean; delaySend: boolean };

export const diadocKeyOf = (r: Recipient) => (boxIdPattern.test(r.toBoxId.trim()) ? r.toBoxId.trim().toLowerCase() : undefined);

const diadocComposer: ComposerSpec<Recipient, Body> = {
  provider: 'diadoc',
  initial: { recipient: { fromBoxId: '', toBoxId: '' }, body: { documents: [], isDraft: false, lockPacket: false, delaySend: false } },
  keyOf: diadocKeyOf,
};

/** A sent document back as a card's draft, with its files as the history still has them. */
export function fromDocument(d: DiadocDocument, file: FileHandle, signature: FileHandle | undefined): DocDraft {
  return {
    file,
    ...(signature ? { signature } : {}),
    typeNamedId: d.typeNamedId,
    function: d.function ?? '',
    version: d.version ?? '',
    comment: d.comment ?? '',
    customDocumentId: d.customDocumentId ?? '',
    needRecipientSignature: !!d.needRecipientSignature,
    metadata: (d.metadata ?? []).map((m) => `${m.key}=${m.value}`).join('\n'),
  };
}

const newCard = (file: FileHandle): DocDraft => ({
  file,
  typeNamedId: 'Nonformalized',
  function: '',
  version: '',
  comment: '',
  customDocumentId: '',
  needRecipientSignature: false,
  metadata: '',
});

function toDocument(d: DocDraft): DiadocDocument {
  const metadata = metadataLines(d.metadata).map(([key, value]) => ({ key, value }));
  return {
    file: d.file.id,
    typeNamedId: d.typeNamedId,
    ...(d.signature ? { signatureFile: d.signature.id } : {}),
    ...(d.function ? { function: d.function } : {}),
    ...(d.version ? { version: d.version } : {}),
    ...(d.comment ? { comment: d.comment } : {}),
    ...(d.customDocumentId ? { customDocumentId: d.customDocumentId } : {}),
    ...(d.needRecipientSignature ? { needRecipientSignature: true } : {}),
    ...(metadata.length ? { metadata } : {}),
  };
}

/** An honest estimate of the JSON request: every inline file as base64 (larger ones go to the shelf), plus room for the fields. */
function requestBytes(docs: DocDraft[]): number {
  return docs.reduce(
    (n, d) =>
      n +
      (d.file.size > diadocLimits.inlineAdviceBytes ? 100 : base64Length(d.file.size)) +
      (d.signature ? base64Length(d.signature.size) : 0) +
      600 +
      d.comment.length * 2,
    400,
  );
}

/** The box's document types, cached in the host; the built-in table until they arrive or when the box cannot be asked. */
function useDocumentTypes(accountId: string | undefined) {
  const qc = useQueryClient();
  const query = useQuery({
    queryKey: keys.diadocTypes(accountId ?? ''),
    queryFn: () => client.diadoc.documentTypes({ accountId: accountId! }),
    enabled: !!accountId,
    staleTime: Infinity,
  });
  const refresh = useMutation({
    mutationFn: () => client.diadoc.documentTypes({ accountId: accountId!, refresh: true }),
    onSuccess: (data) => qc.setQueryData(keys.diadocTypes(accountId ?? ''), data),
  });
  return { reply: query.data, types: query.data?.types ?? diadocBuiltinTypes, refresh };
}

export function DiadocComposer() {
  const { t } = useT();
  const account = useComposerAccount('diadoc');
  const defaultFrom = account?.settings.provider === 'diadoc' ? (account.settings.fromBoxId ?? '') : '';
  const { recipient, body, setRecipient, setBody, clearBody } = useComposerState(diadocComposer);
  const r = { ...recipient, fromBoxId: recipient.fromBoxId || defaultFrom };
  const docs = body.documents ?? [];
  const message: DiadocMessage = {
    provider: 'diadoc',
    fromBoxId: r.fromBoxId.trim(),
    toBoxId: r.toBoxId.trim(),
    documents: docs.map(toDocument),
    ...(body.isDraft ? { isDraft: true } : {}),
    ...(body.lockPacket ? { lockPacket: true } : {}),
    ...(body.delaySend ? { delaySend: true } : {}),
  };
  const { reply, types, refresh } = useDocumentTypes(account?.id);
  const size = requestBytes(docs);
  // Checked as it will go out: FileName comes from the file for the types that take it.
  const problems = checkDiadocMessage(
    withFileNames(message, (id) => docs.find((d) => d.file.id === id)?.file.name, types),
    types,
  );
  const unsigned = deliversNow(message) && docs.some((d) => !d.signature);
  if (size > diadocLimits.requestBytesMax)
    problems.unshift({ field: 'documents', reason: 'documents_too_big', limit: diadocLimits.requestBytesMax });
  const setDocs = (documents: DocDraft[]) => setBody({ documents });

  // The recipient as the history names it: the aside lists sends to it, the frame asks the team about it.
  const historyRecipient = diadocKeyOf(r) ? r.toBoxId.trim() : undefined;
  return (
    <div className="composer-layout">
      <ComposerFrame
        provider="diadoc"
        recipient={historyRecipient}
        problems={problems}
        texts={docs.map((d) => d.comment)}
        limits={
          <>
            <span className={docs.length > diadocLimits.documentsMax ? 'counter-over' : 'counter'} data-testid="documents-count">
              {t('diadoc.count', { count: docs.length, max: diadocLimits.documentsMax })}
            </span>
            <span className={size > diadocLimits.requestBytesMax ? 'counter-over' : 'counter'}>
              {t('diadoc.size', { size: { bytes: size }, max: { bytes: diadocLimits.requestBytesMax } })}
            </span>
          </>
        }
        send={(accountId, options) => client.sends.send({ accountId, message, ...options })}
        onSent={clearBody}
      >
        <div className="row">
          <label className="field grow">
            <span>{t('diadoc.fromBoxId')}</span>
            <input name="fromBoxId" value={r.fromBoxId} onChange={(e) => setRecipient({ ...r, fromBoxId: e.target.value })} />
          </label>
          <RecipientPicker
            accountId={account?.id}
            label={t('diadoc.toBoxId')}
            name="toBoxId"
            value={r.toBoxId}
            target={diadocKeyOf(r) ? r.toBoxId.trim() : undefined}
            onType={(toBoxId) => setRecipient({ ...r, toBoxId })}
            onPick={(x) => setRecipient({ ...r, toBoxId: x.target })}
          />
        </div>
        <FileDrop
          label={t('diadoc.documents')}
          rules={{
            maxFiles: diadocLimits.documentsMax,
            maxBytes: diadocLimits.requestBytesMax,
            current: docs.length,
            uncounted: isSignatureName,
          }}
          onFiles={(hs) => {
            let unpaired: FileHandle[] = [];
            // From the body as it is once the files are in: a comment typed during the upload stays.
            setBody((now) => {
              const dropped = withDroppedFiles(now.documents ?? [], hs, newCard);
              unpaired = dropped.unpaired;
              return { documents: dropped.docs };
            });
            return unpaired.map((s) => t('diadoc.signatureUnpaired', { name: s.name, document: signedName(s.name) }));
          }}
        />
        <ol className="diadoc-docs">
          {docs.map((d, i) => (
            <DiadocDocumentCard
              key={d.file.id}
              types={types}
              doc={d}
              index={i}
              count={docs.length}
              problems={problems.filter((p) => p.field.startsWith(`documents.${i}.`))}
              onChange={(change) =>
                setBody((now) => ({ documents: (now.documents ?? []).map((x) => (x.file.id === d.file.id ? change(x) : x)) }))
              }
              onRemove={() => setDocs(docs.filter((_, j) => j !== i))}
              onMove={(delta) => {
                const next = [...docs];
                const [m] = next.splice(i, 1);
                next.splice(Math.max(0, Math.min(docs.length - 1, i + delta)), 0, m!);
                setDocs(next);
              }}
            />
          ))}
        </ol>
        {unsigned && (
          <div className="note" role="note" data-testid="diadoc-signature-rule">
            <p>{t('diadoc.signatureRule')}</p>
            <button type="button" onClick={() => setBody({ isDraft: true })}>
              {t('diadoc.sendAsDraft')}
            </button>
          </div>
        )}
        <div className="row">
          <span className="muted small" data-testid="diadoc-types-source">
            {reply?.source === 'builtin' ? t('diadoc.typesBuiltin') : t('diadoc.typesFromBox')}
          </span>
          <button type="button" className="link" disabled={!account || refresh.isPending} onClick={() => refresh.mutate()}>
            {t('diadoc.refreshTypes')}
          </button>
        </div>
        <div className="row">
          {(['isDraft', 'lockPacket', 'delaySend'] as const).map((f) => (
            <label key={f} className="inline">
              <input type="checkbox" checked={!!body[f]} onChange={(e) => setBody({ [f]: e.target.checked })} /> {t(`diadoc.${f}`)}
            </label>
          ))}
        </div>
      </ComposerFrame>
      <ComposerAside
        provider="diadoc"
        accountId={account?.id}
        target={diadocKeyOf(r) ? r.toBoxId.trim() : undefined}
        recipient={historyRecipient}
      />
    </div>
  );
}
