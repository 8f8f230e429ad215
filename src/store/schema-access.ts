/**
 * Table types of migration 002-access.sql (users, tokens, sessions, login throttling, the audit
 * log, policy approvals, settings), for Kysely; `Database` in schema.ts extends them.
 */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;
type Json<T> = ColumnType<T, string, string>;
/** bigint comes back from node-postgres as a string (it may exceed 2^53). */
type BigIntColumn = ColumnType<string, number | string, number | string>;

export interface UsersTable {
  id: string;
  username: string;
  email: string | null;
  display_name: string | null;
  role: string;
  team: string | null;
  password_hash: string;
  disabled: Generated<boolean>;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  role: string;
  team: string | null;
  user_id: string | null;
  prefix: string;
  secret_hash: string;
  created_by: string | null;
  created_at: Generated<Date>;
  expires_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  client_address: string | null;
  created_at: Generated<Date>;
  expires_at: Timestamp;
}

export interface LoginFailuresTable {
  key: string;
  failures: number;
  total: number;
  last_failed_at: Timestamp;
}

export interface AuditLogTable {
  seq: BigIntColumn;
  at: Timestamp;
  actor_kind: string;
  actor_id: string | null;
  actor_name: string | null;
  actor_role: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  payload: NullableJson<unknown>;
  payload_hash: string;
  redacted_at: NullableTimestamp;
  request_id: string | null;
  client_address: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: Generated<number>;
  seq: BigIntColumn;
  hash: string;
  prev_hash: string;
}

export interface PolicyApprovalsTable {
  id: Generated<string>;
  policy_version: ColumnType<string, string | number, string | number>;
  content_hash: string;
  approver_kind: string;
  approver_id: string;
  approver_name: string | null;
  verdict: 'approve' | 'reject';
  comment: string | null;
  at: Generated<Date>;
  revoked_at: NullableTimestamp;
}

export interface SettingsTable {
  key: string;
  value: Json<unknown>;
  updated_by: string | null;
  updated_at: Generated<Date>;
}

/** The tables of migration 002 (part of `Database`). */
export interface AccessTables {
  users: UsersTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  policy_approvals: PolicyApprovalsTable;
  settings: SettingsTable;
}
