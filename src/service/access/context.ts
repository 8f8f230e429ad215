/**
 * The request context every change receives: who asks, under which request id, from where. The
 * service appends the change's audit entry from it, last in the change's transaction.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import { AccessError, systemActor, type Actor } from './actor.ts';
import { appendAudit } from './audit.ts';
import { scopeOf, type Permission } from './roles.ts';

/** Who asks for a change, and from where: what its audit entry records. */
export interface RequestContext {
  actor: Actor;
  requestId?: string | null;
  clientAddress?: string | null;
}

/** The context of changes made by the service itself (start-up, the demo, the CLI's loaders). */
export const SYSTEM_CONTEXT: RequestContext = { actor: systemActor('service') };

/** What one change records besides its context. */
export interface ChangeRecord {
  action: string;
  target: { type: string; id: string | null };
  before?: unknown;
  after?: unknown;
  details?: unknown;
}

/**
 * Appends the audit entry of a change in the change's transaction `tx`: call it last, just before
 * the transaction commits (the entry locks the chain's head until then).
 */
export async function recordChange(
  tx: Kysely<Database>,
  ctx: RequestContext,
  change: ChangeRecord,
): Promise<void> {
  await appendAudit(tx, {
    actor: ctx.actor,
    requestId: ctx.requestId ?? null,
    clientAddress: ctx.clientAddress ?? null,
    ...change,
  });
}

/**
 * Refuses a change outside a manager's team: `team` is the team of the owner (or of the lead's
 * owner) the change touches. Actors holding the permission for all pass.
 */
export function checkTeamScope(
  ctx: RequestContext,
  permission: Permission,
  team: string | null | undefined,
  what: string,
): void {
  const role = ctx.actor.role;
  if (!role || ctx.actor.kind === 'system') return;
  if (scopeOf(role, permission) !== 'team') return;
  if (team && team === ctx.actor.team) return;
  throw new AccessError(
    'forbidden',
    `forbidden: ${what} is not in team ${JSON.stringify(ctx.actor.team)}; a manager holds ${permission} only for its own team`,
  );
}
