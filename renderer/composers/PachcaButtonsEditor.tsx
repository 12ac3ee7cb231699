import { pachcaLimits, type PachcaButton } from '../../shared/messages/pachca.ts';
import { useT } from '../i18n/index.ts';

type Rows = PachcaButton[][];

function move<T>(list: T[], from: number, to: number): T[] {
  if (to < 0 || to >= list.length) return list;
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item!);
  return next;
}

/**
 * The buttons grid: rows of buttons, each a text and either a link or a data value. Every
 * action is a labelled button, so rows and buttons are reordered by keyboard as well as mouse;
 * the limits (100 in all, 8 in a row) are shown live and adding stops at them.
 */
export function PachcaButtonsEditor({ rows, onChange }: { rows: Rows; onChange: (rows: Rows) => void }) {
  const { t } = useT();
  const total = rows.reduce((n, r) => n + r.length, 0);
  const full = total >= pachcaLimits.buttonsMax;
  const setRow = (r: number, row: PachcaButton[]) => onChange(rows.map((x, i) => (i === r ? row : x)));
  const setButton = (r: number, c: number, b: PachcaButton) =>
    setRow(
      r,
      rows[r]!.map((x, i) => (i === c ? b : x)),
    );

  return (
    <fieldset className="pachca-buttons">
      <legend>
        {t('pachca.buttons')}{' '}
        <span className={`counter${full ? ' counter-over' : ''}`} data-testid="buttons-count">
          {total} / {pachcaLimits.buttonsMax}
        </span>
      </legend>
      {rows.map((row, r) => {
        const rowFull = row.length >= pachcaLimits.buttonsPerRowMax;
        return (
          <div key={r} className="pachca-row" role="group" aria-label={t('pachca.row', { n: r + 1 })} data-testid="button-row">
            <div className="row small">
              <strong>{t('pachca.row', { n: r + 1 })}</strong>
              <span className={row.length > pachcaLimits.buttonsPerRowMax ? 'counter-over' : 'muted'}>
                {t('pachca.rowCount', { count: row.length, max: pachcaLimits.buttonsPerRowMax })}
              </span>
              <button
                type="button"
                className="link"
                onClick={() => onChange(move(rows, r, r - 1))}
                disabled={r === 0}
                aria-label={t('pachca.rowUp', { n: r + 1 })}
              >
                ↑
              </button>
              <button
                type="button"
                className="link"
                onClick={() => onChange(move(rows, r, r + 1))}
                disabled={r === rows.length - 1}
                aria-label={t('pachca.rowDown', { n: r + 1 })}
              >
                ↓
              </button>
              <button
                type="button"
                className="link danger"
                onClick={() => onChange(rows.filter((_, i) => i !== r))}
                aria-label={t('pachca.removeRow', { n: r + 1 })}
              >
                ×
              </button>
            </div>
            {row.map((b, c) => {
              const kind = b.url !== undefined ? 'url' : 'data';
              const n = { r: r + 1, c: c + 1 };
              return (
                <div key={c} className="pachca-button">
                  <input
                    aria-label={t('pachca.buttonText', n)}
                    value={b.text}
                    // The input counts UTF-16 units, the limit code points (an emoji is two units, one character).
                    maxLength={2 * pachcaLimits.buttonTextMax + 50}
                    onChange={(e) => setButton(r, c, { ...b, text: e.target.value })}
                  />
                  <select
                    aria-label={t('pachca.buttonKind', n)}
                    value={kind}
                    onChange={(e) =>
                      setButton(r, c, e.target.value === 'url' ? { text: b.text, url: b.data ?? '' } : { text: b.text, data: b.url ?? '' })
                    }
                  >
                    <option value="url">{t('pachca.kind.url')}</option>
                    <option value="data">{t('pachca.kind.data')}</option>
                  </select>
                  <input
                    aria-label={t('pachca.buttonValue', n)}
                    value={(kind === 'url' ? b.url : b.data) ?? ''}
                    placeholder={kind === 'url' ? 'https://' : 'order:42:paid'}
                    onChange={(e) =>
                      setButton(r, c, kind === 'url' ? { text: b.text, url: e.target.value } : { text: b.text, data: e.target.value })
                    }
                  />
                  <button
                    type="button"
                    className="link"
                    disabled={c === 0}
                    onClick={() => setRow(r, move(row, c, c - 1))}
                    aria-label={t('pachca.buttonLeft', n)}
                  >
                    ←
                  </button>
                  <button
                    type="button"
                    className="link"
                    disabled={c === row.length - 1}
                    onClick={() => setRow(r, move(row, c, c + 1))}
                    aria-label={t('pachca.buttonRight', n)}
                  >
                    →
                  </button>
                  <button
                    type="button"
                    className="link danger"
                    onClick={() =>
                      setRow(
                        r,
                        row.filter((_, i) => i !== c),
                      )
                    }
                    aria-label={t('pachca.buttonRemove', n)}
                  >
                    ×
                  </button>
                </div>
              );
            })}
            <button
              type="button"
              className="small"
              disabled={full || rowFull}
              title={full || rowFull ? t('pachca.limitReached') : undefined}
              onClick={() => setRow(r, [...row, { text: '', url: '' }])}
            >
              + {t('pachca.addButton', { n: r + 1 })}
            </button>
          </div>
        );
      })}
      <button
        type="button"
        disabled={full || rows.length >= pachcaLimits.buttonRowsMax}
        title={full || rows.length >= pachcaLimits.buttonRowsMax ? t('pachca.limitReached') : undefined}
        onClick={() => onChange([...rows, [{ text: '', url: '' }]])}
      >
        + {t('pachca.addRow')}
      </button>
    </fieldset>
  );
}
