/**
 * Test support for the jobs suites: a migrated store with the lifecycle tables, leads to hang
 * timers and events on, and the SLA handler the durability tests fire.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DueTimer } from '../src/jobs/timer-runner.ts';
import type { Database } from '../src/store/schema.ts';

/** Inserts `n` bare leads; returns their ids. */
export async function insertLeads(db: Kysely<Database>, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => randomUUID());
  const now = new Date();
  for (let i = 0; i < ids.length; i += 500) {
    await db
      .insertInto('leads')
      .values(
        ids.slice(i, i + 500).map((id) => ({
          id,
          attributes: '{}',
          derived: '{}',
          status: 'assigned',
          owner_id: 'ana',
          created_at: now,
          updated_at: now,
          assigned_at: now,
        })),
      )
      .execute();
  }
  return ids;
}

/**
 * The breach handler of the durability tests: one sla_events row per timer, by plain INSERT, so
 * a timer fired twice would hit the unique key and fail loudly instead of vanishing.
 */
export async function recordBreach(tx: Transaction<Database>, timer: DueTimer): Promise<void> {
  await tx
    .insertInto('sla_events')
    .values({
      lead_id: timer.leadId!,
      sla: timer.sla ?? 'default',
      clock: 'first_response',
      kind: 'breach',
      step: timer.step,
      owner_id: timer.ownerId,
      due_at: timer.dueAt,
      at: new Date(),
    })
    .execute();
}
