/**
 * The decision log: every routing of every lead, with its explanation, filterable for audits
 * ("which leads did rule X send to the triage queue last week?").
 */
import type { Kysely } from 'kysely';
import { listDecisions, type DecisionFilter, type DecisionRecord } from '../store/leads-repo.ts';
import type { Database } from '../store/schema.ts';
import { decodeCursor, encodeCursor } from './leads.ts';

export class DecisionService {
  constructor(private readonly db: Kysely<Database>) {}

  /** Newest first, `limit` per page. */
  async listDecisions(
    filter: Omit<DecisionFilter, 'after'> & { cursor?: string },
  ): Promise<{ items: DecisionRecord[]; nextCursor: string | null }> {
    const after = filter.cursor ? decodeCursor(filter.cursor) : undefined;
    const items = await listDecisions(this.db, { ...filter, after, limit: filter.limit + 1 });
    const more = items.length > filter.limit;
    if (more) items.pop();
    const last = items.at(-1);
    return {
      items,
      nextCursor: more && last ? encodeCursor({ id: last.id }) : null,
    };
  }
}
