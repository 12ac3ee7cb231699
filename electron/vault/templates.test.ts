import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { confSettings } from './conf-settings.ts';
import { TemplatesService } from './templates.ts';

describe('templates in a settings file edited by hand', () => {
  afterEach(() => vi.restoreAllMocks());

  it('lists the readable templates, logs the malformed one, and keeps it in the file across a save', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const dir = mkdtempSync(join(tmpdir(), 'templates-'));
    const broken = { id: 't_broken', name: 42 };
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ templates: [broken] }));
    const templates = new TemplatesService(confSettings(dir), () => 1000);
    expect(templates.list()).toEqual([]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('template #0 in the settings file is skipped'));
    const saved = templates.save({ name: 'Спасибо', body: 'Спасибо за заказ!' });
    expect(templates.list()).toEqual([saved]);
    const onDisk = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { templates: unknown[] };
    expect(onDisk.templates).toEqual([saved, broken]);
  });
});
