import { randomUUID } from 'node:crypto';
import { OperatorError, sendError } from '../../shared/operator-error.ts';
import { templateSchema, type Template, type TemplateInput } from '../../shared/template-schema.ts';
import type { SettingsStore } from './accounts.ts';

const KEY = 'templates';

/** Canned responses, kept by the main process in the settings file beside the accounts. */
export class TemplatesService {
  private readonly store: SettingsStore;
  private readonly now: () => number;

  constructor(store: SettingsStore, now: () => number = Date.now) {
    this.store = store;
    this.now = now;
  }

  list(): Template[] {
    return this.read().templates.sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * The settings file's templates; an entry of the wrong shape is left out with a logged reason and
   * handed back as `unreadable`, so a save writes it again untouched instead of dropping it.
   */
  private read(): { templates: Template[]; unreadable: unknown[] } {
    const v = this.store.get(KEY);
    const templates: Template[] = [];
    const unreadable: unknown[] = [];
    if (v !== undefined && !Array.isArray(v)) console.warn('[templates] the templates entry in the settings file is not a list');
    if (!Array.isArray(v)) return { templates, unreadable };
    v.forEach((entry: unknown, i) => {
      const parsed = templateSchema.safeParse(entry);
      if (parsed.success) return void templates.push(parsed.data);
      unreadable.push(entry);
      console.warn(
        `[templates] template #${i} in the settings file is skipped: ${parsed.error.issues.map((x) => x.path.join('.')).join(', ')}`,
      );
    });
    return { templates, unreadable };
  }

  private write(templates: readonly Template[]): void {
    this.store.set(KEY, [...templates, ...this.read().unreadable]);
  }

  save(input: TemplateInput): Template {
    const all = this.list();
    if (all.length >= 1000 && !input.id)
      throw new OperatorError(sendError('too_large', 'There are too many templates (1000).', { reason: 'too_many_templates' }));
    const existing = input.id ? all.find((t) => t.id === input.id) : undefined;
    if (input.id && !existing)
      throw new OperatorError(sendError('not_found', 'There is no such template.', { reason: 'template_missing' }));
    const saved: Template = {
      id: existing?.id ?? `t_${randomUUID().slice(0, 13)}`,
      name: input.name,
      body: input.body,
      updatedAt: this.now(),
    };
    this.write([...all.filter((t) => t.id !== saved.id), saved]);
    return saved;
  }

  remove(id: string): void {
    this.write(this.list().filter((t) => t.id !== id));
  }
}
