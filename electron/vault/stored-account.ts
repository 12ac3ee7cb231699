import { z } from 'zod';
import { accountSettingsSchema } from '../../shared/accounts.ts';
import { providerIdSchema } from '../../shared/sends.ts';

const storedSecretSchema = z.object({
  /** Ciphertext from the secret box, or (only with the operator's consent) base64 plain text. */
  value: z.string(),
  scheme: z.enum(['box', 'plain']),
  mask: z.string(),
  /**
   * The origins it was entered for (`secretOrigins`). Secrets stored before this field existed have
   * none and count as entered for the account's address as it is now; any later change clears them.
   */
  origin: z.string().optional(),
});
export type StoredSecret = z.infer<typeof storedSecretSchema>;

/** One account as `config.json` holds it; the file is the operator's and may have been edited by hand. */
const storedAccountSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  provider: providerIdSchema,
  baseUrl: z.string(),
  settings: accountSettingsSchema,
  isDefault: z.boolean(),
  sandbox: z.boolean(),
  plaintextSecrets: z.boolean(),
  createdAt: z.number(),
  secrets: z.object({ token: storedSecretSchema.optional(), clientId: storedSecretSchema.optional() }),
  /** Set when a change of address cleared the secrets; gone once a new one is entered. */
  secretsCleared: z.literal('origin_changed').optional(),
});
export type StoredAccount = z.infer<typeof storedAccountSchema>;

/**
 * The accounts list read from the settings file. An entry of the wrong shape is left out with a
 * logged reason rather than stopping the app: the other accounts still send. The entries left out are
 * handed back as they were, so a later save writes them again and a hand edit can still repair them.
 */
export function readStoredAccounts(
  value: unknown,
  warn: (message: string) => void = console.warn,
): { accounts: StoredAccount[]; unreadable: unknown[] } {
  if (value === undefined) return { accounts: [], unreadable: [] };
  if (!Array.isArray(value)) {
    warn('[accounts] the accounts entry in the settings file is not a list; starting with none');
    return { accounts: [], unreadable: [] };
  }
  const accounts: StoredAccount[] = [];
  const unreadable: unknown[] = [];
  value.forEach((entry: unknown, i) => {
    const parsed = storedAccountSchema.safeParse(entry);
    if (parsed.success && parsed.data.settings.provider === parsed.data.provider) {
      accounts.push(parsed.data);
      return;
    }
    unreadable.push(entry);
    warn(
      `[accounts] account #${i} in the settings file is skipped: ${
        parsed.success
          ? 'its settings are for another provider'
          : parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')
      }`,
    );
  });
  return { accounts, unreadable };
}
