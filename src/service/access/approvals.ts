/**
 * Approvals of policy drafts: how many a publication needs (the server setting
 * `policies.required_approvals`), how many a draft's current content has, and their revocation
 * when the draft is edited.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import type { Actor } from './actor.ts';

type Db = Kysely<Database>;

/** The setting that says how many approvals a publication needs (0: none). */
export const REQUIRED_APPROVALS_SETTING = 'policies.required_approvals';

/** How many approvals a publication needs now. */
export async function readRequiredApprovals(db: Db): Promise<number> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', REQUIRED_APPROVALS_SETTING)
    .executeTakeFirst();
  const n = Number(row?.value ?? 0);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/**
 * The standing approvals and rejections of a draft's content; `excluding` (the publisher) does not
 * count: approvals are by others.
 */
export async function countApprovals(
  db: Db,
  version: string,
  contentHash: string,
  excluding?: Actor,
): Promise<{ approvals: number; rejections: number }> {
  let query = db
    .selectFrom('policy_approvals')
    .select([
      sql<string>`count(*) filter (where verdict = 'approve')`.as('approvals'),
      sql<string>`count(*) filter (where verdict = 'reject')`.as('rejections'),
    ])
    .where('policy_version', '=', version)
    .where('content_hash', '=', contentHash)
    .where('revoked_at', 'is', null);
  if (excluding?.id) {
    query = query.where((eb) =>
      eb.not(
        eb.and([eb('approver_kind', '=', excluding.kind), eb('approver_id', '=', excluding.id!)]),
      ),
    );
  }
  const row = await query.executeTakeFirstOrThrow();
  return { approvals: Number(row.approvals), rejections: Number(row.rejections) };
}

/** Revokes every standing verdict on a draft (it was edited); returns how many. */
export async function revokeApprovals(db: Db, version: string, now: number): Promise<number> {
  const result = await db
    .updateTable('policy_approvals')
    .set({ revoked_at: new Date(now) })
    .where('policy_version', '=', version)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
