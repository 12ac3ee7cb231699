import { randomUUID } from 'node:crypto';
import { OperatorError, sendError } from '../../shared/operator-error.ts';
import type { Template, TemplateInput } from '../../shared/templates.ts';
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
    const v = this.store.get(KEY);
    return (Array.isArray(v) ? (v as Template[]) : []).slice().sort((a, b) => a.name.localeCompare(b.name));
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
    this.store.set(KEY, [...all.filter((t) => t.id !== saved.id), saved]);
    return saved;
  }

  remove(id: string): void {
    this.store.set(
      KEY,
      this.list().filter((t) => t.id !== id),
    );
  }
}
