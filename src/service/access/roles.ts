/**
 * Roles and permissions: the one table every route names. A route declares one permission; a role
 * either lacks it or holds it with a scope: `all`, `team` (a manager: only the owners of its team
 * and their leads) or `own` (an intake credential: only the leads it created). Route handlers
 * narrow their queries by the scope; the authentication hook only checks that the role holds the
 * permission at all.
 */
import { invalid } from '../errors.ts';

export const ROLES = ['admin', 'ops', 'manager', 'viewer', 'intake'] as const;
export type Role = (typeof ROLES)[number];

/** What each permission covers, in the words of docs/access.md. */
export const PERMISSIONS = {
  'leads:create': 'submit leads (single and batch)',
  'leads:read': 'read leads and their decisions',
  'leads:update': "change a lead's attributes and status",
  'leads:assign': 'assign a lead by hand or route it again',
  'touches:create': 'record a touch (call, email, meeting) on a lead',
  'decisions:read': 'read decisions and their explanations',
  'owners:read': 'read owners and their availability',
  'owners:write': 'create, edit and import owners',
  'owners:availability': 'pause, resume, out-of-office and working hours of owners',
  'accounts:read': 'read accounts',
  'accounts:write': 'create, edit and import accounts',
  'policies:read': 'read policy versions, diffs and the active policy',
  'policies:write': 'create, edit and validate policy drafts',
  'policies:simulate': 'backtest and shadow-run drafts',
  'policies:publish': 'publish a draft or roll back to an earlier version',
  'policies:approve': 'approve or reject a draft before publication',
  'webhooks:read': 'read webhook endpoints and deliveries (never their secrets)',
  'webhooks:manage': 'create, edit, rotate and delete webhook endpoints',
  'metrics:read': 'read reports and Prometheus metrics',
  'audit:read': 'read, export and verify the audit log',
  'settings:read': 'read server settings',
  'settings:write': 'change server settings',
  'tokens:read': 'list API tokens (names, roles, prefixes; never secrets)',
  'tokens:manage': 'create and revoke API tokens',
  'users:read': 'list users (never password hashes)',
  'users:manage': 'create, edit, disable users and reset passwords',
} as const satisfies Record<string, string>;
export type Permission = keyof typeof PERMISSIONS;

/** How far a held permission reaches. */
export type Scope = 'all' | 'team' | 'own';

const READS = [
  'leads:read',
  'decisions:read',
  'owners:read',
  'accounts:read',
  'policies:read',
  'webhooks:read',
  'metrics:read',
  'audit:read',
  'settings:read',
  'tokens:read',
  'users:read',
] as const satisfies readonly Permission[];

function grant(permissions: readonly Permission[], scope: Scope = 'all') {
  return Object.fromEntries(permissions.map((p) => [p, scope])) as Partial<
    Record<Permission, Scope>
  >;
}

/**
 * The permission table. Reading is open to every role but intake: secrets (token secrets,
 * password hashes, webhook signing secrets) are never returned by any read, so reading
 * everything is safe for a viewer.
 */
export const ROLE_PERMISSIONS: Readonly<
  Record<Role, Readonly<Partial<Record<Permission, Scope>>>>
> = {
  admin: grant(Object.keys(PERMISSIONS) as Permission[]),
  ops: {
    ...grant(READS),
    ...grant([
      'leads:update',
      'leads:assign',
      'touches:create',
      'owners:write',
      'owners:availability',
      'accounts:write',
      'policies:write',
      'policies:simulate',
      'policies:publish',
      'policies:approve',
      'webhooks:manage',
    ]),
  },
  manager: {
    ...grant(READS),
    ...grant(['owners:availability', 'leads:assign', 'touches:create'], 'team'),
  },
  viewer: grant(READS),
  intake: grant(['leads:create', 'leads:read', 'leads:update', 'touches:create'], 'own'),
};

/** The scope with which `role` holds `permission`, or undefined when it does not. */
export function scopeOf(role: Role, permission: Permission): Scope | undefined {
  return ROLE_PERMISSIONS[role][permission];
}

/** Whether `role` holds `permission` (in any scope). */
export function hasPermission(role: Role, permission: Permission): boolean {
  return scopeOf(role, permission) !== undefined;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && Object.hasOwn(PERMISSIONS, value);
}

/** The role named by `value`, or a validation error naming `path` and the allowed roles. */
export function parseRole(value: unknown, path = 'role'): Role {
  if (isRole(value)) return value;
  const message = `unknown role ${JSON.stringify(value)}; expected one of ${ROLES.join(', ')}`;
  throw invalid(`${path}: ${message}`, [{ path, message }]);
}

/**
 * Checks the team a credential of `role` carries: a manager needs one (its scope), the others
 * have none.
 */
export function checkTeam(
  role: Role,
  team: string | null | undefined,
  path = 'team',
): string | null {
  const t = team?.trim() || null;
  if (role === 'manager' && !t) {
    const message = 'a manager needs the team it manages';
    throw invalid(`${path}: ${message}`, [{ path, message }]);
  }
  if (role !== 'manager' && t) {
    const message = `only a manager has a team, not ${role}`;
    throw invalid(`${path}: ${message}`, [{ path, message }]);
  }
  return t;
}

/**
 * The permission table as Markdown, for docs/access.md (a test keeps the document equal to it):
 * a row per permission, a column per role; `✓` everywhere, `team` or `own` where scoped.
 */
export function renderPermissionTable(): string {
  const cell = (role: Role, p: Permission) => {
    const scope = scopeOf(role, p);
    return scope === undefined ? '—' : scope === 'all' ? '✓' : scope;
  };
  const lines = [
    `| permission | what it allows | ${ROLES.join(' | ')} |`,
    `|---|---|${ROLES.map(() => ':-:').join('|')}|`,
    ...(Object.keys(PERMISSIONS) as Permission[]).map(
      (p) => `| \`${p}\` | ${PERMISSIONS[p]} | ${ROLES.map((r) => cell(r, p)).join(' | ')} |`,
    ),
  ];
  return lines.join('\n');
}
