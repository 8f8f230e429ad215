/**
 * Who did something: a user (session), an API token, the system itself (migrations, the CLI,
 * timers) or an anonymous caller (a failed login). Every audit entry names one.
 */
import type { Role } from './roles.ts';

export type ActorKind = 'user' | 'token' | 'system' | 'anonymous';

export interface Actor {
  kind: ActorKind;
  /** The user's or token's id; for system actors a fixed name such as `cli`. */
  id: string | null;
  /** A name people recognise: the username or the token's name. */
  name: string | null;
  role: Role | null;
  /** A manager's team: the scope of its `team` permissions. */
  team: string | null;
}

/** A system actor (the CLI, start-up, a timer). */
export function systemActor(id: string, name = id): Actor {
  return { kind: 'system', id, name, role: 'admin', team: null };
}

/** The stable reference stored in `created_by` columns: `token:<id>`, `user:<id>`, `system:<id>`. */
export function actorRef(actor: Actor): string {
  return `${actor.kind}:${actor.id ?? ''}`;
}

/** Errors of authentication and authorisation: 401, 403 and 429 on the wire. */
export type AccessErrorCode = 'unauthorized' | 'forbidden' | 'rate_limited';

export const ACCESS_ERROR_STATUS: Record<AccessErrorCode, number> = {
  unauthorized: 401,
  forbidden: 403,
  rate_limited: 429,
};

/** A refused credential or permission; `statusCode` lets Fastify's own handling see its status. */
export class AccessError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: AccessErrorCode,
    message: string,
    /** Seconds before a retry may succeed (429). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'AccessError';
    this.statusCode = ACCESS_ERROR_STATUS[code];
  }
}
