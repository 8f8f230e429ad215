/**
 * Opening the database: embedded PGlite in a data directory (the default, no server needed) or
 * PostgreSQL through `DATABASE_URL`. Both are reached through Kysely's own PostgresDialect over a
 * node-postgres pool, so every query and migration is the same code on both.
 *
 * PGlite is one backend in this process: its pool has exactly one connection, which serialises
 * access (a transaction holds it to the end), and its directory is guarded by an exclusive lock.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { redactDatabaseUrl } from '../config.ts';
import { lockDataDir, type DataDirLock } from './data-dir-lock.ts';
import { MIGRATION_LOCK_KEY, migrateToLatest } from './migrate.ts';
import type { Database } from './schema.ts';

export interface StoreOptions {
  /** PostgreSQL connection string; when absent, PGlite in `dataDir`. */
  databaseUrl?: string;
  /** PostgreSQL schema for the tables (created if missing); default `public`. */
  schema?: string;
  /** PGlite data directory (its files live in `<dataDir>/pgdata`). */
  dataDir?: string;
  /** PostgreSQL connections in the pool. */
  poolSize?: number;
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
}

export type StoreKind = 'pglite' | 'postgres';

/** An open database with its Kysely handle. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly kind: StoreKind;
  /** Where the data lives, for people: a directory or a redacted URL. */
  readonly location: string;
  /** Connections available for concurrent transactions (1 for PGlite). */
  readonly connections: number;
  /** Migrations applied by this open. */
  readonly migrationsApplied: readonly string[];
  close(): Promise<void>;
}

/** Resolves when the database answers a trivial query (readiness checks). */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}

/** Directory inside the data directory where PGlite keeps PostgreSQL's files. */
export const PGLITE_SUBDIR = 'pgdata';

/** Opens (and migrates) the database the options name. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const store = options.databaseUrl
    ? await openPostgres(options.databaseUrl, options)
    : await openPglite(options.dataDir ?? './data');
  try {
    const applied = options.migrate === false ? [] : await migrateToLatest(store.db);
    return { ...store, migrationsApplied: applied };
  } catch (error) {
    await store.close();
    throw error;
  }
}

async function openPostgres(
  url: string,
  options: StoreOptions,
): Promise<Omit<Store, 'migrationsApplied'>> {
  const schema = options.schema;
  if (schema) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      // Instances starting together would race on CREATE SCHEMA (a unique violation even with
      // IF NOT EXISTS): the migration lock serialises them.
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
  }
  const size = options.poolSize ?? 10;
  const pool = new pg.Pool({
    connectionString: url,
    max: size,
    connectionTimeoutMillis: 10_000,
    // Every connection works in the configured schema; `public` stays reachable for extensions.
    options: schema ? `-c search_path=${quoteIdent(schema)}` : undefined,
  });
  // An idle client losing its connection (a server restart) must not crash the process.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    throw new Error(
      `cannot connect to PostgreSQL at ${redactDatabaseUrl(url)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return {
    db,
    kind: 'postgres',
    location: `${redactDatabaseUrl(url)}${schema ? ` (schema ${schema})` : ''}`,
    connections: size,
    close: async () => {
      await db.destroy();
    },
  };
}

async function openPglite(dataDir: string): Promise<Omit<Store, 'migrationsApplied'>> {
  const lock: DataDirLock = lockDataDir(dataDir);
  let pglite: PGlite | undefined;
  try {
    const dir = join(dataDir, PGLITE_SUBDIR);
    pglite = new PGlite(dir);
    await pglite.waitReady;
    const config = createPgConfig(pglite);
    const pool = new pg.Pool({
      ...(config as unknown as pg.PoolConfig),
      max: 1,
      // The single client wraps PGlite itself: closing it when idle would tear the adapter down.
      idleTimeoutMillis: 0,
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const instance = pglite;
    return {
      db,
      kind: 'pglite',
      location: dataDir,
      connections: 1,
      close: async () => {
        try {
          await db.destroy();
          await instance.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    await pglite?.close().catch(() => undefined);
    lock.release();
    throw error;
  }
}

/** Whether a PGlite data directory already holds a database (reopening is fast, creating slow). */
export function hasPgliteData(dataDir: string): boolean {
  const dir = join(dataDir, PGLITE_SUBDIR);
  return existsSync(join(dir, 'PG_VERSION')) || (existsSync(dir) && readdirSync(dir).length > 0);
}

/** Quotes an SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
