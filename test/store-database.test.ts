import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { DataDirLockedError, lockDataDir, LOCK_FILE } from '../src/store/data-dir-lock.ts';
import { openStore } from '../src/store/database.ts';
import { listMigrations } from '../src/store/migrate.ts';
import { readPoolStates, writePoolStates } from '../src/store/routing-state-repo.ts';
import { createTestDatabase, DATABASE_KIND, TEST_DATABASE_URL } from './service-harness.ts';

const scratch = mkdtempSync(join(tmpdir(), 'leadrouter-store-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe(`migrations (${DATABASE_KIND})`, () => {
  it('applies the numbered migrations once and records them', async () => {
    const db = await createTestDatabase();
    try {
      // The harness's PGlite database comes migrated from the template; PostgreSQL's on first open.
      await (await openStore({ ...db.storeOptions })).close();
      const store = await openStore({ ...db.storeOptions });
      expect(store.migrationsApplied).toEqual([]);
      const rows = await store.db
        .selectFrom('schema_migrations')
        .select(['version', 'name'])
        .orderBy('version')
        .execute();
      expect(rows.map((r) => r.name)).toEqual(listMigrations().map((m) => m.name));
      const tables = await sql<{
        n: string;
      }>`select count(*) as n from information_schema.tables where table_schema = current_schema() and table_name in ('leads', 'decisions', 'owners', 'accounts', 'policy_versions', 'routing_pools', 'routing_owners', 'idempotency_keys')`.execute(
        store.db,
      );
      expect(Number(tables.rows[0]!.n)).toBe(8);
      await store.close();
    } finally {
      await db.drop();
    }
  });

  it.runIf(TEST_DATABASE_URL)(
    'lets several instances start at once on an empty PostgreSQL schema',
    async () => {
      const db = await createTestDatabase();
      try {
        const stores = await Promise.all(
          [1, 2, 3].map(() => openStore({ ...db.storeOptions, poolSize: 2 })),
        );
        expect(stores.map((s) => s.migrationsApplied.length).sort()).toEqual([
          0,
          0,
          listMigrations().length,
        ]);
        await Promise.all(stores.map((s) => s.close()));
      } finally {
        await db.drop();
      }
    },
  );
});

describe(`routing state rows (${DATABASE_KIND})`, () => {
  it('reads back the pool memory it wrote, and reads a row of another shape as absent', async () => {
    const db = await createTestDatabase();
    const store = await openStore({ ...db.storeOptions });
    try {
      const state = {
        cursor: 2,
        ownerIds: ['ana', 'ben'],
        currentWeights: [1.5, -1.5],
        virtualShares: [null, 3],
        period: '2026-W48',
        assigned: 7,
      };
      await writePoolStates(store.db, new Map([['p', state]]));
      // What an earlier version wrote: weights keyed by owner id.
      await sql`insert into routing_pools (pool_id, state) values ('old', ${JSON.stringify({
        cursor: 0,
        currentWeights: { ana: 1 },
        virtualShares: {},
        assigned: 1,
      })}::jsonb)`.execute(store.db);
      const read = await readPoolStates(store.db, undefined);
      expect(read.get('p')).toEqual(state);
      expect(read.has('old')).toBe(false);
    } finally {
      await store.close();
      await db.drop();
    }
  });
});

describe('the embedded data directory lock', () => {
  it('fails at once, naming the directory and the other process, when the directory is in use', async () => {
    const dir = join(scratch, 'held');
    const lock = lockDataDir(dir);
    try {
      const started = Date.now();
      let error: unknown;
      try {
        lockDataDir(dir);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DataDirLockedError);
      expect((error as Error).message).toContain(dir);
      expect((error as Error).message).toContain(`process ${process.pid}`);
      expect(Date.now() - started).toBeLessThan(1000);
      await expect(openStore({ dataDir: dir })).rejects.toThrow(/in use by process/);
    } finally {
      lock.release();
    }
    lockDataDir(dir).release();
  });

  it('takes over a lock left behind by a process that is gone', () => {
    const dir = join(scratch, 'stale');
    mkdirSync(dir, { recursive: true });
    // Pid 2^22 + 1 is above Linux's pid_max default ceiling: no such process.
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: 4_194_305, host: hostname(), since: '2026-01-01T00:00:00Z' }),
    );
    const lock = lockDataDir(dir);
    lock.release();
  });
});

describe('configuration', () => {
  it('takes flags over environment over file, and resolves the data directory', () => {
    const file = join(scratch, 'leadrouter.yaml');
    writeFileSync(file, 'port: 4000\nhost: 0.0.0.0\nlogLevel: debug\ndataDir: ./from-file\n');
    const config = loadConfig(
      { configFile: file, port: 5000 },
      { PORT: '4500', LOG_LEVEL: 'warn' },
    );
    expect(config).toMatchObject({ port: 5000, host: '0.0.0.0', logLevel: 'warn' });
    expect(config.dataDir).toMatch(/from-file$/);
    expect(loadConfig({}, {}).port).toBe(3000);
  });

  it('names each bad setting and where it came from', () => {
    let error: unknown;
    try {
      loadConfig({ port: 'eighty' }, { LOG_LEVEL: 'loud', LEADROUTER_DEMO: 'maybe' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/port \(from flag\)/);
    expect(message).toMatch(/logLevel \(from environment LOG_LEVEL\)/);
    expect(message).toMatch(/demo \(from environment LEADROUTER_DEMO\)/);
  });

  it('takes numbers in decimal digits only', () => {
    expect(loadConfig({}, { PORT: ' 4191 ' }).port).toBe(4191);
    for (const port of ['0x10', '4191abc', '1e3', '80.5'])
      expect(() => loadConfig({}, { PORT: port }), port).toThrow(
        /port \(from environment PORT\): must be a whole number from 0 to 65535, in decimal digits/,
      );
  });

  it('names each unknown key of a configuration file, with the file', () => {
    const file = join(scratch, 'unknown-keys.yaml');
    writeFileSync(file, 'port: 4192\nbodylimit: 1000\nfoo: bar\n');
    expect(() => loadConfig({ configFile: file }, {})).toThrow(
      new RegExp(
        `bodylimit \\(from file ${file}\\): unknown setting; the settings are host, port,`,
      ),
    );
    expect(() => loadConfig({ configFile: file }, {})).toThrow(/foo \(from file .*\): unknown/);
  });
});
