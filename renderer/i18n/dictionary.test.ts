import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseSync } from 'rolldown/experimental';
import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { ru } from './ru.ts';

const rendererDir = join(import.meta.dirname, '..');
// `{name}` is filled in by translate(); `{{name}}` is template syntax shown to the operator as it is.
const placeholders = (text: string) =>
  [...text.matchAll(/(?<!\{)\{(\w+)\}(?!\})/g)].map((m) => m[1] ?? '').sort((a, b) => a.localeCompare(b));

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
      expect(placeholders(en[key]), key).toEqual(placeholders(ru[key]));
      expect(en[key].trim(), key).not.toBe('');
    }
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
