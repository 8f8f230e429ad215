/**
 * Policy versions. A draft is edited in place; publishing freezes it with an effective date.
 * The version in force at time t is the published version with the latest `effective_from` ≤ t
 * (the later-published wins a tie).
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, PolicyVersionsTable } from './schema.ts';
import { bumpVersion } from './versions-repo.ts';

export interface PolicyVersionRecord {
  id: string;
  status: 'draft' | 'published';
  name: string | null;
  /** The document as written (YAML or JSON text). */
  source: string;
  format: 'yaml' | 'json';
  /** The parsed document. */
  document: unknown;
  contentHash: string;
  effectiveFrom: string | null;
  author: string | null;
  note: string | null;
  basedOn: string | null;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
}

/** A published version's place in the schedule. */
export interface ScheduledVersion {
  id: string;
  effectiveFrom: number;
}

type Db = Kysely<Database>;

export interface DraftInput {
  name: string | null;
  source: string;
  format: 'yaml' | 'json';
  document: unknown;
  contentHash: string;
  author: string | null;
  note: string | null;
  basedOn: string | null;
}

export async function insertDraft(db: Db, draft: DraftInput): Promise<PolicyVersionRecord> {
  const row = await db
    .insertInto('policy_versions')
    .values({
      status: 'draft',
      name: draft.name,
      source: draft.source,
      format: draft.format,
      document: JSON.stringify(draft.document),
      content_hash: draft.contentHash,
      author: draft.author,
      note: draft.note,
      based_on: draft.basedOn,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRecord(row);
}

/** Replaces a draft's content; undefined when the id is not a draft (published or missing). */
export async function updateDraft(
  db: Db,
  id: string,
  draft: Partial<DraftInput>,
): Promise<PolicyVersionRecord | undefined> {
  const row = await db
    .updateTable('policy_versions')
    .set({
      ...(draft.name !== undefined && { name: draft.name }),
      ...(draft.source !== undefined && { source: draft.source }),
      ...(draft.format !== undefined && { format: draft.format }),
      ...(draft.document !== undefined && { document: JSON.stringify(draft.document) }),
      ...(draft.contentHash !== undefined && { content_hash: draft.contentHash }),
      ...(draft.author !== undefined && { author: draft.author }),
      ...(draft.note !== undefined && { note: draft.note }),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .returningAll()
    .executeTakeFirst();
  return row && toRecord(row);
}

/**
 * One version by id. `lock` holds its row for the rest of the transaction (publishing checks a
 * version, then updates it).
 */
export async function findPolicyVersion(
  db: Db,
  id: string,
  options: { lock?: boolean } = {},
): Promise<PolicyVersionRecord | undefined> {
  let query = db.selectFrom('policy_versions').selectAll().where('id', '=', id);
  if (options.lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && toRecord(row);
}

/** Newest first; `beforeId` continues a listing. */
export async function listPolicyVersions(
  db: Db,
  options: { status?: 'draft' | 'published'; beforeId?: string; limit: number },
): Promise<PolicyVersionRecord[]> {
  let query = db
    .selectFrom('policy_versions')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(options.limit);
  if (options.status) query = query.where('status', '=', options.status);
  if (options.beforeId !== undefined) query = query.where('id', '<', options.beforeId);
  return (await query.execute()).map(toRecord);
}

/** Freezes a draft with its effective date and bumps the policies counter. */
export async function markPublished(
  db: Db,
  id: string,
  fields: { effectiveFrom: Date; author: string | null; note: string | null },
): Promise<PolicyVersionRecord> {
  const row = await db
    .updateTable('policy_versions')
    .set({
      status: 'published',
      effective_from: fields.effectiveFrom,
      published_at: sql<Date>`now()`,
      updated_at: sql<Date>`now()`,
      ...(fields.author !== null && { author: fields.author }),
      ...(fields.note !== null && { note: fields.note }),
    })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .returningAll()
    .executeTakeFirstOrThrow();
  await bumpVersion(db, 'policies');
  return toRecord(row);
}

/** Every published version's effective date, in the order they take effect. */
export async function listSchedule(db: Db): Promise<ScheduledVersion[]> {
  const rows = await db
    .selectFrom('policy_versions')
    .select(['id', 'effective_from'])
    .where('status', '=', 'published')
    .orderBy('effective_from')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, effectiveFrom: r.effective_from!.getTime() }));
}

/** The published version in force at `at`, if any. */
export async function findVersionInForce(
  db: Db,
  at: Date,
): Promise<PolicyVersionRecord | undefined> {
  const row = await db
    .selectFrom('policy_versions')
    .selectAll()
    .where('status', '=', 'published')
    .where('effective_from', '<=', at)
    .orderBy('effective_from', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && toRecord(row);
}

function toRecord(row: Selectable<PolicyVersionsTable>): PolicyVersionRecord {
  return {
    id: String(row.id),
    status: row.status,
    name: row.name,
    source: row.source,
    format: row.format,
    document: row.document,
    contentHash: row.content_hash,
    effectiveFrom: row.effective_from?.toISOString() ?? null,
    author: row.author,
    note: row.note,
    basedOn: row.based_on === null ? null : String(row.based_on),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    publishedAt: row.published_at?.toISOString() ?? null,
  };
}
