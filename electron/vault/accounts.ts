import { randomUUID } from 'node:crypto';
import {
  accountsExportSchema,
  maskSecret,
  type AccountCreate,
  type AccountsExport,
  type AccountSettings,
  type AccountUpdate,
  type AccountView,
  type SecretsInput,
} from '../../shared/accounts.ts';
import { invalidFromZod } from '../../shared/errors.ts';
import { OperatorError, sendError } from '../../shared/operator-error.ts';
import { secretOrigins } from '../../shared/secret-origins.ts';
import { officialBaseUrls, type ProviderId } from '../../shared/providers.ts';
import type { AdapterAccount } from '../providers/types.ts';
import { boxProtects, type SecretBox } from './secret-box.ts';
import { readStoredAccounts, type StoredAccount, type StoredSecret } from './stored-account.ts';

/** The non-secret settings store: electron-store in the app, the same file format (conf) elsewhere. */
export interface SettingsStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

/** Where sandbox accounts really point: the in-process simulators, whose ports change per start. */
export interface SandboxEndpoints {
  /** Starts the provider's simulator on first use. */
  baseUrl(provider: ProviderId): Promise<string>;
  tokenFor(provider: ProviderId): string;
  clientId(provider: ProviderId): string | undefined;
}

const KEY = 'accounts';
const noSecret = { set: false, mask: '' };

function needsClientId(settings: AccountSettings): boolean {
  return settings.provider === 'diadoc' && settings.authScheme === 'legacy';
}

function invalid(field: string, reason: string, message: string): OperatorError {
  return new OperatorError(sendError('invalid', message, { field, reason }));
}

/**
 * Accounts and their secrets. Secrets go into the box before they touch the settings file and
 * come out only in `resolve`, for the outbox; every view the renderer gets carries a mask.
 */
/**
 * Every Green-API instance has its own `apiUrl`, shown in its console (green-api.md §7); the shared
 * host of older pages is no default for it, so an instance account names its address itself.
 */
function requireOwnApiUrl(settings: AccountSettings, baseUrl: string | undefined): void {
  if (settings.provider === 'greenapi' && settings.form === 'instance' && !baseUrl)
    throw invalid('baseUrl', 'api_url_required', 'A Green-API instance needs its own apiUrl from the Green-API console.');
}

export class AccountsService {
  private readonly store: SettingsStore;
  private readonly box: SecretBox;
  private readonly sandbox: SandboxEndpoints | undefined;
  private readonly now: () => number;

  constructor(deps: { store: SettingsStore; box: SecretBox; sandbox?: SandboxEndpoints; now?: () => number }) {
    this.store = deps.store;
    this.box = deps.box;
    this.sandbox = deps.sandbox;
    this.now = deps.now ?? Date.now;
  }

  /**
   * The settings store reads its file on every get (conf does, to stay correct across
   * processes); only this process writes accounts, so they are read once and kept.
   */
  private cache: StoredAccount[] | undefined;
  /** Entries of the settings file that did not read as accounts, written back untouched on save. */
  private unreadable: unknown[] = [];
  /** Opened secrets per account, so a send does not decrypt again; dropped on every change. */
  private readonly opened = new Map<string, AdapterAccount['secrets']>();
  /** Every secret opened in this process, kept past edits: what a log line must never show. */
  private readonly everOpened = new Set<string>();

  /** The secrets this process has seen in plain text, the sandbox's included, for redacting logs. */
  secretsSeen(): readonly string[] {
    return [...this.everOpened];
  }

  private all(): StoredAccount[] {
    if (!this.cache) {
      const read = readStoredAccounts(this.store.get(KEY));
      this.cache = read.accounts;
      this.unreadable = read.unreadable;
    }
    return this.cache;
  }

  private save(accounts: StoredAccount[]): void {
    this.all();
    this.store.set(KEY, [...accounts, ...this.unreadable]);
    this.cache = accounts;
    this.opened.clear();
  }

  private view(a: StoredAccount): AccountView {
    return {
      id: a.id,
      name: a.name,
      provider: a.provider,
      baseUrl: a.sandbox ? 'sandbox' : a.baseUrl,
      settings: a.settings,
      secretState: {
        token: a.secrets.token ? { set: true, mask: a.secrets.token.mask } : a.sandbox ? { set: true, mask: 'sandbox' } : noSecret,
        ...(a.settings.provider === 'diadoc' && a.settings.authScheme === 'legacy'
          ? { clientId: a.secrets.clientId ? { set: true, mask: a.secrets.clientId.mask } : noSecret }
          : {}),
        ...(a.secretsCleared ? { cleared: a.secretsCleared } : {}),
      },
      isDefault: a.isDefault,
      sandbox: a.sandbox,
      plaintextSecrets: a.plaintextSecrets,
      createdAt: a.createdAt,
    };
  }

  list(): AccountView[] {
    return this.all().map((a) => this.view(a));
  }

  find(id: string): AccountView | undefined {
    const a = this.all().find((x) => x.id === id);
    return a ? this.view(a) : undefined;
  }

  private get(id: string): StoredAccount {
    const a = this.all().find((x) => x.id === id);
    if (!a) throw new OperatorError(sendError('not_found', 'There is no such account.', { reason: 'account_missing', field: 'accountId' }));
    return a;
  }

  private async seal(plain: string, allowPlain: boolean, origin: string): Promise<StoredSecret> {
    if (boxProtects(this.box)) return { value: await this.box.encrypt(plain), scheme: 'box', mask: maskSecret(plain), origin };
    if (!allowPlain) {
      throw new OperatorError(
        sendError(
          'invalid',
          'This computer has no protected secret storage; the token would be stored unencrypted. Confirm to store it anyway.',
          { reason: 'secret_storage_unprotected', field: 'allowPlaintextSecrets' },
        ),
      );
    }
    // The operator agreed: keep whatever obfuscation the box offers (basic_text), else plain base64.
    if (this.box.kind === 'basic_text') return { value: await this.box.encrypt(plain), scheme: 'box', mask: maskSecret(plain), origin };
    return { value: Buffer.from(plain, 'utf8').toString('base64'), scheme: 'plain', mask: maskSecret(plain), origin };
  }

  private async open(s: StoredSecret): Promise<string> {
    return s.scheme === 'plain' ? Buffer.from(s.value, 'base64').toString('utf8') : this.box.decrypt(s.value);
  }

  /** `secretsOptional`: the address just changed and cleared them, so the account may wait for new ones. */
  private requireSettings(
    settings: AccountSettings,
    secrets: StoredAccount['secrets'],
    incoming: SecretsInput,
    secretsOptional = false,
  ): void {
    if (!secretsOptional && !secrets.token && !incoming.token) throw invalid('secrets.token', 'required', 'A token is required.');
    if (!secretsOptional && settings.provider === 'diadoc' && settings.authScheme === 'legacy' && !secrets.clientId && !incoming.clientId)
      throw invalid('secrets.clientId', 'required', 'The legacy Diadoc scheme needs the API client id.');
    if (settings.provider === 'greenapi' && settings.form === 'instance' && !settings.idInstance)
      throw invalid('settings.idInstance', 'required', 'The instance form needs the idInstance number.');
  }

  private async sealAll(
    current: StoredAccount['secrets'],
    incoming: SecretsInput,
    allowPlain: boolean,
    origin: string,
  ): Promise<StoredAccount['secrets']> {
    const out = { ...current };
    if (incoming.token) out.token = await this.seal(incoming.token, allowPlain, origin);
    if (incoming.clientId) out.clientId = await this.seal(incoming.clientId, allowPlain, origin);
    return out;
  }

  private withDefault(accounts: StoredAccount[], chosen: StoredAccount): StoredAccount[] {
    return accounts.map((a) => (a.provider === chosen.provider ? { ...a, isDefault: a.id === chosen.id } : a));
  }

  async create(input: AccountCreate): Promise<AccountView> {
    const settings = input.settings;
    this.requireSettings(settings, {}, input.secrets);
    requireOwnApiUrl(settings, input.baseUrl);
    const allowPlain = input.allowPlaintextSecrets === true;
    const baseUrl = input.baseUrl ?? officialBaseUrls[settings.provider];
    const secrets = await this.sealAll({}, input.secrets, allowPlain, secretOrigins(baseUrl, settings));
    const accounts = this.all();
    const first = !accounts.some((a) => a.provider === settings.provider);
    const account: StoredAccount = {
      id: `a_${randomUUID().slice(0, 13)}`,
      name: input.name,
      provider: settings.provider,
      baseUrl,
      settings,
      isDefault: input.isDefault ?? first,
      sandbox: false,
      plaintextSecrets: Object.values(secrets).some((s) => s && !boxProtects(this.box)),
      createdAt: this.now(),
      secrets,
    };
    let next = [...accounts, account];
    if (account.isDefault) next = this.withDefault(next, account);
    this.save(next);
    return this.view(account);
  }

  async update(input: AccountUpdate): Promise<AccountView> {
    const current = this.get(input.id);
    if (input.settings && input.settings.provider !== current.provider)
      throw invalid('settings.provider', 'provider_fixed', 'An account cannot change its provider.');
    if (current.sandbox && (input.baseUrl || input.secrets))
      throw invalid('baseUrl', 'sandbox_fixed', 'A sandbox account always talks to the built-in simulator.');
    const settings = input.settings ?? current.settings;
    const baseUrl = input.baseUrl ?? current.baseUrl;
    const incoming = input.secrets ?? {};
    const origin = secretOrigins(baseUrl, settings);
    // A secret entered for one server never follows the account to another: a new address
    // clears every secret not entered with this very change, and the account asks for them again.
    const moved = !current.sandbox && origin !== secretOrigins(current.baseUrl, current.settings);
    const kept = moved ? {} : current.secrets;
    const waiting = moved || current.secretsCleared !== undefined;
    if (!current.sandbox) this.requireSettings(settings, kept, incoming, waiting);
    if (!current.sandbox)
      requireOwnApiUrl(settings, input.baseUrl ?? (current.baseUrl === officialBaseUrls.greenapi ? undefined : current.baseUrl));
    const secrets = await this.sealAll(kept, incoming, input.allowPlaintextSecrets === true || current.plaintextSecrets, origin);
    const complete = secrets.token !== undefined && (!needsClientId(settings) || secrets.clientId !== undefined);
    const updated: StoredAccount = {
      ...current,
      name: input.name ?? current.name,
      baseUrl,
      settings,
      secrets,
      isDefault: input.isDefault ?? current.isDefault,
      plaintextSecrets: current.plaintextSecrets || (Object.keys(incoming).length > 0 && !boxProtects(this.box)),
    };
    if (waiting && !complete) updated.secretsCleared = 'origin_changed';
    else delete updated.secretsCleared;
    let next = this.all().map((a) => (a.id === updated.id ? updated : a));
    if (input.isDefault) next = this.withDefault(next, updated);
    this.save(next);
    return this.view(updated);
  }

  remove(id: string): void {
    const gone = this.get(id);
    let rest = this.all().filter((a) => a.id !== id);
    if (gone.isDefault) {
      const heir = rest.find((a) => a.provider === gone.provider);
      if (heir) rest = this.withDefault(rest, heir);
    }
    this.save(rest);
  }

  exportJson(): { fileName: string; json: string } {
    const doc: AccountsExport = {
      format: 'operator-console.accounts',
      version: 1,
      exportedAt: new Date(this.now()).toISOString(),
      accounts: this.all()
        .filter((a) => !a.sandbox)
        .map((a) => ({ name: a.name, provider: a.provider, baseUrl: a.baseUrl, settings: a.settings, isDefault: a.isDefault })),
    };
    return { fileName: `operator-accounts-${doc.exportedAt.slice(0, 10)}.json`, json: JSON.stringify(doc, null, 2) };
  }

  /** All or nothing: a file that is not JSON or not of the export's shape changes nothing. */
  importJson(json: string): AccountView[] {
    let raw: unknown;
    try {
      raw = JSON.parse(json);
    } catch {
      throw new OperatorError(sendError('invalid', 'The file is not JSON.', { reason: 'import_not_json', field: 'json' }));
    }
    const parsed = accountsExportSchema.safeParse(raw);
    if (!parsed.success) {
      const e = invalidFromZod(parsed.error.issues);
      throw new OperatorError({ ...e, reason: 'import_bad_shape', message: `The file is not an accounts export: ${e.message}` });
    }
    const existing = this.all();
    const added: StoredAccount[] = parsed.data.accounts.map((a) => ({
      id: `a_${randomUUID().slice(0, 13)}`,
      name: a.name,
      provider: a.provider,
      baseUrl: a.baseUrl,
      settings: a.settings,
      isDefault: false,
      sandbox: false,
      plaintextSecrets: false,
      createdAt: this.now(),
      secrets: {},
    }));
    for (const a of added)
      if (a.settings.provider !== a.provider) throw invalid('json', 'import_bad_shape', 'An account’s settings are for another provider.');
    let next = [...existing, ...added];
    for (const a of added) if (!next.some((x) => x.provider === a.provider && x.isDefault)) next = this.withDefault(next, a);
    this.save(next);
    return added.map((a) => this.view(next.find((x) => x.id === a.id)!));
  }

  /** One sandbox account per provider that has none yet; they need no credentials. */
  createSandboxAccounts(names: Record<ProviderId, string>, settings: Record<ProviderId, AccountSettings>): AccountView[] {
    const accounts = this.all();
    const added: StoredAccount[] = [];
    for (const provider of Object.keys(names) as ProviderId[]) {
      if (accounts.some((a) => a.sandbox && a.provider === provider)) continue;
      added.push({
        id: `a_sbx_${provider}`,
        name: names[provider],
        provider,
        baseUrl: 'sandbox',
        settings: settings[provider],
        isDefault: !accounts.some((a) => a.provider === provider),
        sandbox: true,
        plaintextSecrets: false,
        createdAt: this.now(),
        secrets: {},
      });
    }
    this.save([...accounts, ...added]);
    return this.list();
  }

  /** The account with its secrets opened: for the outbox and connection checks only. */
  async resolve(id: string): Promise<{ view: AccountView; adapter: AdapterAccount }> {
    const a = this.get(id);
    if (a.sandbox) {
      if (!this.sandbox) throw new OperatorError(sendError('network', 'The sandbox is not running.', { reason: 'sandbox_off' }));
      const clientId = this.sandbox.clientId(a.provider);
      this.everOpened.add(this.sandbox.tokenFor(a.provider));
      return {
        view: this.view(a),
        adapter: {
          id: a.id,
          baseUrl: await this.sandbox.baseUrl(a.provider),
          settings: a.settings,
          secrets: { token: this.sandbox.tokenFor(a.provider), ...(clientId ? { clientId } : {}) },
        },
      };
    }
    if (!a.secrets.token) {
      if (a.secretsCleared)
        throw invalid('secrets.token', 'secret_origin_changed', 'The account’s address changed, so its token was cleared; enter it again.');
      throw invalid('secrets.token', 'token_not_set', 'This account has no token yet; set it in Accounts.');
    }
    // The one place a secret is handed out, so no check or send can carry it past this test.
    const origin = secretOrigins(a.baseUrl, a.settings);
    for (const s of [a.secrets.token, a.secrets.clientId])
      if (s?.origin !== undefined && s.origin !== origin)
        throw invalid(
          'secrets.token',
          'secret_origin_mismatch',
          'The token was entered for another address than the one this account now points to; enter it again.',
        );
    let secrets = this.opened.get(a.id);
    if (!secrets) {
      secrets = {};
      if (a.secrets.token) secrets.token = await this.open(a.secrets.token);
      if (a.secrets.clientId) secrets.clientId = await this.open(a.secrets.clientId);
      this.opened.set(a.id, secrets);
      for (const s of [secrets.token, secrets.clientId]) if (s) this.everOpened.add(s);
    }
    return { view: this.view(a), adapter: { id: a.id, baseUrl: a.baseUrl, settings: a.settings, secrets } };
  }
}
