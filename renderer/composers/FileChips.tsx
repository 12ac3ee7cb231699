import type { FileHandle } from '../../shared/sends.ts';
import { useT } from '../i18n/index.ts';
import { formatBytes } from '../i18n/format.ts';
import { PaperclipIcon } from '../ui/PaperclipIcon.tsx';

/** The attached files, each with its size and a way to take it off again. */
export function FileChips({ files, onRemove, warnAbove }: { files: FileHandle[]; onRemove: (id: string) => void; warnAbove?: number }) {
  const { t, lang } = useT();
  if (!files.length) return null;
  return (
    <ul className="file-chips">
      {files.map((f) => (
        <li key={f.id} className="file-chip" data-testid="file-chip">
          <PaperclipIcon /> {f.name}
          {warnAbove !== undefined && f.size > warnAbove && <span className="badge warn">{formatBytes(lang, f.size)}</span>}
          <span className="size">{formatBytes(lang, f.size)}</span>
          <button type="button" className="link" aria-label={t('files.remove', { name: f.name })} onClick={() => onRemove(f.id)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
