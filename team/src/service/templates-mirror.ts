import type { KV, KvWatchEntry } from '@nats-io/kv';
import type postgres from 'postgres';
import { templateValueSchema } from '../../protocol/messages.ts';
import { pgSafe } from './pg-safe.ts';

/**
 * The `templates` bucket mirrored into PostgreSQL's team_template, for reports and the simulation's
 * invariants (a template's final text). The bucket is the authority; this copy is written from its
 * watch: at start the newest value of every key, then each change, in the bucket's order, never a
 * version back. A deleted template (its tombstone) leaves the table. While PostgreSQL is away the
 * same change is tried again, so the copy catches up when it is back.
 */
export async function mirrorTemplates(
  templates: KV,
  sql: postgres.Sql,
  teamId: string,
  log: (message: string) => void,
): Promise<{ stop(): Promise<void> }> {
  const watch = await templates.watch();
  let stopping = false;
  let wake: (() => void) | undefined;

  async function apply(e: KvWatchEntry) {
    const parsed = e.operation === 'PUT' ? templateValueSchema.safeParse(e.json()) : undefined;
    const t = parsed?.success ? pgSafe(parsed.data) : undefined;
    if (!t || t.deletedBy !== undefined) {
      await sql`delete from team_template where id = ${e.key} and team_id = ${teamId}`;
      return;
    }
    await sql`insert into team_template (id, team_id, name, body, version, updated_by, updated_at)
      values (${t.id}, ${teamId}, ${t.name}, ${t.body}, ${t.version}, ${t.updatedBy}, ${t.updatedAt})
      on conflict (id) do update set name = excluded.name, body = excluded.body, version = excluded.version,
        updated_by = excluded.updated_by, updated_at = excluded.updated_at
      where team_template.team_id = excluded.team_id and team_template.version <= excluded.version`;
  }

  const loop = (async () => {
    for await (const e of watch) {
      for (let attempt = 0; !stopping; attempt++) {
        try {
          await apply(e);
          break;
        } catch (err) {
          if (attempt === 0) log(`template ${e.key} waits for PostgreSQL: ${err instanceof Error ? err.message : String(err)}`);
          await new Promise<void>((r) => {
            const t = setTimeout(r, Math.min(5_000, 200 * 2 ** attempt));
            wake = () => {
              clearTimeout(t);
              r();
            };
          });
        }
      }
    }
  })();
  return {
    async stop() {
      stopping = true;
      wake?.();
      watch.stop();
      await loop;
    },
  };
}
