/**
 * Numbered SQL migrations (`migrations/001-initial.sql`, `002-….sql`), applied in order, each in
 * its own transaction, and recorded in `schema_migrations`. Several instances starting together on
 * one PostgreSQL take a transaction-scoped advisory lock, so exactly one applies each migration.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
/** Arbitrary constant: the advisory lock key of leadrouter's migrations. */
export const MIGRATION_LOCK_KEY = 7_302_114_551;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The migrations shipped with this build, in order. */
export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((file) => {
      const match = /^(\d+)-([a-z0-9-]+)\.sql$/.exec(file);
      if (!match) throw new Error(`migration file ${file}: expected a name like 001-initial.sql`);
      return {
        version: Number(match[1]),
        name: file.replace(/\.sql$/, ''),
        sql: readFileSync(`${dir}/${file}`, 'utf8'),
      };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (i > 0 && m.version === migrations[i - 1]!.version)
      throw new Error(`two migrations numbered ${m.version}`);
  });
  return migrations;
}

/** Applies every pending migration; returns the names applied. */
export async function migrateToLatest(
  db: Kysely<Database>,
  migrations = listMigrations(),
): Promise<string[]> {
  const applied: string[] = [];
  for (const migration of migrations) {
    const done = await db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY}::bigint)`.execute(tx);
      await sql`create table if not exists schema_migrations (
        version integer primary key,
        name text not null,
        applied_at timestamptz not null default now()
      )`.execute(tx);
      const existing = await tx
        .selectFrom('schema_migrations')
        .select('version')
        .where('version', '=', migration.version)
        .executeTakeFirst();
      if (existing) return false;
      // Whole files run as one simple-protocol query: several statements, no parameters.
      await sql.raw(migration.sql).execute(tx);
      await tx
        .insertInto('schema_migrations')
        .values({ version: migration.version, name: migration.name })
        .execute();
      return true;
    });
    if (done) applied.push(migration.name);
  }
  return applied;
}
