import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor, type Actor } from '../src/service/access/actor.ts';
import {
  appendAudit,
  exportAuditCsv,
  exportAuditJsonLines,
  listAudit,
  redactAuditEntry,
  verifyAuditChain,
} from '../src/service/access/audit.ts';
import type { Database } from '../src/store/schema.ts';
import { openAccessTestStore, type AccessTestStore } from './access-harness.ts';

let t: AccessTestStore;
let db: Kysely<Database>;
beforeAll(async () => {
  t = await openAccessTestStore();
  db = t.db;
});
afterAll(() => t.close());

const ana: Actor = { kind: 'user', id: 'u-ana', name: 'ana', role: 'ops', team: null };
const crm: Actor = { kind: 'token', id: 't-crm', name: 'crm', role: 'intake', team: null };

async function collect(gen: AsyncGenerator<string>): Promise<string> {
  let text = '';
  for await (const chunk of gen) text += chunk;
  return text;
}

/** Runs `change` with the append-only trigger off, as a superuser could. */
async function tamper(change: (tx: Kysely<Database>) => Promise<unknown>): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await sql`alter table audit_log disable trigger audit_log_append_only`.execute(tx);
    await change(tx);
    await sql`alter table audit_log enable trigger audit_log_append_only`.execute(tx);
  });
}

async function entryCount(): Promise<number> {
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('the audit log', () => {
  it('verifies an empty log', async () => {
    expect(await verifyAuditChain(db)).toEqual({ ok: true, entries: 0 });
  });

  it('chains entries: each names the hash of the one before', async () => {
    const first = await appendAudit(db, {
      actor: ana,
      action: 'policy.create',
      target: { type: 'policy_version', id: '1' },
      after: { name: 'EMEA', rules: [{ id: 'de', when: { country: 'DE' } }] },
      requestId: 'req-1',
      clientAddress: '10.0.0.1',
    });
    const second = await appendAudit(db, {
      actor: ana,
      action: 'policy.publish',
      target: { type: 'policy_version', id: '1' },
      before: { status: 'draft' },
      after: { status: 'published', effective_from: '2026-12-01T00:00:00.000Z' },
    });
    expect(first.seq).toBe(1);
    expect(second.seq).toBe(2);
    const { entries } = await listAudit(db, { order: 'asc' });
    expect(entries[1]!.prev_hash).toBe(first.hash);
    expect(entries[0]).toMatchObject({
      actor: { kind: 'user', id: 'u-ana', name: 'ana', role: 'ops' },
      action: 'policy.create',
      target: { type: 'policy_version', id: '1' },
      request_id: 'req-1',
      client_address: '10.0.0.1',
      payload: { after: { name: 'EMEA' } },
    });
    expect(await verifyAuditChain(db)).toEqual({ ok: true, entries: 2 });
  });

  it('commits an entry with its change, and neither when the change rolls back', async () => {
    await db.transaction().execute(async (tx) => {
      await tx
        .insertInto('settings')
        .values({ key: 'audit.test.committed', value: 'true' })
        .execute();
      await appendAudit(tx, {
        actor: ana,
        action: 'setting.update',
        target: { type: 'setting', id: 'audit.test.committed' },
        after: true,
      });
    });
    const before = await entryCount();
    await expect(
      db.transaction().execute(async (tx) => {
        await tx
          .insertInto('settings')
          .values({ key: 'audit.test.rolled-back', value: 'true' })
          .execute();
        await appendAudit(tx, { actor: ana, action: 'setting.update', after: true });
        throw new Error('the change fails after its entry was appended');
      }),
    ).rejects.toThrow('the change fails');
    expect(await entryCount()).toBe(before);
    const setting = await db
      .selectFrom('settings')
      .select('key')
      .where('key', '=', 'audit.test.rolled-back')
      .executeTakeFirst();
    expect(setting).toBeUndefined();
    // The rolled-back append left no gap: the next entry follows on.
    const next = await appendAudit(db, { actor: crm, action: 'lead.create' });
    expect(next.seq).toBe(before + 1);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('keeps one chain under concurrent writers', async () => {
    const before = await entryCount();
    await Promise.all(
      Array.from({ length: 10 }, (_, w) =>
        (async () => {
          for (let i = 0; i < 10; i++) {
            await db.transaction().execute(async (tx) => {
              await appendAudit(tx, {
                actor: crm,
                action: 'lead.create',
                target: { type: 'lead', id: `w${w}-${i}` },
                after: { writer: w, i },
              });
            });
          }
        })(),
      ),
    );
    expect(await entryCount()).toBe(before + 100);
    expect(await verifyAuditChain(db, { pageSize: 7 })).toEqual({
      ok: true,
      entries: before + 100,
    });
  });

  it('refuses UPDATE, DELETE and TRUNCATE', async () => {
    await expect(sql`update audit_log set action = 'x' where seq = 1`.execute(db)).rejects.toThrow(
      /append-only: UPDATE refused/,
    );
    await expect(sql`delete from audit_log where seq = 1`.execute(db)).rejects.toThrow(
      /append-only: DELETE refused/,
    );
    await expect(sql`truncate audit_log`.execute(db)).rejects.toThrow(
      /append-only: TRUNCATE refused/,
    );
    // The redaction switch lets only a redaction through, never another change.
    await expect(
      db.transaction().execute(async (tx) => {
        await sql`set local leadrouter.audit_redaction = 'on'`.execute(tx);
        await sql`update audit_log set action = 'x' where seq = 1`.execute(tx);
      }),
    ).rejects.toThrow(/append-only/);
    await expect(
      sql`update audit_log set payload = null, redacted_at = now() where seq = 1`.execute(db),
    ).rejects.toThrow(/append-only/);
  });

  it('redacts a payload for an erasure and still verifies', async () => {
    expect(await redactAuditEntry(db, 1, systemActor('cli'), 'erasure request 42')).toBe(true);
    expect(await redactAuditEntry(db, 1, systemActor('cli'), 'again')).toBe(false);
    const [first] = (await listAudit(db, { order: 'asc', limit: 1 })).entries;
    expect(first).toMatchObject({ seq: 1, payload: null, action: 'policy.create' });
    expect(first!.redacted_at).not.toBeNull();
    const last = (await listAudit(db, { limit: 1 })).entries[0]!;
    expect(last).toMatchObject({
      action: 'audit.redact',
      target: { type: 'audit_entry', id: '1' },
    });
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('reports the first broken link when a row is altered', async () => {
    const original = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '=', '5')
      .executeTakeFirstOrThrow();
    await tamper((tx) =>
      tx
        .updateTable('audit_log')
        .set({ payload: JSON.stringify({ after: { writer: 99 } }) })
        .where('seq', '=', '5')
        .execute(),
    );
    expect(await verifyAuditChain(db)).toMatchObject({
      ok: false,
      entries: 4,
      firstBroken: { seq: 5, reason: expect.stringContaining('payload altered') },
    });
    await tamper((tx) =>
      tx
        .updateTable('audit_log')
        .set({ payload: JSON.stringify(original.payload), actor_name: 'someone else' })
        .where('seq', '=', '5')
        .execute(),
    );
    expect((await verifyAuditChain(db)).firstBroken).toEqual({
      seq: 5,
      reason: 'entry altered: its hash does not match its content',
    });
    // Re-hashing the altered entry only moves the break to the next link.
    await tamper((tx) =>
      tx
        .updateTable('audit_log')
        .set({ hash: 'f'.repeat(64) })
        .where('seq', '=', '5')
        .execute(),
    );
    expect((await verifyAuditChain(db)).firstBroken).toEqual({
      seq: 5,
      reason: 'entry altered: its hash does not match its content',
    });
    await tamper((tx) =>
      tx
        .updateTable('audit_log')
        .set({ actor_name: original.actor_name, hash: original.hash })
        .where('seq', '=', '5')
        .execute(),
    );
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('reports a removed row, in the middle or at the end', async () => {
    const rowOf = (seq: string) =>
      db.selectFrom('audit_log').selectAll().where('seq', '=', seq).executeTakeFirstOrThrow();
    const seventh = await rowOf('7');
    await tamper((tx) => tx.deleteFrom('audit_log').where('seq', '=', '7').execute());
    expect(await verifyAuditChain(db, { pageSize: 3 })).toMatchObject({
      ok: false,
      entries: 6,
      firstBroken: { seq: 7, reason: 'entry 7 is missing (the next entry present is 8)' },
    });
    await tamper((tx) =>
      tx
        .insertInto('audit_log')
        .values({ ...seventh, payload: JSON.stringify(seventh.payload) })
        .execute(),
    );
    expect((await verifyAuditChain(db)).ok).toBe(true);
    const n = await entryCount();
    const last = await rowOf(String(n));
    await tamper((tx) => tx.deleteFrom('audit_log').where('seq', '=', String(n)).execute());
    expect((await verifyAuditChain(db)).firstBroken).toEqual({
      seq: n,
      reason: `entries ${n} to ${n} are missing (the head records ${n})`,
    });
    await tamper((tx) =>
      tx
        .insertInto('audit_log')
        .values({ ...last, payload: last.payload === null ? null : JSON.stringify(last.payload) })
        .execute(),
    );
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('lists by actor, action, target and time, a page at a time', async () => {
    const byActor = await listAudit(db, { actorId: 'u-ana' });
    expect(byActor.entries.map((e) => e.action)).toEqual([
      'setting.update',
      'policy.publish',
      'policy.create',
    ]);
    expect((await listAudit(db, { action: 'policy.*' })).entries).toHaveLength(2);
    expect((await listAudit(db, { action: 'policy.publish' })).entries).toHaveLength(1);
    expect(
      (await listAudit(db, { targetType: 'lead', targetId: 'w3-4' })).entries.map((e) => e.payload),
    ).toEqual([{ after: { writer: 3, i: 4 } }]);
    const all: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof listAudit>> = await listAudit(db, {
        actorKind: 'token',
        limit: 30,
        cursor,
      });
      all.push(...page.entries.map((e) => e.seq));
      cursor = page.next_cursor;
    } while (cursor);
    expect(all).toHaveLength(101);
    expect([...all].sort((a, b) => b - a)).toEqual(all);
    const future = new Date(Date.now() + 60_000);
    expect((await listAudit(db, { from: future })).entries).toHaveLength(0);
    expect((await listAudit(db, { to: future, limit: 1000 })).entries).toHaveLength(
      await entryCount(),
    );
  });

  it('exports CSV and JSON Lines, oldest first', async () => {
    const jsonl = (await collect(exportAuditJsonLines(db, { actorId: 'u-ana' })))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(jsonl.map((e) => e.action)).toEqual([
      'policy.create',
      'policy.publish',
      'setting.update',
    ]);
    await appendAudit(db, {
      actor: { ...ana, name: '=HYPERLINK("x")' },
      action: 'user.update',
      after: { note: 'a, "quoted"\nline' },
    });
    const csv = await collect(exportAuditCsv(db, { action: 'user.update' }));
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      'seq,at,actor_kind,actor_id,actor_name,actor_role,action,target_type,target_id,payload,redacted_at,request_id,client_address,prev_hash,hash',
    );
    expect(csv).toContain(`,"'=HYPERLINK(""x"")",ops,user.update,,,`);
    expect(csv).toContain('"{""after"":{""note"":""a, \\""quoted\\""\\nline""}}"');
  });
});
