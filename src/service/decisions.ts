/**
 * The decision log: every routing of every lead, with its explanation, filterable for audits
 * ("which leads did rule X send to the triage queue last week?").
 */
import type { Kysely } from 'kysely';
import { listDecisions, type DecisionFilter, type DecisionRecord } from '../store/leads-repo.ts';
import type { Database } from '../store/schema.ts';
import { decodeUuidCursor, toPage, type Page } from './pages.ts';

export class DecisionService {
  constructor(private readonly db: Kysely<Database>) {}

  /** Newest first, `limit` per page. */
  async listDecisions(
    filter: Omit<DecisionFilter, 'after'> & { cursor?: string },
  ): Promise<Page<DecisionRecord>> {
    const after = filter.cursor ? decodeUuidCursor(filter.cursor) : undefined;
    const rows = await listDecisions(this.db, { ...filter, after, limit: filter.limit + 1 });
    return toPage(rows, filter.limit);
  }
}
