/**
 * The access service: API tokens, users, sessions and logins, and the credential cache that lets
 * every request be authenticated without a database read.
 *
 * Caching and revocation: verified tokens are kept in memory, keyed by the token's hash. A change
 * to any credential (a token created or revoked, a user disabled) bumps
 * `store_versions.credentials` in its transaction. This instance drops its cache at once; every
 * instance rereads the counter at most once a second (single flight, awaited by the request that
 * finds it stale) and drops its cache when it moved. So a revocation takes effect here immediately
 * and everywhere within about a second.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../../store/schema.ts';
import type { ApiTokensTable, UsersTable } from '../../store/schema-access.ts';
import { createId } from '../../store/ids.ts';
import { sqlState } from '../../store/db-errors.ts';
import { invalid, notFound, ServiceError } from '../errors.ts';
import { AccessError, actorRef, type Actor } from './actor.ts';
import {
  appendAudit,
  exportAuditCsv,
  exportAuditJsonLines,
  listAudit,
  verifyAuditChain,
  type AuditFilter,
} from './audit.ts';
import type { RequestContext } from './context.ts';
import { sha256Hex } from '../canonical-json.ts';
import { dummyPasswordHash, hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import { checkTeam, parseRole, ROLES, type Role } from './roles.ts';
import {
  generateTokenSecret,
  hashToken,
  isWellFormedToken,
  TOKEN_DISPLAY_LENGTH,
} from './tokens.ts';

type Db = Kysely<Database>;

/** Who asks for a change, and from where (the service's one request context). */
export type AccessContext = RequestContext;

/** A token as listed: never its secret. */
export interface TokenInfo {
  id: string;
  name: string;
  role: Role;
  team: string | null;
  user_id: string | null;
  prefix: string;
  created_by: string | null;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** A user as listed: never the password hash. */
export interface UserInfo {
  id: string;
  username: string;
  email: string | null;
  display_name: string | null;
  role: Role;
  team: string | null;
  disabled: boolean;
  created_at: string;
  updated_at: string;
}

/** A started session: the cookie value (shown once) and the CSRF token the dashboard sends back. */
export interface StartedSession {
  sessionId: string;
  csrfToken: string;
  expiresAt: Date;
  user: UserInfo;
}

/** An authenticated session. */
export interface SessionActor {
  actor: Actor;
  csrfToken: string;
  expiresAt: Date;
}

export interface AccessOptions {
  clock?: () => number;
  /** How often the credentials counter is reread (ms); default 1000. */
  versionCheckMs?: number;
  /** At most one last-used write per token per this many ms; default 60,000. */
  lastUsedIntervalMs?: number;
  /** Cached tokens (known and unknown) kept at most; default 10,000. */
  maxCachedTokens?: number;
  /** Session lifetime (ms); default 12 hours. */
  sessionTtlMs?: number;
  /** Failed logins per username or address before delays start; default 3. */
  freeLoginFailures?: number;
  /** scrypt cost override (tests); default passwords.ts SCRYPT_PARAMS. */
  scrypt?: { N: number; r: number; p: number };
}

interface CachedToken {
  actor: Actor;
  expiresAt: number | null;
  revoked: boolean;
  lastUsedWritten: number;
}

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
/** Failures older than this are forgotten at the next failure. */
const FAILURE_MEMORY_MS = 15 * 60_000;
const MAX_LOGIN_DELAY_S = 15 * 60;

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}

function toTokenInfo(row: Selectable<ApiTokensTable>): TokenInfo {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    team: row.team,
    user_id: row.user_id,
    prefix: row.prefix,
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
    expires_at: iso(row.expires_at),
    last_used_at: iso(row.last_used_at),
    revoked_at: iso(row.revoked_at),
  };
}

function toUserInfo(row: Selectable<UsersTable>): UserInfo {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    display_name: row.display_name,
    role: row.role as Role,
    team: row.team,
    disabled: row.disabled,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

function unauthorized(message: string): AccessError {
  return new AccessError('unauthorized', message);
}

/** Bumps the credentials counter in the caller's transaction. */
async function bumpCredentials(tx: Db): Promise<void> {
  await sql`update store_versions set credentials = credentials + 1 where id = 1`.execute(tx);
}

/** The seconds to wait after `failures` failed logins (none for the first few). */
export function loginDelaySeconds(failures: number, free = 3): number {
  return failures < free ? 0 : Math.min(2 ** (failures - free), MAX_LOGIN_DELAY_S);
}

/** Creates the access service on a database. */
export function createAccess(db: Db, options: AccessOptions = {}) {
  const clock = options.clock ?? Date.now;
  const versionCheckMs = options.versionCheckMs ?? 1000;
  const lastUsedIntervalMs = options.lastUsedIntervalMs ?? 60_000;
  const maxCached = options.maxCachedTokens ?? 10_000;
  const sessionTtlMs = options.sessionTtlMs ?? 12 * 3_600_000;
  const freeFailures = options.freeLoginFailures ?? 3;

  /** hash → token, or null for a hash no token has (so a flood of bad tokens stays in memory). */
  const cache = new Map<string, CachedToken | null>();
  let knownVersion: string | undefined;
  let checkedAt = -Infinity;
  let checking: Promise<void> | undefined;
  const pendingWrites = new Set<Promise<unknown>>();

  async function freshen(): Promise<void> {
    if (clock() - checkedAt < versionCheckMs) return;
    checking ??= (async () => {
      try {
        const row = await db
          .selectFrom('store_versions')
          .select('credentials')
          .where('id', '=', 1)
          .executeTakeFirstOrThrow();
        if (row.credentials !== knownVersion) cache.clear();
        knownVersion = row.credentials;
        checkedAt = clock();
      } finally {
        checking = undefined;
      }
    })();
    await checking;
  }

  function remember(hash: string, entry: CachedToken | null): void {
    if (cache.size >= maxCached) {
      // Oldest first: a Map iterates in insertion order.
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
    cache.set(hash, entry);
  }

  async function loadToken(hash: string): Promise<CachedToken | null> {
    const row = await db
      .selectFrom('api_tokens as t')
      .leftJoin('users as u', 'u.id', 't.user_id')
      .select([
        't.id',
        't.name',
        't.role',
        't.team',
        't.expires_at',
        't.revoked_at',
        't.last_used_at',
        'u.disabled',
      ])
      .where('t.secret_hash', '=', hash)
      .executeTakeFirst();
    if (!row) return null;
    return {
      actor: { kind: 'token', id: row.id, name: row.name, role: row.role as Role, team: row.team },
      expiresAt: row.expires_at?.getTime() ?? null,
      // A token acting for a disabled user stops with it.
      revoked: row.revoked_at !== null || row.disabled === true,
      lastUsedWritten: row.last_used_at?.getTime() ?? -Infinity,
    };
  }

  function touchLastUsed(entry: CachedToken, now: number): void {
    if (now - entry.lastUsedWritten < lastUsedIntervalMs) return;
    entry.lastUsedWritten = now;
    // Not awaited: the request does not wait for bookkeeping; failures only delay the stamp.
    const write = db
      .updateTable('api_tokens')
      .set({ last_used_at: new Date(now) })
      .where('id', '=', entry.actor.id!)
      .execute()
      .catch(() => undefined)
      .finally(() => pendingWrites.delete(write));
    pendingWrites.add(write);
  }

  /** The actor of a bearer token, or an AccessError (401) saying what is wrong with it. */
  async function authenticateToken(secret: string): Promise<Actor> {
    if (!isWellFormedToken(secret)) {
      throw unauthorized('malformed API token: expected lr_live_ followed by 43 characters');
    }
    await freshen();
    const hash = hashToken(secret);
    let entry = cache.get(hash);
    if (entry === undefined) {
      entry = await loadToken(hash);
      remember(hash, entry);
    }
    if (entry === null) throw unauthorized('unknown API token');
    if (entry.revoked) throw unauthorized('API token revoked');
    const now = clock();
    if (entry.expiresAt !== null && entry.expiresAt <= now) throw unauthorized('API token expired');
    touchLastUsed(entry, now);
    return entry.actor;
  }

  async function insertToken(
    tx: Db,
    input: {
      name: string;
      role: Role;
      team: string | null;
      userId?: string | null;
      expiresAt?: Date | null;
    },
    ctx: AccessContext,
  ): Promise<{ token: TokenInfo; secret: string }> {
    const secret = generateTokenSecret();
    const row = await tx
      .insertInto('api_tokens')
      .values({
        id: createId(clock()),
        name: input.name,
        role: input.role,
        team: input.team,
        user_id: input.userId ?? null,
        prefix: secret.slice(0, TOKEN_DISPLAY_LENGTH),
        secret_hash: hashToken(secret),
        created_by: actorRef(ctx.actor),
        created_at: new Date(clock()),
        expires_at: input.expiresAt ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const token = toTokenInfo(row);
    await bumpCredentials(tx);
    await appendAudit(tx, {
      ...auditContext(ctx),
      action: 'token.create',
      target: { type: 'token', id: token.id },
      after: token,
    });
    return { token, secret };
  }

  function auditContext(ctx: AccessContext) {
    return {
      actor: ctx.actor,
      requestId: ctx.requestId ?? null,
      clientAddress: ctx.clientAddress ?? null,
    };
  }

  /**
   * Creates a token; the secret is returned once and never again. Bad input (an unknown role, a
   * manager without a team, an expiry in the past) is a validation error and writes nothing.
   */
  async function createToken(
    input: {
      name: string;
      role: unknown;
      team?: string | null;
      expiresAt?: Date | null;
      userId?: string | null;
    },
    ctx: AccessContext,
  ): Promise<{ token: TokenInfo; secret: string }> {
    const role = parseRole(input.role);
    const team = checkTeam(role, input.team);
    const name = input.name?.trim();
    if (!name || name.length > 100) {
      const message = 'a name of 1 to 100 characters is required';
      throw invalid(`name: ${message}`, [{ path: 'name', message }]);
    }
    if (input.expiresAt && input.expiresAt.getTime() <= clock()) {
      const message = 'the expiry must lie in the future';
      throw invalid(`expires_at: ${message}`, [{ path: 'expires_at', message }]);
    }
    const created = await db
      .transaction()
      .execute((tx) => insertToken(tx, { ...input, name, role, team }, ctx));
    cache.clear();
    return created;
  }

  /** Every token, newest first (revoked ones included, marked). */
  async function listTokens(): Promise<TokenInfo[]> {
    const rows = await db.selectFrom('api_tokens').selectAll().orderBy('id', 'desc').execute();
    return rows.map(toTokenInfo);
  }

  /** Revokes a token: refused here at once, on every instance within about a second. */
  async function revokeToken(id: string, ctx: AccessContext): Promise<TokenInfo> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound('token', id);
    const token = await db.transaction().execute(async (tx) => {
      const before = await tx
        .selectFrom('api_tokens')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!before) throw notFound('token', id);
      if (before.revoked_at) return toTokenInfo(before);
      const after = await tx
        .updateTable('api_tokens')
        .set({ revoked_at: new Date(clock()) })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await bumpCredentials(tx);
      await appendAudit(tx, {
        ...auditContext(ctx),
        action: 'token.revoke',
        target: { type: 'token', id },
        before: toTokenInfo(before),
        after: toTokenInfo(after),
      });
      return toTokenInfo(after);
    });
    cache.clear();
    return token;
  }

  /**
   * On a database with neither a user nor a token: creates an admin token and returns its secret
   * (to print once). Otherwise undefined. Instances starting together create one between them.
   */
  async function ensureBootstrapAdmin(): Promise<{ token: TokenInfo; secret: string } | undefined> {
    const created = await db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK_KEY}::bigint)`.execute(tx);
      const any = await sql<{ found: boolean }>`
        select exists (select 1 from users) or exists (select 1 from api_tokens) as found`.execute(
        tx,
      );
      if (any.rows[0]?.found) return undefined;
      return insertToken(
        tx,
        { name: 'bootstrap admin', role: 'admin', team: null },
        { actor: { kind: 'system', id: 'bootstrap', name: 'bootstrap', role: null, team: null } },
      );
    });
    if (created) cache.clear();
    return created;
  }

  /** One fresh token per role, for the demo; the manager's team is `managerTeam`. */
  async function createDemoTokens(
    managerTeam = 'demo',
  ): Promise<Array<{ role: Role; token: TokenInfo; secret: string }>> {
    const ctx: AccessContext = {
      actor: { kind: 'system', id: 'demo', name: 'demo', role: null, team: null },
    };
    const created = await db.transaction().execute(async (tx) => {
      const out: Array<{ role: Role; token: TokenInfo; secret: string }> = [];
      for (const role of ROLES) {
        const team = role === 'manager' ? managerTeam : null;
        const made = await insertToken(tx, { name: `demo ${role}`, role, team }, ctx);
        out.push({ role, ...made });
      }
      return out;
    });
    cache.clear();
    return created;
  }

  /** Creates a user with a password (checked: 12 to 1,024 characters). */
  async function createUser(
    input: {
      username: string;
      role: unknown;
      password: string;
      team?: string | null;
      displayName?: string | null;
      email?: string | null;
    },
    ctx: AccessContext,
  ): Promise<UserInfo> {
    const role = parseRole(input.role);
    const team = checkTeam(role, input.team);
    const details = [];
    if (!USERNAME.test(input.username ?? '')) {
      details.push({
        path: 'username',
        message: 'expected 1 to 64 letters, digits, dots, dashes, underscores or @',
      });
    }
    const problem = passwordProblem(input.password ?? '');
    if (problem) details.push({ path: 'password', message: problem });
    if (details.length) {
      throw invalid(details.map((d) => `${d.path}: ${d.message}`).join('; '), details);
    }
    const passwordHash = await hashPassword(input.password, options.scrypt);
    try {
      const user = await db.transaction().execute(async (tx) => {
        const now = new Date(clock());
        const row = await tx
          .insertInto('users')
          .values({
            id: createId(clock()),
            username: input.username,
            email: input.email ?? null,
            display_name: input.displayName ?? null,
            role,
            team,
            password_hash: passwordHash,
            created_by: actorRef(ctx.actor),
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        const info = toUserInfo(row);
        await bumpCredentials(tx);
        await appendAudit(tx, {
          ...auditContext(ctx),
          action: 'user.create',
          target: { type: 'user', id: info.id },
          after: info,
        });
        return info;
      });
      cache.clear();
      return user;
    } catch (error) {
      if (sqlState(error) === '23505') {
        throw new ServiceError('conflict', `username ${JSON.stringify(input.username)} is taken`, [
          { path: 'username', message: 'taken' },
        ]);
      }
      throw error;
    }
  }

  async function listUsers(): Promise<UserInfo[]> {
    const rows = await db.selectFrom('users').selectAll().orderBy('username').execute();
    return rows.map(toUserInfo);
  }

  /** Enables or disables a user; a disabled user's sessions and tokens stop working. */
  async function setUserDisabled(
    id: string,
    disabled: boolean,
    ctx: AccessContext,
  ): Promise<UserInfo> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound('user', id);
    const user = await db.transaction().execute(async (tx) => {
      const before = await tx
        .selectFrom('users')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!before) throw notFound('user', id);
      const after = await tx
        .updateTable('users')
        .set({ disabled, updated_at: new Date(clock()) })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (disabled) await tx.deleteFrom('sessions').where('user_id', '=', id).execute();
      await bumpCredentials(tx);
      await appendAudit(tx, {
        ...auditContext(ctx),
        action: disabled ? 'user.disable' : 'user.enable',
        target: { type: 'user', id },
        before: toUserInfo(before),
        after: toUserInfo(after),
      });
      return toUserInfo(after);
    });
    cache.clear();
    return user;
  }

  /** The delay still to wait (s) before another login attempt for this key, 0 when none. */
  function waitFor(row: { failures: number; last_failed_at: Date } | undefined): number {
    if (!row) return 0;
    const now = clock();
    if (now - row.last_failed_at.getTime() > FAILURE_MEMORY_MS) return 0;
    const until =
      row.last_failed_at.getTime() + loginDelaySeconds(row.failures, freeFailures) * 1000;
    return Math.max(0, Math.ceil((until - now) / 1000));
  }

  async function recordFailure(
    keys: string[],
    username: string,
    ctx: AccessContext,
    reason: string,
  ) {
    const now = new Date(clock());
    const forgetBefore = new Date(clock() - FAILURE_MEMORY_MS);
    await db.transaction().execute(async (tx) => {
      for (const key of keys) {
        await tx
          .insertInto('login_failures')
          .values({ key, failures: 1, total: 1, last_failed_at: now })
          .onConflict((oc) =>
            oc.column('key').doUpdateSet({
              failures: sql`case when login_failures.last_failed_at < ${forgetBefore}
                then 1 else login_failures.failures + 1 end`,
              total: sql`login_failures.total + 1`,
              last_failed_at: now,
            }),
          )
          .execute();
      }
      await appendAudit(tx, {
        ...auditContext(ctx),
        action: 'auth.login_failed',
        target: { type: 'user', id: username },
        details: { reason },
      });
    });
  }

  /**
   * Checks a username and password and starts a session. Failed attempts are counted per username
   * and per client address; after three, each further attempt must wait twice as long as the last
   * (1 s, 2 s, 4 s… up to 15 minutes): an attempt too early is refused (429 with Retry-After)
   * without checking the password. A success clears the username's count.
   */
  async function login(input: {
    username: string;
    password: string;
    clientAddress?: string | null;
    requestId?: string | null;
  }): Promise<StartedSession> {
    const username = String(input.username ?? '').slice(0, 200);
    const userKey = `user:${username.toLowerCase()}`;
    const addrKey = `addr:${input.clientAddress ?? 'unknown'}`;
    const anonymous: AccessContext = {
      actor: { kind: 'anonymous', id: null, name: username, role: null, team: null },
      requestId: input.requestId,
      clientAddress: input.clientAddress,
    };
    const counts = await db
      .selectFrom('login_failures')
      .select(['key', 'failures', 'last_failed_at'])
      .where('key', 'in', [userKey, addrKey])
      .execute();
    const wait = Math.max(...counts.map(waitFor), 0);
    if (wait > 0) {
      throw new AccessError('rate_limited', `too many failed logins: retry in ${wait} s`, wait);
    }
    const row = await db
      .selectFrom('users')
      .selectAll()
      .where(sql<string>`lower(username)`, '=', username.toLowerCase())
      .executeTakeFirst();
    // The password is always checked, against a dummy hash for an unknown user: the answer takes
    // as long whether or not the username exists.
    const ok = await verifyPassword(
      String(input.password ?? ''),
      row?.password_hash ?? (await dummyPasswordHash()),
    );
    if (!row || !ok || row.disabled) {
      await recordFailure(
        [userKey, addrKey],
        username,
        anonymous,
        !row ? 'unknown user' : !ok ? 'wrong password' : 'user disabled',
      );
      throw unauthorized('invalid username or password');
    }
    const sessionId = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const expiresAt = new Date(clock() + sessionTtlMs);
    const user = toUserInfo(row);
    await db.transaction().execute(async (tx) => {
      await tx.deleteFrom('login_failures').where('key', '=', userKey).execute();
      await tx
        .insertInto('sessions')
        .values({
          id_hash: sha256Hex(sessionId),
          user_id: row.id,
          csrf_token: csrfToken,
          client_address: input.clientAddress ?? null,
          created_at: new Date(clock()),
          expires_at: expiresAt,
        })
        .execute();
      await appendAudit(tx, {
        actor: { kind: 'user', id: row.id, name: row.username, role: user.role, team: row.team },
        action: 'auth.login',
        target: { type: 'user', id: row.id },
        requestId: input.requestId ?? null,
        clientAddress: input.clientAddress ?? null,
      });
    });
    return { sessionId, csrfToken, expiresAt, user };
  }

  /** The session behind a cookie value, or an AccessError (401). */
  async function authenticateSession(sessionId: string): Promise<SessionActor> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(sessionId)) throw unauthorized('malformed session cookie');
    const row = await db
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select([
        's.csrf_token',
        's.expires_at',
        'u.id',
        'u.username',
        'u.role',
        'u.team',
        'u.disabled',
      ])
      .where('s.id_hash', '=', sha256Hex(sessionId))
      .executeTakeFirst();
    if (!row) throw unauthorized('unknown or ended session: log in again');
    if (row.expires_at.getTime() <= clock()) throw unauthorized('session expired: log in again');
    if (row.disabled) throw unauthorized('user disabled');
    return {
      actor: {
        kind: 'user',
        id: row.id,
        name: row.username,
        role: row.role as Role,
        team: row.team,
      },
      csrfToken: row.csrf_token,
      expiresAt: row.expires_at,
    };
  }

  /** Ends a session (logout). */
  async function endSession(sessionId: string): Promise<void> {
    await db.deleteFrom('sessions').where('id_hash', '=', sha256Hex(sessionId)).execute();
  }

  /** Records a refused permission (a failed authorisation) in the audit log. */
  async function recordDenial(
    ctx: AccessContext,
    refused: { permission: string; route: string; url: string },
  ): Promise<void> {
    await appendAudit(db, {
      ...auditContext(ctx),
      action: 'auth.denied',
      target: { type: 'route', id: refused.route },
      details: { permission: refused.permission, url: refused.url },
    });
  }

  /** Waits for pending last-used writes (tests, shutdown). */
  async function flush(): Promise<void> {
    await Promise.all([...pendingWrites]);
  }

  /** The audit log, read: a page, the exports, the chain's verification. */
  const audit = {
    list: (filter: Parameters<typeof listAudit>[1]) => listAudit(db, filter),
    exportCsv: (filter: AuditFilter) => exportAuditCsv(db, filter),
    exportJsonLines: (filter: AuditFilter) => exportAuditJsonLines(db, filter),
    verify: () => verifyAuditChain(db),
  };

  return {
    audit,
    authenticateToken,
    createToken,
    listTokens,
    revokeToken,
    ensureBootstrapAdmin,
    createDemoTokens,
    createUser,
    listUsers,
    setUserDisabled,
    login,
    authenticateSession,
    endSession,
    recordDenial,
    flush,
  };
}

/** The access service's interface. */
export type Access = ReturnType<typeof createAccess>;

/** Whether a CSRF token sent with a request matches the session's (constant time). */
export function csrfMatches(expected: string, sent: string | undefined): boolean {
  if (!sent) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Advisory lock key of the bootstrap admin's creation (arbitrary constant). */
const BOOTSTRAP_LOCK_KEY = 7_302_114_552;
