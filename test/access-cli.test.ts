import { spawn } from 'node:child_process';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openAccessStore } from '../src/service/access/index.ts';
import { createTestDatabase, type TestDatabase } from './service-harness.ts';

// Every command starts a process that opens the database: seconds each on a busy machine.
vi.setConfig({ testTimeout: 300_000 });

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

/** Runs `leadrouter` on the test database; resolves with its output and exit code. */
function leadrouter(
  args: string[],
  stdin = '',
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { databaseUrl, schema, dataDir } = database.storeOptions;
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl ?? '',
    LEADROUTER_DATABASE_SCHEMA: schema ?? '',
  };
  const child = spawn(
    process.execPath,
    ['bin/leadrouter.js', ...args, ...(dataDir ? ['--data', dataDir] : [])],
    { env },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  child.stdin.end(stdin);
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })),
  );
}

describe('leadrouter tokens', () => {
  it('creates a token printed once, lists it without its secret, and revokes it', async () => {
    const created = await leadrouter([
      'tokens',
      'create',
      '--role',
      'intake',
      '--name',
      'web forms',
      '--expires-in',
      '30d',
    ]);
    expect(created.code).toBe(0);
    const secret = created.stdout.trim();
    expect(secret).toMatch(/^lr_live_[\w-]{43}$/);
    expect(created.stderr).toMatch(/created token [0-9a-f-]{36} "web forms" \(intake, expires 20/);
    const id = /created token ([0-9a-f-]{36})/.exec(created.stderr)![1]!;

    const listed = await leadrouter(['tokens', 'list', '--json']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(secret.slice(12));
    expect(JSON.parse(listed.stdout)).toMatchObject([
      { id, name: 'web forms', role: 'intake', prefix: secret.slice(0, 12), revoked_at: null },
    ]);

    const revoked = await leadrouter(['tokens', 'revoke', id]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`revoked token ${id} "web forms"`);
  });

  it('names role and the allowed values for an unknown role, and writes nothing', async () => {
    const bad = await leadrouter(['tokens', 'create', '--role', 'root', '--name', 'x']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'error: role: unknown role "root"; expected one of admin, ops, manager, viewer, intake',
    );
    expect(JSON.parse((await leadrouter(['tokens', 'list', '--json'])).stdout)).toHaveLength(1);
  });
});

describe('leadrouter users', () => {
  it('creates a user with the password from standard input', async () => {
    const made = await leadrouter(
      ['users', 'create', '--username', 'mia', '--role', 'manager', '--team', 'emea'],
      'a long enough secret\n',
    );
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/created user [0-9a-f-]{36} "mia" \(manager, team emea\)/);
    const weak = await leadrouter(
      ['users', 'create', '--username', 'max', '--role', 'ops'],
      'short\n',
    );
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('password: must be at least 12 characters');
  });
});

describe('leadrouter audit', () => {
  it('exports the log as JSON Lines and CSV, verifies it, and names the first broken link', async () => {
    const jsonl = await leadrouter(['audit', 'export', '--format', 'jsonl']);
    expect(jsonl.code).toBe(0);
    const actions = jsonl.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).action);
    expect(actions).toEqual(['token.create', 'token.revoke', 'user.create']);
    const csv = await leadrouter([
      'audit',
      'export',
      '--format',
      'csv',
      '--from',
      '2000-01-01T00:00:00Z',
    ]);
    expect(csv.stdout.split('\r\n')[0]).toMatch(/^seq,at,actor_kind,/);
    expect(csv.stdout.split('\r\n')).toHaveLength(5);

    const ok = await leadrouter(['audit', 'verify']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('audit log intact: 3 entries');

    const s = await openAccessStore(database.storeOptions);
    try {
      await s.db.transaction().execute(async (tx) => {
        await sql`alter table audit_log disable trigger audit_log_append_only`.execute(tx);
        await sql`update audit_log set actor_name = 'nobody' where seq = 2`.execute(tx);
        await sql`alter table audit_log enable trigger audit_log_append_only`.execute(tx);
      });
    } finally {
      await s.close();
    }
    const broken = await leadrouter(['audit', 'verify']);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(
      'audit log BROKEN at entry 2: entry altered: its hash does not match its content (1 entries verified before it)',
    );
  });
});
