import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseSync } from 'rolldown/experimental';
import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import type { Message } from './plural.ts';
import { ru } from './ru.ts';
import { translate, type DictKey } from './translate.ts';

const rendererDir = join(import.meta.dirname, '..');
// `{name}` is filled in by translate(); `{{name}}` is template syntax shown to the operator as it is.
const placeholders = (text: string) =>
  [...new Set([...text.matchAll(/(?<!\{)\{(\w+)\}(?!\})/g)].map((m) => m[1] ?? ''))].sort((a, b) => a.localeCompare(b));
// A plural message is checked form by form: each form fills in the same values.
const forms = (m: Message): string[] => (typeof m === 'string' ? [m] : [m.one, m.few, m.many, m.other].filter((f) => f !== undefined));
// Intl separates digit groups with a no-break space; a reader sees a plain one.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'dist' || e.name === 'i18n' ? [] : sources(path);
    return e.name.endsWith('.tsx') ? [path] : [];
  });
}

/** JSX text and the string-literal attributes a person reads or hears, anywhere in a parsed file. */
function screenTexts(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => screenTexts(n, out));
  else if (node && typeof node === 'object') {
    const n = node as { type?: string; value?: unknown; name?: { name?: string } };
    if (n.type === 'JSXText' && typeof n.value === 'string') out.push(n.value);
    if (n.type === 'JSXAttribute' && ['placeholder', 'title', 'aria-label', 'alt'].includes(n.name?.name ?? '')) {
      const v = n.value as { type?: string; value?: unknown } | null;
      if (v?.type === 'Literal' && typeof v.value === 'string') out.push(v.value);
    }
    for (const [k, v] of Object.entries(node)) if (k !== 'parent') screenTexts(v, out);
  }
  return out;
}

describe('the one dictionary', () => {
  it('has every Russian key in English with the same {placeholders}, and no English-only key', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ru).sort());
    for (const key of Object.keys(ru) as (keyof typeof ru)[]) {
      const expected = placeholders(forms(ru[key])[0] ?? '');
      for (const form of [...forms(ru[key]), ...forms(en[key])]) {
        expect(placeholders(form), key).toEqual(expected);
        expect(form.trim(), key).not.toBe('');
      }
    }
  });

  it('says every counted noun in its plural form: Russian one, few and many, English one and other', () => {
    const counted = (Object.keys(ru) as DictKey[]).filter((key) => typeof ru[key] !== 'string');
    expect(counted.length).toBeGreaterThan(0);
    for (const key of counted) {
      const message = ru[key];
      expect(typeof message === 'string' ? [] : [message.one, message.few, message.many], key).not.toContain(undefined);
      expect(typeof en[key] === 'string' ? '' : Object.keys(en[key]).sort(), key).toEqual(['one', 'other']);
    }
    const say = (lang: 'ru' | 'en', key: DictKey, counts: number[], extra = {}) =>
      counts.map((count) => plain(translate(lang, key, { count, ...extra }))).join(', ');
    expect(say('ru', 'count.documents', [1, 2, 5, 21])).toBe('1 документ, 2 документа, 5 документов, 21 документ');
    expect(say('en', 'count.documents', [1, 2])).toBe('1 document, 2 documents');
    expect(say('ru', 'count.files', [1, 2, 5, 21])).toBe('1 файл, 2 файла, 5 файлов, 21 файл');
    expect(say('en', 'count.files', [1, 2])).toBe('1 file, 2 files');
    expect(say('ru', 'files.adding', [1, 2, 5, 21])).toBe('Добавляем 1 файл…, Добавляем 2 файла…, Добавляем 5 файлов…, Добавляем 21 файл…');
    expect(say('en', 'files.adding', [1, 2])).toBe('Adding 1 file…, Adding 2 files…');
    expect(say('ru', 'accounts.imported', [1, 2, 5, 21])).toBe(
      'Импортирован 1 аккаунт. Задайте ему токен., Импортировано 2 аккаунта. Задайте им токены., ' +
        'Импортировано 5 аккаунтов. Задайте им токены., Импортирован 21 аккаунт. Задайте ему токен.',
    );
    expect(say('en', 'accounts.imported', [1, 2])).toBe('Imported 1 account. Set its token., Imported 2 accounts. Set their tokens.');
    expect(say('ru', 'history.filesMissing', [1, 2, 5, 21])).toBe(
      '1 файла больше нет на диске в том виде, в каком он ушёл. Прикрепите его заново., ' +
        '2 файлов больше нет на диске в том виде, в каком они ушли. Прикрепите их заново., ' +
        '5 файлов больше нет на диске в том виде, в каком они ушли. Прикрепите их заново., ' +
        '21 файла больше нет на диске в том виде, в каком он ушёл. Прикрепите его заново.',
    );
    expect(say('en', 'history.filesMissing', [1, 2])).toBe(
      '1 file is no longer on disk as it was sent. Attach it again., 2 files are no longer on disk as they were sent. Attach them again.',
    );
    expect(say('ru', 'directory.ready', [1, 2, 5, 21], { time: '09:00' })).toBe(
      'Справочник: 1 получатель · обновлён 09:00, Справочник: 2 получателя · обновлён 09:00, ' +
        'Справочник: 5 получателей · обновлён 09:00, Справочник: 21 получатель · обновлён 09:00',
    );
    expect(say('en', 'directory.ready', [1, 2], { time: '09:00' })).toBe(
      'Directory: 1 recipient · refreshed 09:00, Directory: 2 recipients · refreshed 09:00',
    );
    expect(say('ru', 'count.documents', [5242880])).toBe('5 242 880 документов');
  });

  it('is where every word on screen comes from: no component writes text of its own', () => {
    // Language names are written in their own language on purpose; a format example is not prose.
    const allowed = new Set(['Русский', 'English', 'utd970_05_03_01']);
    const found: string[] = [];
    for (const file of sources(rendererDir)) {
      const { program, errors } = parseSync(file, readFileSync(file, 'utf8'));
      expect(errors, file).toEqual([]);
      for (const text of screenTexts(program)) {
        if (/[A-Za-zА-Яа-яЁё]/.test(text) && !allowed.has(text.trim())) found.push(`${relative(rendererDir, file)}: ${text.trim()}`);
      }
    }
    expect(found).toEqual([]);
  });
});
