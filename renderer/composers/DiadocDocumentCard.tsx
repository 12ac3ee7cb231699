import {
  diadocBuiltinTypes,
  diadocDocumentType,
  diadocLimits,
  metadataFileName,
  passedMetadata,
  type DiadocTypeInfo,
} from '../../shared/messages/diadoc.ts';
import type { FieldProblem } from '../../shared/messages/problems.ts';
import type { FileHandle } from '../../shared/sends.ts';
import { hasKey, useT } from '../i18n/index.ts';
import { problemText } from './ComposerFrame.tsx';
import { formatBytes } from '../i18n/format.ts';
import { FileDrop } from './FileDrop.tsx';

/** One document of a Diadoc message as the composer edits it. */
export interface DocDraft {
  file: FileHandle;
  signature?: FileHandle;
  typeNamedId: string;
  function: string;
  version: string;
  comment: string;
  customDocumentId: string;
  needRecipientSignature: boolean;
  metadata: string;
}

/** The draft's `key=value` lines as pairs, in order. */
export function metadataLines(text: string): [string, string][] {
  return text
    .split('\n')
    .map((l) => l.split('='))
    .filter((kv) => kv[0]!.trim())
    .map(([k, ...v]) => [k!.trim(), v.join('=').trim()]);
}

function withMetadata(text: string, key: string, value: string): string {
  const lines = metadataLines(text).filter(([k]) => k !== key);
  if (value.trim()) lines.push([key, value]);
  return lines.map(([k, v]) => `${k}=${v}`).join('\n');
}

interface Props {
  /** The box's document types (the built-in table when they are not known). */
  types: readonly DiadocTypeInfo[];
  doc: DocDraft;
  index: number;
  count: number;
  problems: FieldProblem[];
  /** Changes this card as it is when the change lands: a signature still uploading does not undo what was typed meanwhile. */
  onChange: (change: (doc: DocDraft) => DocDraft) => void;
  onRemove: () => void;
  onMove: (delta: -1 | 1) => void;
}

export function DiadocDocumentCard({ types, doc, index, count, problems, onChange, onRemove, onMove }: Props) {
  const { t, lang } = useT();
  const n = index + 1;
  const type = diadocDocumentType(doc.typeNamedId, types);
  const passed = type ? passedMetadata(type) : [];
  const fromContent = type ? type.metadata.filter((m) => m.source === 'content').map((m) => m.id) : [];
  const lines = metadataLines(doc.metadata);
  const others = type ? lines.filter(([k]) => !passed.some((p) => p.id === k)) : lines;
  const reasonText = (reason: string) => {
    const key = `reason.${reason}`;
    return hasKey(key) ? t(key) : reason;
  };
  const problemFor = (key: string) => problems.find((p) => p.field === `documents.${index}.meta.${key}`);
  const listId = `diadoc-types-${index}`;
  const set = (patch: Partial<DocDraft>) => onChange((now) => ({ ...now, ...patch }));
  return (
    <li className="diadoc-doc" data-testid="diadoc-document" aria-label={t('diadoc.document', { n, name: doc.file.name })}>
      <div className="row">
        <strong>
          {n}. {doc.file.name}
        </strong>
        <span className="muted small">{formatBytes(lang, doc.file.size)}</span>
        {doc.file.size > diadocLimits.inlineAdviceBytes && (
          <span className="badge warn" title={t('diadoc.inlineWarning', { size: { bytes: diadocLimits.inlineAdviceBytes } })}>
            ⚠ {t('diadoc.inlineWarning', { size: { bytes: diadocLimits.inlineAdviceBytes } })}
          </span>
        )}
        <span className="spacer" />
        <button type="button" className="link" disabled={index === 0} onClick={() => onMove(-1)} aria-label={t('diadoc.up', { n })}>
          ↑
        </button>
        <button
          type="button"
          className="link"
          disabled={index === count - 1}
          onClick={() => onMove(1)}
          aria-label={t('diadoc.down', { n })}
        >
          ↓
        </button>
        <button type="button" className="link danger" onClick={onRemove} aria-label={t('diadoc.removeDocument', { n })}>
          ×
        </button>
      </div>
      <div className="diadoc-grid">
        <label className="field">
          <span>{t('diadoc.type')}</span>
          <input
            list={listId}
            value={doc.typeNamedId}
            onChange={(e) => set({ typeNamedId: e.target.value, function: '' })}
            aria-label={`${t('diadoc.type')} ${n}`}
          />
          <datalist id={listId}>
            {(types.length ? types : diadocBuiltinTypes).map((d) => (
              <option key={d.typeNamedId} value={d.typeNamedId}>
                {d.title}
              </option>
            ))}
          </datalist>
        </label>
        {type && type.functions.length > 1 && (
          <label className="field">
            <span>{t('diadoc.function')}</span>
            <select value={doc.function} onChange={(e) => set({ function: e.target.value })} aria-label={`${t('diadoc.function')} ${n}`}>
              <option value="">—</option>
              {type.functions.map((f) => (
                <option key={f} value={f}>
                  {f}
                </option>
              ))}
            </select>
          </label>
        )}
        {type && type.functions.length > 1 && (
          <label className="field">
            <span>{t('diadoc.version')}</span>
            <input
              value={doc.version}
              onChange={(e) => set({ version: e.target.value })}
              placeholder="utd970_05_03_01"
              aria-label={`${t('diadoc.version')} ${n}`}
            />
          </label>
        )}
        <label className="field">
          <span>{t('diadoc.customId')}</span>
          <input
            value={doc.customDocumentId}
            onChange={(e) => set({ customDocumentId: e.target.value })}
            aria-label={`${t('diadoc.customId')} ${n}`}
          />
        </label>
      </div>
      <label className="field">
        <span>
          {t('diadoc.comment')}{' '}
          <span className="muted small">
            {doc.comment.length} / {diadocLimits.commentMax}
          </span>
        </span>
        <textarea
          rows={2}
          value={doc.comment}
          onChange={(e) => set({ comment: e.target.value })}
          aria-label={`${t('diadoc.comment')} ${n}`}
        />
      </label>
      {type && (
        <div className="diadoc-grid" data-testid="diadoc-metadata">
          {passed.map((m) => {
            const problem = problemFor(m.id);
            return (
              <label key={m.id} className="field">
                <span>{m.required && m.id !== 'FileName' ? t('diadoc.required', { name: m.id }) : m.id}</span>
                <input
                  value={lines.find(([k]) => k === m.id)?.[1] ?? ''}
                  placeholder={
                    m.id === 'FileName'
                      ? t('diadoc.fileNameAuto', { name: metadataFileName(doc.file.name) })
                      : m.type === 'date'
                        ? t('reason.metadata_date')
                        : undefined
                  }
                  onChange={(e) => set({ metadata: withMetadata(doc.metadata, m.id, e.target.value) })}
                  aria-label={`${m.id} ${n}`}
                  aria-invalid={problem ? true : undefined}
                />
                {problem && (
                  <small className="error" role="status">
                    {reasonText(problem.reason)}
                  </small>
                )}
              </label>
            );
          })}
          <span className="muted small">
            {fromContent.length ? t('diadoc.fromContent', { keys: fromContent.join(', ') }) : passed.length ? null : t('diadoc.noMetadata')}
          </span>
        </div>
      )}
      {(!type || others.length > 0) && (
        <label className="field">
          <span>{type ? t('diadoc.otherMetadata') : t('diadoc.metadata')}</span>
          <textarea
            rows={1}
            value={type ? others.map(([k, v]) => `${k}=${v}`).join('\n') : doc.metadata}
            onChange={(e) =>
              set({
                metadata: type
                  ? [...lines.filter(([k]) => passed.some((p) => p.id === k)).map(([k, v]) => `${k}=${v}`), e.target.value]
                      .filter(Boolean)
                      .join('\n')
                  : e.target.value,
              })
            }
            aria-label={`${type ? t('diadoc.otherMetadata') : t('diadoc.metadata')} ${n}`}
          />
        </label>
      )}
      <div className="row">
        <label className="inline">
          <input type="checkbox" checked={doc.needRecipientSignature} onChange={(e) => set({ needRecipientSignature: e.target.checked })} />{' '}
          {t('diadoc.needSignature')}
        </label>
        {doc.signature ? (
          <span className="file-chip">
            🔏 {doc.signature.name}{' '}
            <button
              type="button"
              className="link"
              aria-label={t('files.remove', { name: doc.signature.name })}
              onClick={() => {
                onChange(({ signature: _s, ...rest }) => rest);
              }}
            >
              ×
            </button>
          </span>
        ) : (
          <FileDrop
            label={`${t('diadoc.addSignature')} ${n}`}
            multiple={false}
            rules={{ maxFiles: 1, maxBytes: 1024 * 1024, current: 0 }}
            onFiles={([h]) => h && set({ signature: h })}
          />
        )}
      </div>
      {problems
        .filter((p) => !passed.some((m) => p.field === `documents.${index}.meta.${m.id}`))
        .map((p) => (
          <small key={p.field + p.reason} className="error" role="status">
            {p.field.includes('.meta.') ? `${p.field.split('.meta.')[1]}: ${reasonText(p.reason)}` : problemText(t, p)}
          </small>
        ))}
    </li>
  );
}
