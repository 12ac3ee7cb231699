/**
 * The team database, created on first start and brought up to date at every start: each statement
 * is safe to run again. `team_operator` (password hashes) is read only by the API.
 */
export const migrations: readonly string[] = [
  `create table if not exists team_operator (
     id text primary key,
     team_id text not null,
     login text not null unique,
     name text not null,
     password_hash text not null,
     created_at bigint not null,
     disabled boolean not null default false)`,
  `create table if not exists team_send (
     id text primary key,
     team_id text not null,
     operator_id text not null,
     operator_name text not null,
     provider text not null,
     account text not null,
     chat text not null,
     recipient text not null,
     preview text not null,
     status text not null,
     provider_message_id text,
     created_at double precision not null,
     updated_at double precision not null,
     synced_at double precision not null)`,
  `create index if not exists team_send_team_updated on team_send (team_id, updated_at desc)`,
  `create index if not exists team_send_team_chat on team_send (team_id, chat, updated_at desc)`,
  `create table if not exists team_template (
     id text primary key,
     team_id text not null,
     name text not null,
     body text not null,
     version integer not null,
     updated_by text not null,
     updated_at double precision not null)`,
  `create table if not exists team_claim (
     id text primary key,
     team_id text not null,
     chat text not null,
     operator_id text not null,
     operator_name text not null,
     claimed_at double precision not null,
     expires_at double precision not null)`,
  `create table if not exists team_audit (
     id text primary key,
     team_id text not null,
     operator_id text not null,
     operator_name text not null,
     kind text not null,
     subject text not null,
     detail jsonb not null,
     at double precision not null)`,
  `create index if not exists team_audit_team_at on team_audit (team_id, at desc)`,
  // The audit trail is append-only for everyone, the API included.
  `create or replace function team_audit_append_only() returns trigger language plpgsql as $$
     begin raise exception 'team_audit is append-only'; end $$`,
  `drop trigger if exists team_audit_no_change on team_audit`,
  `create trigger team_audit_no_change before update or delete on team_audit
     for each row execute function team_audit_append_only()`,
  `create table if not exists team_presence (
     id text primary key,
     team_id text not null,
     operator_name text not null,
     seen_at double precision not null)`,
  // Later, additive only: a running team keeps its rows; desktops of an older build keep working.
  // The preview as data ({kind: 'text'|'files'|'documents', …}, shared/send-labels.ts) for each desktop
  // to word in its operator's language; rows that predate it are filled by preview-data.ts.
  `alter table team_send add column if not exists preview_data jsonb`,
  // A send's detail reads its status changes from the audit trail by subject.
  `create index if not exists team_audit_team_subject on team_audit (team_id, subject, at)`,
  // Zero is gone (team mode runs on NATS JetStream). What zero-cache (app id "team", shard 0) left in a
  // database it ran on goes too: above all its replication slot, which from then on would keep every
  // WAL segment PostgreSQL writes (a slot holds WAL until its reader confirms it) until the disk is full;
  // then its publications, and its schemas (its client view records, its change log, its shard's
  // bookkeeping, and the event triggers it put on DDL). Nothing of ours lives in them.
  `do $$ declare s text; begin
     for s in select slot_name from pg_replication_slots where slot_name like 'team\\_0%' and not active loop
       perform pg_drop_replication_slot(s);
     end loop;
   end $$`,
  `drop publication if exists team_shared, _team_metadata_0, _team_public_0`,
  `drop schema if exists "team_0/cvr", "team_0/cdc", team_0, team cascade`,
  // A team whose Zero-era rows were published into its NATS streams and buckets (zero-era-import.ts):
  // one row, written once the import was acknowledged, so later starts do not read the tables again.
  `create table if not exists team_nats_import (
     team_id text primary key,
     imported_at double precision not null,
     detail jsonb not null)`,
  // Every NATS user key the API signed a JWT for, until its newest JWT expires: disabling an operator
  // revokes their keys in the team's account JWT at once (src/nats/revocations.ts) instead of leaving
  // their JWTs working until they expire.
  `create table if not exists team_nats_key (
     public_key text not null,
     operator_id text not null,
     team_id text not null,
     expires_at double precision not null,
     revoked_at double precision,
     primary key (public_key, operator_id))`,
  `create index if not exists team_nats_key_team on team_nats_key (team_id) where revoked_at is not null`,
  `create index if not exists team_nats_key_operator on team_nats_key (operator_id)`,
];
