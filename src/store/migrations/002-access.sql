-- Access control and the audit log: users, API tokens, sessions, login throttling, the
-- tamper-evident audit log, policy approvals and server settings. Valid on PostgreSQL 15 through 18
-- and on PGlite. See docs/access.md.

-- Credentials change rarely and are cached by every instance: this counter is bumped in the
-- transaction of every token or user change (revocation above all), and instances reread it at
-- most once a second to drop their cache.
ALTER TABLE store_versions ADD COLUMN credentials bigint NOT NULL DEFAULT 0;

-- Intake tokens read only the leads they created: the actor that created the lead
-- (`token:<id>` or `user:<id>`).
ALTER TABLE leads ADD COLUMN created_by text;
CREATE INDEX leads_created_by_idx ON leads (created_by, id) WHERE created_by IS NOT NULL;

CREATE TABLE users (
  id uuid PRIMARY KEY,
  username text NOT NULL,
  email text,
  display_name text,
  role text NOT NULL CHECK (role IN ('admin', 'ops', 'manager', 'viewer', 'intake')),
  -- The team a manager manages (owners.team); null for the other roles.
  team text,
  -- scrypt$N$r$p$salt$hash (base64url); never returned by any API.
  password_hash text NOT NULL,
  disabled boolean NOT NULL DEFAULT false,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (role <> 'manager' OR team IS NOT NULL)
);
CREATE UNIQUE INDEX users_username_idx ON users (lower(username));

CREATE TABLE api_tokens (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'ops', 'manager', 'viewer', 'intake')),
  team text,
  -- A token may act for a user (its owner); a token without one is a service credential.
  user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  -- The first characters of the token (`lr_live_AbCd`), to recognise it in lists and logs.
  prefix text NOT NULL,
  -- SHA-256 of the whole token, hex. The secret itself is shown once and never stored.
  secret_hash text NOT NULL UNIQUE,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz,
  CHECK (role <> 'manager' OR team IS NOT NULL)
);

-- Dashboard sessions: the cookie carries a random id, the table only its SHA-256.
CREATE TABLE sessions (
  id_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  client_address text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Failed logins, per key (`user:<lower username>` or `addr:<client address>`): the count since the
-- last success and the last failure, from which the next allowed attempt is computed.
CREATE TABLE login_failures (
  key text PRIMARY KEY,
  failures integer NOT NULL DEFAULT 0,
  total integer NOT NULL DEFAULT 0,
  last_failed_at timestamptz NOT NULL
);

-- The audit log: append-only, hash-chained. hash = sha256(prev_hash ‖ seq ‖ metadata JSON ‖
-- payload_hash) (src/service/access/audit.ts); the payload (before/after) is hashed on its own so
-- that redacting it for a privacy erasure leaves the chain verifiable.
CREATE TABLE audit_log (
  seq bigint PRIMARY KEY,
  at timestamptz NOT NULL,
  actor_kind text NOT NULL CHECK (actor_kind IN ('user', 'token', 'system', 'anonymous')),
  actor_id text,
  actor_name text,
  actor_role text,
  action text NOT NULL,
  target_type text,
  target_id text,
  payload jsonb,
  payload_hash text NOT NULL,
  redacted_at timestamptz,
  request_id text,
  client_address text,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX audit_log_at_idx ON audit_log (at, seq);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, seq);
CREATE INDEX audit_log_action_idx ON audit_log (action, seq);
CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id, seq);

-- The chain's head: the last seq and hash. Appending updates this one row, which serialises
-- writers (the row lock is held to commit) so the chain cannot fork, and lets verification notice
-- entries removed from the end.
CREATE TABLE audit_head (
  id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  seq bigint NOT NULL DEFAULT 0,
  hash text NOT NULL,
  prev_hash text NOT NULL
);
INSERT INTO audit_head (id, seq, hash, prev_hash)
VALUES (1, 0, repeat('0', 64), repeat('0', 64));

-- No UPDATE or DELETE on the log, except one kind of update: a redaction (privacy erasure) that
-- only clears the payload and sets redacted_at, and only in a transaction that ran
-- `SET LOCAL leadrouter.audit_redaction = 'on'` (redactAuditEntry does). Everything else, and
-- TRUNCATE, is refused. A superuser can still disable the trigger: verification catches that.
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Nested: NEW and OLD do not exist for TRUNCATE or DELETE.
  IF TG_OP = 'UPDATE' AND coalesce(current_setting('leadrouter.audit_redaction', true), '') = 'on' THEN
    IF NEW.payload IS NULL AND NEW.redacted_at IS NOT NULL AND OLD.redacted_at IS NULL
     AND NEW.seq = OLD.seq AND NEW.at = OLD.at AND NEW.actor_kind = OLD.actor_kind
     AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
     AND NEW.actor_name IS NOT DISTINCT FROM OLD.actor_name
     AND NEW.actor_role IS NOT DISTINCT FROM OLD.actor_role
     AND NEW.action = OLD.action
     AND NEW.target_type IS NOT DISTINCT FROM OLD.target_type
     AND NEW.target_id IS NOT DISTINCT FROM OLD.target_id
     AND NEW.payload_hash = OLD.payload_hash
     AND NEW.request_id IS NOT DISTINCT FROM OLD.request_id
     AND NEW.client_address IS NOT DISTINCT FROM OLD.client_address
     AND NEW.prev_hash = OLD.prev_hash AND NEW.hash = OLD.hash THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = '42501';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- Approvals of a policy draft before publication. An approval is of the draft's content
-- (content_hash): editing the draft revokes the approvals given so far (revoked_at).
-- How many a publication needs is the setting `policies.required_approvals` (0 = none).
CREATE TABLE policy_approvals (
  id bigserial PRIMARY KEY,
  policy_version bigint NOT NULL REFERENCES policy_versions (id) ON DELETE CASCADE,
  content_hash text NOT NULL,
  approver_kind text NOT NULL CHECK (approver_kind IN ('user', 'token')),
  approver_id text NOT NULL,
  approver_name text,
  verdict text NOT NULL CHECK (verdict IN ('approve', 'reject')),
  comment text,
  at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE UNIQUE INDEX policy_approvals_current_idx
  ON policy_approvals (policy_version, approver_kind, approver_id) WHERE revoked_at IS NULL;

-- Server settings, one JSON value per key (`policies.required_approvals`, rate limits…).
CREATE TABLE settings (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_by text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO settings (key, value) VALUES ('policies.required_approvals', '0');
