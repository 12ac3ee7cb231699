import type { SendDetail } from '../../shared/contract.ts';
import { formatBytes } from '../i18n/format.ts';
import { useT } from '../i18n/index.ts';

/**
 * What went out besides the text: a Pachca message's button rows (each button's text and its link
 * or data) and the files of any send, named and sized as they were attached.
 */
export function SentContent({ d }: { d: SendDetail }) {
  const { t, lang } = useT();
  const rows = d.message.provider === 'pachca' ? (d.message.buttons ?? []) : [];
  const files = d.attachedFiles ?? [];
  return (
    <>
      {rows.length > 0 && (
        <>
          <h3>{t('sentContent.buttons')}</h3>
          <ol className="sent-buttons" data-testid="sent-buttons">
            {rows.map((row, r) => (
              <li key={r} aria-label={t('sentContent.buttonRow', { n: r + 1 })}>
                <ul>
                  {row.map((b, c) => (
                    <li key={c} className="sent-button">
                      <strong>{b.text}</strong>{' '}
                      <span className="muted">
                        {b.url !== undefined
                          ? t('sentContent.buttonUrl', { url: b.url })
                          : t('sentContent.buttonData', { data: b.data ?? '' })}
                      </span>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
        </>
      )}
      {files.length > 0 && (
        <>
          <h3>{t('sentContent.files')}</h3>
          <ul className="sent-files" data-testid="sent-files">
            {files.map((f) => (
              <li key={f.id}>
                {f.name} <span className="muted">{formatBytes(lang, f.size)}</span>
                {!f.onDisk && <span className="muted"> · {t('sentContent.fileGone')}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
