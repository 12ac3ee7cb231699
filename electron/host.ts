import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { channels, type Area, type Contract, type EventName, type EventPayload, type Reply } from '../shared/contract.ts';
import { fileIdsOf } from '../shared/messages/index.ts';
import { invalidFromZod, type SendError } from '../shared/errors.ts';
import { OperatorError, sendError } from '../shared/operator-error.ts';
import { consoleLog, type Logger } from './app/log-file.ts';
import { systemClock, type Clock } from './clock.ts';
import type { DatabaseSync } from 'node:sqlite';
import { FileRegistry } from './files/registry.ts';
import { openHistory } from './history/store.ts';
import type { HistoryStore } from './history/types.ts';
import { LabelUpgrade } from './history/label-upgrade.ts';
import { curlOf } from './outbox/curl.ts';
import type { KillPointHook } from './outbox/kill-points.ts';
import { RateLimiter } from './outbox/limiter.ts';
import { Outbox } from './outbox/outbox.ts';
import type { HttpFetch } from './providers/http.ts';
import { diadocAuthorization } from './providers/diadoc.ts';
import { documentTypesFor } from './providers/diadoc-types.ts';
import { adapterFor } from './providers/index.ts';
import { secretsOf } from './providers/plumbing/secrets.ts';
import { redactText } from './providers/redact.ts';
import { Directory } from './readside/directory.ts';
import { SentMessageEditor } from './readside/edits.ts';
import { EvidenceChecker, type EvidenceTiming } from './readside/evidence.ts';
import { sameOperationRepeater } from './readside/repeat.ts';
import { DirectoryStore } from './readside/directory-store.ts';
import { ReadClient } from './readside/read-client.ts';
import { SandboxRuntime, sandboxSettings } from './sandbox-wiring/runtime.ts';
import { AccountsService, type SettingsStore } from './vault/accounts.ts';
import type { SecretBox } from './vault/secret-box.ts';
import { TemplatesService } from './vault/templates.ts';
import { teamHandlers } from './team/handlers.ts';
import type { TeamLinkFactory } from './team/link.ts';
import { TeamUplink } from './team/uplink.ts';
import { recipientKey } from '../shared/send-labels.ts';

/** Every handler, typed from the contract: parsed input in, contract output out. */
export type Handlers = {
  [A in Area]: {
    [M in keyof Contract[A]]: Contract[A][M] extends { input: infer I extends z.ZodType; output: infer O extends z.ZodType }
      ? (input: z.output<I>) => Promise<z.input<O>> | z.input<O>
      : never;
  };
};

export interface HostOptions {
  dataDir: string;
  settings: SettingsStore;
  secretBox: SecretBox;
  version: string;
  clock?: Clock;
  /** Start the in-process simulators behind the Sandbox accounts (default: yes). */
  sandbox?: boolean;
  timeoutMs?: number;
  /** Where events and unexpected errors go (the app's rotating log file; the console elsewhere). */
  log?: Logger;
  /** The system clipboard (Electron's, in the app); without one, `app.copy` answers `copied: false` and the page copies itself. */
  clipboard?: { writeText(text: string): void };
  /** Where the operator's answer to a proxy sign-in goes (the app's `login` handler); the harness has none. */
  proxyLogin?: { answer(answer: { username: string; password: string } | { cancel: true }): void };
  /** Keep recipient directories fresh in the background (the app and the harness; tests ask for it). */
  readSideBackground?: boolean;
  /** When uncertain sends are looked up at the provider (default: 3 s after, then after each provider's delay). */
  evidenceTiming?: EvidenceTiming;
  /** The HTTP stack provider calls go through; Node's `fetch` when absent. */
  fetch?: HttpFetch;
  /** Team mode: how to reach a team server (team/client/nats-link.ts). Absent: the desktop works alone, as before. */
  team?: { factory: TeamLinkFactory };
  /** Only the crash test's host process passes one (see outbox/kill-points.ts). */
  killPoint?: KillPointHook;
  /** How long each slice of the old rows' conversion runs (label-upgrade.ts); tests that kill it mid-way make it short. */
  labelUpgradeSliceMs?: number;
  /** Only a test that must make a real write fail (a full disk) takes the history's connection. */
  historyConnection?: (db: DatabaseSync) => void;
}

type Listener = (payload: unknown) => void;

export interface Host {
  handlers: Handlers;
  /** Parses the input, runs the handler, parses the output: the one entry every transport uses. */
  dispatch(channel: string, input: unknown): Promise<Reply>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  files: FileRegistry;
  team: TeamUplink | undefined;
  outbox: Outbox;
  /** The history store itself: for the benchmark's per-send cost, never for the renderer. */
  history: HistoryStore;
  sandbox: SandboxRuntime | undefined;
  /** Secrets opened in this process: the log hides every one of them. */
  secretsSeen(): readonly string[];
  /** Recipient directories and conversations (the read side). */
  directory: Directory;
  close(): Promise<void>;
}

const sandboxNames = { pachca: 'Pachca', diadoc: 'Diadoc', market: 'Market', greenapi: 'Green-API' } as const;

function toSendError(e: unknown, log: Logger, channel: string): SendError {
  if (e instanceof OperatorError) return e.error;
  // Never echo an unexpected exception's text to the page: it may carry a path or a header.
  log.write('error', 'host.unexpected', { channel, error: e instanceof Error ? e.stack : String(e) });
  return sendError('provider_error', 'Something went wrong inside the app; the details are in its log.', { reason: 'internal' });
}

/**
 * Builds the service graph with no Electron import, so tests, the benchmark and the browser
 * harness run the very services the app runs.
 */
export async function createHost(opts: HostOptions): Promise<Host> {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? consoleLog;
  mkdirSync(opts.dataDir, { recursive: true });
  const historyFile = join(opts.dataDir, 'history.sqlite');
  const commitPoints = { write_ahead: 'before_write_ahead_commit', start: 'before_start_commit', final: 'before_final_commit' } as const;
  const history = openHistory(historyFile, {
    ...(opts.killPoint ? { beforeCommit: (moment, sendId) => opts.killPoint!(commitPoints[moment], sendId) } : {}),
    ...(opts.historyConnection ? { connection: opts.historyConnection } : {}),
  });
  const listeners = new Map<string, Set<Listener>>();
  let evidence: EvidenceChecker | undefined;
  const emit = <E extends EventName>(event: E, payload: EventPayload<E>) => {
    if (event === 'historyChanged') for (const id of (payload as EventPayload<'historyChanged'>).ids) evidence?.noticed(id);
    if (event === 'historyChanged') logStatuses((payload as EventPayload<'historyChanged'>).ids);
    for (const l of listeners.get(event) ?? []) l(payload);
    // After the local commit and after the window heard of it: the team never delays a send.
    if (event === 'historyChanged') team?.noteChanged((payload as EventPayload<'historyChanged'>).ids);
  };
  let team: TeamUplink | undefined;
  // One line per send state: ids, provider and status, never the message or a recipient.
  const logStatuses = (ids: readonly string[]) => {
    for (const id of ids) {
      const s = history.getSummary(id);
      if (!s) continue;
      const err = s.error ? { kind: s.error.kind, reason: s.error.reason, status: s.error.providerStatus } : undefined;
      log.write(s.status === 'failed' ? 'warn' : 'info', 'send.status', {
        id,
        provider: s.provider,
        status: s.status,
        ...(err ? { error: err } : {}),
      });
    }
  };
  const sandbox = opts.sandbox === false ? undefined : new SandboxRuntime();
  const accounts = new AccountsService({
    store: opts.settings,
    box: opts.secretBox,
    ...(sandbox ? { sandbox } : {}),
    now: () => clock.now(),
  });
  team = opts.team
    ? new TeamUplink({
        journalFile: join(opts.dataDir, 'team.sqlite'),
        summaryOf: (id) => history.getSummary(id),
        accountOf: (id) => accounts.find(id),
        settings: opts.settings,
        secretBox: opts.secretBox,
        factory: opts.team.factory,
        now: () => clock.now(),
        changed: () => emit('teamChanged', {}),
      })
    : undefined;
  team?.resume();
  const templates = new TemplatesService(opts.settings, () => clock.now());
  const files = new FileRegistry(opts.dataDir, history);
  const limiter = new RateLimiter(history, clock);
  const outbox = new Outbox({
    history,
    accounts,
    files,
    limiter,
    clock,
    emit,
    historyFile,
    log,
    ...(opts.killPoint ? { killPoint: opts.killPoint } : {}),
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  // Outcomes a previous run could not record come first: recovery would otherwise call those sends interrupted.
  outbox.applyJournal();
  outbox.recover();
  // Rows an older version wrote are converted from here on, in slices between the app's own work.
  const labelUpgrade = new LabelUpgrade({
    history,
    log,
    progress: (p) => emit('historyUpgrade', p),
    ...(opts.labelUpgradeSliceMs ? { sliceMs: opts.labelUpgradeSliceMs } : {}),
  });
  labelUpgrade.start();
  const directoryStore = new DirectoryStore(join(opts.dataDir, 'history.sqlite'));
  const readClient = new ReadClient({
    limiter,
    sendActive: (a) => directoryStore.sendActive(a),
    clock,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  const directory = new Directory({
    store: directoryStore,
    client: readClient,
    accounts,
    clock,
    changed: (accountId, used) =>
      emit('directoryChanged', { accountId, revision: directoryStore.revision(accountId), ...(used ? { used } : {}) }),
  });
  // The app and the harness look at the provider for every uncertain send; tests ask for it.
  if (opts.evidenceTiming || opts.readSideBackground)
    evidence = new EvidenceChecker({
      history,
      store: directoryStore,
      client: readClient,
      accounts,
      clock,
      fileName: (id) => {
        try {
          return files.get(id).name;
        } catch {
          return undefined;
        }
      },
      changed: (id) => emit('historyChanged', { ids: [id] }),
      timing: opts.evidenceTiming ?? { firstLookMs: 3000 },
      repeat: sameOperationRepeater({
        accounts,
        files,
        history,
        client: readClient,
        clock,
        timeoutMs: opts.timeoutMs ?? 30_000,
        ...(opts.fetch ? { fetch: opts.fetch } : {}),
      }),
    });
  evidence?.recover();
  const editor = new SentMessageEditor({
    history,
    store: directoryStore,
    client: readClient,
    accounts,
    clock,
    changed: (id) => emit('historyChanged', { ids: [id] }),
  });
  if (opts.readSideBackground) directory.startBackground();

  const settlementOf = (id: string) => {
    const settlement = directoryStore.settlement(id);
    const events = directoryStore.events(id);
    return { ...(settlement ? { settlement } : {}), ...(events.length ? { events } : {}) };
  };
  const withName = <S extends { accountId: string; recipient: string }>(s: S): S & { recipientName?: string } => {
    const name = directory.nameForLabel(s.accountId, s.recipient);
    return name ? { ...s, recipientName: name } : s;
  };

  // Notifications stay off until the operator turns them on (a stored `true`, nothing else).
  const currentSettings = () => ({
    language: opts.settings.get('language') === 'en' ? ('en' as const) : ('ru' as const),
    notifications: opts.settings.get('notifications') === true,
  });

  const handlers: Handlers = {
    app: {
      info: () => ({
        version: opts.version,
        dataDir: opts.dataDir,
        sandboxOffered: sandbox !== undefined && !accounts.list().some((a) => a.sandbox),
        secretStorage: opts.secretBox.kind,
      }),
      copy: ({ text }) => {
        if (!opts.clipboard) return { copied: false };
        opts.clipboard.writeText(text);
        return { copied: true };
      },
      proxyLogin: (answer) => {
        opts.proxyLogin?.answer(answer);
        return { ok: true as const };
      },
      reportError: ({ message, stack }) => {
        log.write('error', 'renderer.error', { message, ...(stack ? { stack } : {}) });
        return { ok: true as const };
      },
    },
    settings: {
      get: () => currentSettings(),
      set: (input) => {
        if (input.language) opts.settings.set('language', input.language);
        if (input.notifications !== undefined) opts.settings.set('notifications', input.notifications);
        return currentSettings();
      },
    },
    accounts: {
      list: () => accounts.list(),
      create: (input) => accounts.create(input),
      update: (input) => accounts.update(input),
      remove: ({ id }) => {
        accounts.remove(id);
        return { ok: true as const };
      },
      check: async ({ id }) => {
        const { adapter: account, view } = await accounts.resolve(id);
        const adapter = adapterFor(view.provider);
        if (!adapter.checkConnection) return { ok: false, reason: 'no_check_call', checkedAt: clock.now() };
        const r = await adapter.checkConnection({
          account,
          file: (f) => files.get(f),
          idempotencyKey: '',
          timeoutMs: 15_000,
          fetch: opts.fetch,
          now: () => clock.now(),
        });
        // The check's words come from the provider too: the same redaction as every send's.
        const detail = r.detail === undefined ? {} : { detail: redactText(r.detail, secretsOf(account)) };
        return { ...r, ...detail, checkedAt: clock.now() };
      },
      export: () => accounts.exportJson(),
      import: ({ json }) => {
        const added = accounts.importJson(json);
        return { imported: added.length, accounts: added };
      },
      createSandbox: () => {
        if (!sandbox)
          throw new OperatorError(sendError('not_found', 'The sandbox is switched off in this build.', { reason: 'sandbox_off' }));
        return accounts.createSandboxAccounts(sandboxNames, sandboxSettings);
      },
    },
    sends: {
      send: (input) => {
        const account = accounts.list().find((a) => a.id === input.accountId);
        // The picker's "recently used" mark is bookkeeping: a full or locked history must not stop the send over it.
        try {
          if (account && account.provider === input.message.provider)
            directory.used(
              account.id,
              account.provider,
              input.message,
              recipientKey(adapterFor(account.provider).describe(input.message).to),
            );
        } catch (e) {
          log.write('warn', 'directory.used', { error: e instanceof Error ? e.message : String(e) });
        }
        return outbox.submit(input);
      },
      retry: ({ id }) => outbox.resolve(id, 'send_again'),
      cancel: ({ id }) => outbox.cancel(id),
      reschedule: ({ id, at }) => outbox.reschedule(id, at),
      resolve: async ({ id, as }) => {
        const r = await outbox.resolve(id, as);
        if (as === 'sent') evidence?.markedByOperator(id);
        return r;
      },
    },
    history: {
      list: (q) => {
        const page = history.list(q);
        return { ...page, items: page.items.map((s) => withName(outbox.view(s))) };
      },
      get: async ({ id }) => {
        const s = history.get(id);
        if (!s) throw new OperatorError(sendError('not_found', 'There is no such send.', { reason: 'send_missing' }));
        const last = s.attempts.at(-1)?.exchanges.at(-1);
        const fileIds = fileIdsOf(s.message);
        return {
          ...withName(outbox.view(s.summary)),
          message: s.message,
          attempts: s.attempts,
          operationId: s.operationId,
          ...(last ? { curl: curlOf(last) } : {}),
          ...(fileIds.length ? await files.ofSend(fileIds) : {}),
          ...settlementOf(id),
        };
      },
      upgrade: () => {
        const p = labelUpgrade.progress();
        return p ?? { done: 0, total: 0 };
      },
    },
    templates: {
      list: () => templates.list(),
      save: (input) => templates.save(input),
      remove: ({ id }) => {
        templates.remove(id);
        return { ok: true as const };
      },
    },
    recipients: {
      search: ({ accountId, text, limit }) => directory.search(accountId, text, limit),
      snapshot: ({ accountId, after }) => directory.snapshot(accountId, after),
      refresh: ({ accountId }) => directory.refresh(accountId),
    },
    sentMessages: {
      edit: ({ id, text }) => editor.edit(id, text),
      remove: ({ id }) => editor.remove(id),
    },
    conversations: {
      get: ({ accountId, target, fresh }) => directory.conversation(accountId, target, fresh === true),
    },
    team: teamHandlers(team, { find: (id) => accounts.find(id), all: () => accounts.list() }),
    diadoc: {
      documentTypes: async ({ accountId, boxId, refresh }) => {
        const { adapter: account, view } = await accounts.resolve(accountId);
        if (view.provider !== 'diadoc')
          throw new OperatorError(
            sendError('invalid', 'This is not a Diadoc account.', { field: 'accountId', reason: 'provider_mismatch' }),
          );
        const auth = diadocAuthorization(account);
        return documentTypesFor(account, boxId, {
          authorization: 'header' in auth ? auth.header : undefined,
          refresh: !!refresh,
          now: clock.now(),
          fetch: opts.fetch,
        });
      },
    },
    files: {
      register: ({ path }) => files.register(path),
      forget: ({ id }) => {
        files.forget(id);
        return { ok: true as const };
      },
    },
  };

  async function dispatch(channel: string, input: unknown): Promise<Reply> {
    const def = channels.get(channel);
    if (!def)
      return { ok: false, error: sendError('invalid', `There is no channel "${channel.slice(0, 80)}".`, { reason: 'unknown_channel' }) };
    const parsed = def.input.safeParse(input);
    if (!parsed.success) return { ok: false, error: invalidFromZod(parsed.error.issues) };
    const [area, method] = channel.split('.') as [string, string];
    const fn = (handlers as unknown as Record<string, Record<string, (i: unknown) => unknown>>)[area]![method]!;
    try {
      const value = await fn(parsed.data);
      // Parsing the output strips anything the contract does not name: no field slips out by accident.
      return { ok: true, value: def.output.parse(value) };
    } catch (e) {
      return { ok: false, error: toSendError(e, log, channel) };
    }
  }

  return {
    handlers,
    dispatch,
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as Listener);
      return () => set.delete(listener as Listener);
    },
    files,
    outbox,
    history,
    sandbox,
    secretsSeen: () => accounts.secretsSeen(),
    directory,
    team,
    async close() {
      labelUpgrade.stop();
      evidence?.close();
      await directory.close();
      await outbox.close();
      await team?.close();
      await sandbox?.stop();
      directoryStore.close();
      history.close();
    },
  };
}
