import { z } from 'zod';
import { accountLimits } from './account-limits.ts';
import { capped, generous } from './bounds.ts';
import { greenApiForms } from './messages/green-api.ts';

/**
 * Accounts as the renderer sees and edits them. Secrets travel one way only: the renderer may
 * write a new secret in `secrets`, and reads back nothing but `secretState` (set or not, and a mask).
 */
const name = z.string().trim().min(1).max(accountLimits.nameMax);
/** https everywhere; plain http only for loopback (simulators, a local proxy). No credentials in the URL. */
export const baseUrlSchema = z
  .string()
  .trim()
  .max(2000)
  .refine((s) => URL.canParse(s), { params: { reason: 'bad_url' }, message: 'Not a URL' })
  .refine(
    (s) => {
      const u = new URL(s);
      return (
        u.protocol === 'https:' ||
        (u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === '[::1]' || u.hostname === 'localhost'))
      );
    },
    { params: { reason: 'https_required' }, message: 'https is required (plain http only for 127.0.0.1)' },
  )
  .refine(
    (s) => {
      const u = new URL(s);
      return !u.username && !u.password;
    },
    {
      params: { reason: 'credentials_in_url' },
      message: 'The URL must not contain a user name or password',
    },
  );

const secret = z.string().trim().min(1).max(4096);

export const accountSettingsSchema = z.discriminatedUnion('provider', [
  z.object({
    provider: z.literal('greenapi'),
    form: z.enum(greenApiForms),
    idInstance: z
      .string()
      .trim()
      .regex(/^\d{1,20}$/)
      .optional(),
  }),
  z.object({ provider: z.literal('pachca'), isBot: z.boolean() }),
  z.object({
    provider: z.literal('market'),
    businessId: z
      .string()
      .trim()
      .regex(/^\d{1,20}$/)
      .optional(),
  }),
  z.object({ provider: z.literal('diadoc'), authScheme: z.enum(['bearer', 'legacy']), fromBoxId: z.string().trim().max(100).optional() }),
]);
export type AccountSettings = z.infer<typeof accountSettingsSchema>;

export const secretsInputSchema = z.object({ token: secret.optional(), clientId: secret.optional() });
export type SecretsInput = z.infer<typeof secretsInputSchema>;

export const accountCreateSchema = z.object({
  name,
  baseUrl: baseUrlSchema.optional(),
  settings: accountSettingsSchema,
  secrets: secretsInputSchema,
  isDefault: z.boolean().optional(),
  /** The operator agreed to keep secrets unencrypted because no OS keychain is available. */
  allowPlaintextSecrets: z.boolean().optional(),
});
export type AccountCreate = z.infer<typeof accountCreateSchema>;

export const accountUpdateSchema = z.object({
  id: z.string().min(1).max(64),
  name: name.optional(),
  baseUrl: baseUrlSchema.optional(),
  settings: accountSettingsSchema.optional(),
  secrets: secretsInputSchema.optional(),
  isDefault: z.boolean().optional(),
  allowPlaintextSecrets: z.boolean().optional(),
});
export type AccountUpdate = z.infer<typeof accountUpdateSchema>;

export const secretStateSchema = z.object({ set: z.boolean(), mask: capped(16) });

export const accountViewSchema = z.object({
  id: capped(generous.id),
  name: capped(generous.label),
  provider: z.enum(['pachca', 'diadoc', 'market', 'greenapi']),
  baseUrl: capped(2000),
  settings: accountSettingsSchema,
  secretState: z.object({
    token: secretStateSchema,
    clientId: secretStateSchema.optional(),
    /** Why the secrets were cleared and must be entered again: the account now points elsewhere. */
    cleared: z.literal('origin_changed').optional(),
  }),
  isDefault: z.boolean(),
  /** Talks to the built-in simulator: marked as such everywhere. */
  sandbox: z.boolean(),
  /** Secrets are stored without OS encryption because the operator agreed to it. */
  plaintextSecrets: z.boolean(),
  createdAt: z.number(),
});
export type AccountView = z.infer<typeof accountViewSchema>;

export const checkResultSchema = z.object({
  ok: z.boolean(),
  /** Dictionary key for the plain-words explanation. */
  reason: capped(generous.providerId),
  detail: capped(generous.words).optional(),
  checkedAt: z.number(),
});
export type CheckResult = z.infer<typeof checkResultSchema>;

export function maskSecret(value: string): string {
  return value.length <= 4 ? '••••' : `••••${value.slice(-4)}`;
}

/** The export file: accounts without any secret, so it can be mailed to a colleague. */
export const accountsExportSchema = z.object({
  format: z.literal('operator-console.accounts'),
  version: z.literal(1),
  exportedAt: z.string().max(64),
  accounts: z
    .array(
      z.object({
        name,
        provider: z.enum(['pachca', 'diadoc', 'market', 'greenapi']),
        baseUrl: baseUrlSchema,
        settings: accountSettingsSchema,
        isDefault: z.boolean().optional(),
      }),
    )
    .max(500),
});
export type AccountsExport = z.infer<typeof accountsExportSchema>;
