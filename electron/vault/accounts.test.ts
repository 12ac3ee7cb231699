import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { accountCreateSchema } from '../../shared/accounts.ts';
import { OperatorError } from '../../shared/operator-error.ts';
import { AccountsService } from './accounts.ts';
import { confSettings } from './conf-settings.ts';
import { keyedSecretBox, type SecretBox } from './secret-box.ts';

const TOKEN = 'pachca-secret-token-9f8e7d6c5b4a';

function service(box: SecretBox = keyedSecretBox()) {
  const dir = mkdtempSync(join(tmpdir(), 'vault-'));
  return { dir, accounts: new AccountsService({ store: confSettings(dir), box }) };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

describe('accounts and secrets', () => {
  it('encrypts a token before it touches disk and shows the renderer only a mask', async () => {
    const { dir, accounts } = service();
    const view = await accounts.create({ name: 'Бот Пачки', settings: { provider: 'pachca', isBot: true }, secrets: { token: TOKEN } });
    expect(view.secretState.token).toEqual({ set: true, mask: '••••5b4a' });
    expect(JSON.stringify(view)).not.toContain(TOKEN);
    for (const f of filesUnder(dir)) expect(readFileSync(f, 'utf8'), f).not.toContain(TOKEN);
    expect((await accounts.resolve(view.id)).adapter.secrets.token).toBe(TOKEN);
  });

  it('uses the official base URL unless one is given, and keeps one default per provider', async () => {
    const { accounts } = service();
    const a = await accounts.create({ name: 'A', settings: { provider: 'market', businessId: '1' }, secrets: { token: 'key-aaaa-1111' } });
    const b = await accounts.create({
      name: 'B',
      baseUrl: 'https://proxy.corp.example/market',
      settings: { provider: 'market', businessId: '2' },
      secrets: { token: 'key-bbbb-2222' },
      isDefault: true,
    });
    expect(a.baseUrl).toBe('https://api.partner.market.yandex.ru');
    expect(b.baseUrl).toBe('https://proxy.corp.example/market');
    expect(
      accounts
        .list()
        .filter((x) => x.isDefault)
        .map((x) => x.id),
    ).toEqual([b.id]);
    accounts.remove(b.id);
    expect(accounts.list()).toMatchObject([{ id: a.id, isDefault: true }]);
  });

  it('replaces a secret write-only and renames without touching it', async () => {
    const { accounts } = service();
    const v = await accounts.create({
      name: 'WA',
      settings: { provider: 'greenapi', form: 'v1' },
      secrets: { token: 'gr.first-token-1111' },
    });
    await accounts.update({ id: v.id, name: 'WhatsApp поддержка' });
    expect((await accounts.resolve(v.id)).adapter.secrets.token).toBe('gr.first-token-1111');
    const replaced = await accounts.update({ id: v.id, secrets: { token: 'gr.second-token-2222' } });
    expect(replaced).toMatchObject({ name: 'WhatsApp поддержка', secretState: { token: { set: true, mask: '••••2222' } } });
    expect((await accounts.resolve(v.id)).adapter.secrets.token).toBe('gr.second-token-2222');
  });

  it('refuses an account without its token, legacy Diadoc without the client id, the instance form without idInstance', async () => {
    const { accounts } = service();
    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: unknown) => (e instanceof OperatorError ? e.error : e),
      );
    expect(await refusal(accounts.create({ name: 'x', settings: { provider: 'pachca', isBot: false }, secrets: {} }))).toMatchObject({
      kind: 'invalid',
      field: 'secrets.token',
      reason: 'required',
    });
    expect(
      await refusal(
        accounts.create({ name: 'x', settings: { provider: 'diadoc', authScheme: 'legacy' }, secrets: { token: 'tok-tok-tok' } }),
      ),
    ).toMatchObject({ field: 'secrets.clientId' });
    expect(
      await refusal(
        accounts.create({ name: 'x', settings: { provider: 'greenapi', form: 'instance' }, secrets: { token: 'tok-tok-tok' } }),
      ),
    ).toMatchObject({ field: 'settings.idInstance' });
    expect(accounts.list()).toEqual([]);
  });

  it('asks a Green-API instance for its own apiUrl instead of falling back on a shared host', async () => {
    const { accounts } = service();
    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: unknown) => (e instanceof OperatorError ? e.error : e),
      );
    const instance = { provider: 'greenapi' as const, form: 'instance' as const, idInstance: '1101000001' };
    expect(await refusal(accounts.create({ name: 'x', settings: instance, secrets: { token: 'tok-tok-tok' } }))).toMatchObject({
      field: 'baseUrl',
      reason: 'api_url_required',
    });
    const v1 = await accounts.create({ name: 'v1', settings: { provider: 'greenapi', form: 'v1' }, secrets: { token: 'tok-tok-tok' } });
    expect(await refusal(accounts.update({ id: v1.id, settings: instance }))).toMatchObject({
      field: 'baseUrl',
      reason: 'api_url_required',
    });
    const own = await accounts.create({
      name: 'own',
      baseUrl: 'https://1101.api.green-api.com',
      settings: instance,
      secrets: { token: 'tok-tok-tok' },
    });
    expect(own.baseUrl).toBe('https://1101.api.green-api.com');
  });

  it('refuses an empty token, plain http, credentials in the URL and a 10 KB name at the contract', () => {
    const base = { name: 'x', settings: { provider: 'pachca' as const, isBot: false }, secrets: { token: 'tok-tok-tok' } };
    const issue = (input: unknown) => accountCreateSchema.safeParse(input).error?.issues[0];
    expect(issue({ ...base, secrets: { token: '   ' } })?.path).toEqual(['secrets', 'token']);
    expect(issue({ ...base, baseUrl: 'http://api.pachca.com' })).toMatchObject({ path: ['baseUrl'], params: { reason: 'https_required' } });
    expect(issue({ ...base, baseUrl: 'https://user:pass@api.pachca.com' })).toMatchObject({
      path: ['baseUrl'],
      params: { reason: 'credentials_in_url' },
    });
    expect(issue({ ...base, name: 'я'.repeat(10_000) })).toMatchObject({ path: ['name'], code: 'too_big' });
    expect(accountCreateSchema.safeParse({ ...base, baseUrl: 'http://127.0.0.1:8080' }).success).toBe(true);
  });

  it('stores nothing in clear when the OS has no protected storage, unless the operator agrees, and then says so', async () => {
    const basic: SecretBox = {
      kind: 'unavailable',
      encrypt: () => Promise.reject(new Error('no keyring')),
      decrypt: () => Promise.reject(new Error('no keyring')),
    };
    const { accounts } = service(basic);
    await expect(
      accounts.create({ name: 'x', settings: { provider: 'pachca', isBot: false }, secrets: { token: TOKEN } }),
    ).rejects.toMatchObject({ error: { reason: 'secret_storage_unprotected' } });
    expect(accounts.list()).toEqual([]);
    const v = await accounts.create({
      name: 'x',
      settings: { provider: 'pachca', isBot: false },
      secrets: { token: TOKEN },
      allowPlaintextSecrets: true,
    });
    expect(v.plaintextSecrets).toBe(true);
    expect((await accounts.resolve(v.id)).adapter.secrets.token).toBe(TOKEN);
  });

  it('exports accounts without secrets and imports them back, to be completed with a token', async () => {
    const { accounts } = service();
    await accounts.create({
      name: 'Диадок ООО Ромашка',
      settings: { provider: 'diadoc', authScheme: 'legacy', fromBoxId: 'box-1@diadoc.ru' },
      secrets: { token: TOKEN, clientId: 'client-id-secret-77' },
    });
    const { json, fileName } = accounts.exportJson();
    expect(fileName).toMatch(/^operator-accounts-\d{4}-\d{2}-\d{2}\.json$/);
    expect(json).not.toContain(TOKEN);
    expect(json).not.toContain('client-id-secret-77');
    const other = service().accounts;
    const [imported] = other.importJson(json);
    expect(imported).toMatchObject({
      name: 'Диадок ООО Ромашка',
      provider: 'diadoc',
      isDefault: true,
      secretState: { token: { set: false } },
    });
    await expect(other.resolve(imported!.id)).rejects.toMatchObject({ error: { reason: 'token_not_set' } });
  });

  it('refuses a malformed import file whole and changes nothing', async () => {
    const { accounts } = service();
    await accounts.create({ name: 'A', settings: { provider: 'pachca', isBot: false }, secrets: { token: TOKEN } });
    const before = accounts.list();
    const bad = [
      'not json at all',
      JSON.stringify({ format: 'something-else', version: 1, exportedAt: '', accounts: [] }),
      JSON.stringify({
        format: 'operator-console.accounts',
        version: 1,
        exportedAt: '',
        accounts: [{ name: 'x', provider: 'pachca', baseUrl: 'http://evil.example', settings: { provider: 'pachca', isBot: false } }],
      }),
      JSON.stringify({
        format: 'operator-console.accounts',
        version: 1,
        exportedAt: '',
        accounts: [
          {
            name: 'ok',
            provider: 'pachca',
            baseUrl: 'https://api.pachca.com/api/shared/v1',
            settings: { provider: 'pachca', isBot: false },
          },
          { name: '' },
        ],
      }),
    ];
    for (const json of bad) {
      expect(() => accounts.importJson(json), json).toThrow(OperatorError);
    }
    expect(accounts.list()).toEqual(before);
  });
});

describe('a settings file edited by hand', () => {
  it('leaves out a malformed account with a logged reason, keeps the others usable, and writes the bad entry back untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vault-'));
    const first = new AccountsService({ store: confSettings(dir), box: keyedSecretBox() });
    const good = await first.create({ name: 'Бот Пачки', settings: { provider: 'pachca', isBot: true }, secrets: { token: TOKEN } });
    const file = join(dir, 'config.json');
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as { accounts: object[] };
    const broken = { ...onDisk.accounts[0], id: 'a_broken', name: 'Сломанный', settings: 'not an object' };
    writeFileSync(file, JSON.stringify({ accounts: [...onDisk.accounts, broken] }));

    const warnings: string[] = [];
    const spy = vi.spyOn(console, 'warn').mockImplementation((m: string) => void warnings.push(m));
    try {
      const reread = new AccountsService({ store: confSettings(dir), box: keyedSecretBox() });
      expect(reread.list().map((a) => a.id)).toEqual([good.id]);
      expect(warnings.join('\n')).toMatch(/account #1 .* skipped: settings/);
      await reread.create({ name: 'Маркет', settings: { provider: 'market', businessId: '7' }, secrets: { token: 'key-aaaa-1111' } });
    } finally {
      spy.mockRestore();
    }
    const after = JSON.parse(readFileSync(file, 'utf8')) as { accounts: unknown[] };
    expect(after.accounts).toContainEqual(broken);
    expect(after.accounts).toHaveLength(3);
  });

  it('starts with no accounts when the accounts entry is not a list', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vault-'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ accounts: 'garbage' }));
    const spy = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(new AccountsService({ store: confSettings(dir), box: keyedSecretBox() }).list()).toEqual([]);
      expect(spy).toHaveBeenCalledWith(expect.stringContaining('not a list'));
    } finally {
      spy.mockRestore();
    }
  });
});
