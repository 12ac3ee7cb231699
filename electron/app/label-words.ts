import type { RecipientLabel, SendPreview } from '../../shared/send-labels.ts';
import type { MainLanguage } from './strings.ts';

/**
 * A send's recipient and preview in words, for what the main process shows itself (OS
 * notifications). The renderer words the same data with its own dictionary; the main process
 * cannot import it, so these few words are kept here, counted through Intl.PluralRules.
 */
interface Plural {
  one: string;
  few?: string;
  many?: string;
  other: string;
}

interface Words {
  chat: string;
  user: string;
  thread: string;
  file: string;
  files: Plural;
  documents: Plural;
}

const words: Record<MainLanguage, Words> = {
  ru: {
    chat: 'чат {id}',
    user: 'пользователь {id}',
    thread: 'тред {id}',
    file: 'файл',
    files: { one: '{count} файл', few: '{count} файла', many: '{count} файлов', other: '{count} файла' },
    documents: { one: '{count} документ', few: '{count} документа', many: '{count} документов', other: '{count} документа' },
  },
  en: {
    chat: 'chat {id}',
    user: 'user {id}',
    thread: 'thread {id}',
    file: 'file',
    files: { one: '{count} file', other: '{count} files' },
    documents: { one: '{count} document', other: '{count} documents' },
  },
};

function counted(lang: MainLanguage, message: Plural, count: number): string {
  const category = new Intl.PluralRules(lang).select(count);
  const form = category === 'one' || category === 'few' || category === 'many' ? (message[category] ?? message.other) : message.other;
  return form.replace('{count}', new Intl.NumberFormat(lang).format(count));
}

export function recipientWords(lang: MainLanguage, to: RecipientLabel): string {
  if (to.kind === 'chat' || to.kind === 'user' || to.kind === 'thread') return words[lang][to.kind].replace('{id}', to.id);
  return to.id;
}

export function previewWords(lang: MainLanguage, p: SendPreview): string {
  if (p.kind === 'text') return p.text;
  const w = words[lang];
  if (p.kind === 'documents') {
    const count = counted(lang, w.documents, p.count);
    return p.names.length ? `${count}: ${p.names.join(' · ')}` : count;
  }
  if (p.names.length) return p.names.map((n) => `📎 ${n}`).join(' ');
  return `📎 ${p.count === 1 ? w.file : counted(lang, w.files, p.count)}`;
}
