import { type ReactNode, useEffect, useEffectEvent, useRef, useState } from 'react';
import { isOperatorError } from '../../shared/operator-error.ts';
import type { FileHandle } from '../../shared/sends.ts';
import { client } from '../api.ts';
import { describeError, limitParam, useT } from '../i18n/index.ts';

export interface FileRules {
  maxFiles: number;
  /** Bytes per file. */
  maxBytes: number;
  /** Already attached: counts towards maxFiles. */
  current: number;
  /** Files that ride along with another rather than being one more (Diadoc's signatures): not counted. */
  uncounted?: (name: string) => boolean;
}

/** Checks a dropped file before anything is uploaded; the reason is a dictionary key. `index` counts the files accepted before it. */
export function refuseFile(file: File, rules: FileRules, index: number): { reason: string; limit?: number } | undefined {
  if (!rules.uncounted?.(file.name) && rules.current + index >= rules.maxFiles) return { reason: 'too_many_files', limit: rules.maxFiles };
  if (file.size === 0) return { reason: 'file_empty' };
  if (file.size > rules.maxBytes) return { reason: 'file_too_big', limit: rules.maxBytes };
  return undefined;
}

interface Props {
  rules: FileRules;
  /** Takes the accepted files; may answer notes about some of them, shown with the refusals. */
  onFiles: (handles: FileHandle[]) => string[] | void;
  label: string;
  multiple?: boolean;
  children?: ReactNode;
}

/**
 * A drop target that also takes pasted files and the file chooser. Each file is checked
 * first; a refused one says why and leaves the rest of the draft alone. Accepted files become
 * handles issued by the main process: the page never holds a path.
 */
export function FileDrop({ rules, onFiles, label, multiple = true, children }: Props) {
  const { t } = useT();
  const [over, setOver] = useState(false);
  const [busy, setBusy] = useState(0);
  const [refusals, setRefusals] = useState<string[]>([]);
  const ref = useRef<HTMLDivElement>(null);

  const take = async (files: File[]) => {
    const problems: string[] = [];
    const accepted: File[] = [];
    files.forEach((f) => {
      const no = refuseFile(f, rules, accepted.filter((a) => !rules.uncounted?.(a.name)).length);
      if (no) problems.push(`${f.name}: ${t(`reason.${no.reason}` as never, { limit: limitParam(no.reason, no.limit) })}`);
      else accepted.push(f);
    });
    setBusy((b) => b + accepted.length);
    const handles: FileHandle[] = [];
    for (const f of accepted) {
      try {
        handles.push(await client.files.add(f));
      } catch (e) {
        problems.push(`${f.name}: ${isOperatorError(e) ? describeError(t, e.error) : t('reason.file_unreadable')}`);
      } finally {
        setBusy((b) => b - 1);
      }
    }
    if (handles.length) problems.push(...(onFiles(handles) ?? []));
    setRefusals(problems);
  };
  // The paste listener is attached once and always takes files with this render's rules.
  const takePasted = useEffectEvent((files: File[]) => void take(files));

  // Paste anywhere in the composer: files from the clipboard join the draft like dropped ones.
  useEffect(() => {
    const form = ref.current?.closest('form');
    if (!form) return;
    const onPaste = (e: ClipboardEvent) => {
      const files = [...(e.clipboardData?.files ?? [])];
      if (files.length) {
        e.preventDefault();
        takePasted(files);
      }
    };
    form.addEventListener('paste', onPaste);
    return () => form.removeEventListener('paste', onPaste);
  }, []);

  return (
    <div
      ref={ref}
      className={`drop${over ? ' over' : ''}`}
      data-testid="drop-zone"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        void take([...e.dataTransfer.files]);
      }}
    >
      <label className="drop-label">
        <span>{label}</span>
        <input
          type="file"
          multiple={multiple}
          className="sr-only"
          onChange={(e) => {
            void take([...(e.target.files ?? [])]);
            e.target.value = '';
          }}
          aria-label={label}
        />
      </label>
      {busy > 0 && (
        <span className="muted small" role="status">
          {t('files.adding', { count: busy })}
        </span>
      )}
      {refusals.length > 0 && (
        <ul className="refusals" role="alert">
          {refusals.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      {children}
    </div>
  );
}

/** Upload progress of the send under way, from the main process's events. */
export function useSendProgress(active: boolean): { sent: number; total: number } | undefined {
  const [p, setP] = useState<{ sent: number; total: number }>();
  useEffect(() => {
    if (!active) return;
    const unsubscribe = client.on.sendProgress((e) => setP({ sent: e.sent, total: e.total }));
    return () => {
      unsubscribe();
      setP(undefined);
    };
  }, [active]);
  return active ? p : undefined;
}
