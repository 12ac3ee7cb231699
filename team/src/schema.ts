import { createSchema, json, number, string, table } from '@rocicorp/zero';
import type { SendPreview } from '../../shared/send-labels.ts';

/**
 * What a team shares, as Zero sees it. Every row carries its team: the server's queries and
 * mutators filter and check by the team in the operator's token, so a desktop never receives
 * or writes another team's rows. Operators and their password hashes live in a table Zero does
 * not replicate (see migrations.ts: it is left out of the publication).
 */
const send = table('team_send')
  .columns({
    id: string(),
    teamId: string().from('team_id'),
    operatorId: string().from('operator_id'),
    operatorName: string().from('operator_name'),
    provider: string(),
    /** The account's team identity (provider, base URL, cabinet or box): never a token. */
    account: string(),
    chat: string(),
    recipient: string(),
    /** The preview in no language: what older desktops show as it is. */
    preview: string(),
    /** The same preview as data, worded by each desktop in its operator's language (absent from older desktops' rows until filled). */
    previewData: json<SendPreview>().from('preview_data').optional(),
    status: string(),
    providerMessageId: string().from('provider_message_id').optional(),
    createdAt: number().from('created_at'),
    updatedAt: number().from('updated_at'),
    /** Server time of the first commit: what convergence is measured from. */
    syncedAt: number().from('synced_at'),
  })
  .primaryKey('id');

const template = table('team_template')
  .columns({
    id: string(),
    teamId: string().from('team_id'),
    name: string(),
    body: string(),
    version: number(),
    updatedBy: string().from('updated_by'),
    updatedAt: number().from('updated_at'),
  })
  .primaryKey('id');

const claim = table('team_claim')
  .columns({
    id: string(),
    teamId: string().from('team_id'),
    chat: string(),
    operatorId: string().from('operator_id'),
    operatorName: string().from('operator_name'),
    claimedAt: number().from('claimed_at'),
    expiresAt: number().from('expires_at'),
  })
  .primaryKey('id');

const audit = table('team_audit')
  .columns({
    id: string(),
    teamId: string().from('team_id'),
    operatorId: string().from('operator_id'),
    operatorName: string().from('operator_name'),
    kind: string(),
    subject: string(),
    detail: json(),
    at: number(),
  })
  .primaryKey('id');

const presence = table('team_presence')
  .columns({
    id: string(),
    teamId: string().from('team_id'),
    operatorName: string().from('operator_name'),
    seenAt: number().from('seen_at'),
  })
  .primaryKey('id');

export const schema = createSchema({ tables: [send, template, claim, audit, presence] });
export type TeamSchema = typeof schema;

/** Who is asking, as the server derived it from a verified token (never from the client's word). */
export interface TeamContext {
  operatorId: string;
  operatorName: string;
  teamId: string;
  /**
   * Server only: notes a conflict for the audit trail, written after the mutation's transaction
   * (which is rolled back when the mutator refuses: a refusal must still leave its trace). It must
   * not wait for the database itself: the mutator holds its transaction while it runs.
   */
  recordConflict?: (id: string, subject: string, detail: Record<string, unknown>) => Promise<void>;
}

declare module '@rocicorp/zero' {
  interface DefaultTypes {
    schema: TeamSchema;
    context: TeamContext;
  }
}
