-- leadrouter's initial schema. Valid on PostgreSQL 15 through 18 and on PGlite.
-- Applied once, in a transaction, by src/store/migrate.ts.

-- Change counters of the data every instance caches (owners, accounts, policies). A change bumps
-- its counter in the same transaction, so other instances see it and reload.
CREATE TABLE store_versions (
  id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  owners bigint NOT NULL DEFAULT 0,
  accounts bigint NOT NULL DEFAULT 0,
  policies bigint NOT NULL DEFAULT 0
);
INSERT INTO store_versions (id) VALUES (1);

CREATE TABLE owners (
  id text PRIMARY KEY,
  name text NOT NULL,
  email text,
  time_zone text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  paused boolean NOT NULL DEFAULT false,
  paused_until timestamptz,
  working_hours jsonb,
  out_of_office jsonb NOT NULL DEFAULT '[]',
  caps jsonb,
  skills jsonb,
  team text,
  manager text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE accounts (
  id text PRIMARY KEY,
  name text NOT NULL,
  domains jsonb NOT NULL DEFAULT '[]',
  owner_id text,
  tier text,
  strategic boolean NOT NULL DEFAULT false,
  attributes jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX accounts_owner_idx ON accounts (owner_id);

-- Policy versions: a draft is edited in place; a published version is immutable and takes effect
-- at effective_from (which may lie in the future).
CREATE TABLE policy_versions (
  id bigserial PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('draft', 'published')),
  name text,
  source text NOT NULL,
  format text NOT NULL CHECK (format IN ('yaml', 'json')),
  document jsonb NOT NULL,
  content_hash text NOT NULL,
  effective_from timestamptz,
  author text,
  note text,
  based_on bigint REFERENCES policy_versions (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz,
  CHECK (status = 'draft' OR effective_from IS NOT NULL)
);
CREATE INDEX policy_versions_effective_idx ON policy_versions (effective_from DESC, id DESC) WHERE status = 'published';

CREATE TABLE leads (
  id uuid PRIMARY KEY,
  external_id text,
  attributes jsonb NOT NULL,
  derived jsonb NOT NULL DEFAULT '{}',
  -- Lower-cased email: the key of the `sticky` target.
  email_norm text,
  status text NOT NULL,
  owner_id text,
  queue_id text,
  account_id text,
  retry_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  assigned_at timestamptz
);
-- Ids are UUIDv7 carrying their creation time (the same instant as created_at): the primary key
-- orders by time, and time ranges are id ranges, so no index on created_at is needed.
CREATE INDEX leads_owner_idx ON leads (owner_id, id) WHERE owner_id IS NOT NULL;
CREATE INDEX leads_status_idx ON leads (status, id);
CREATE INDEX leads_email_idx ON leads (email_norm, id) WHERE email_norm IS NOT NULL;
CREATE INDEX leads_external_idx ON leads (external_id) WHERE external_id IS NOT NULL;

-- One row per routing of a lead: intake, re-route, manual assignment. The explanation is the
-- engine's, whole.
CREATE TABLE decisions (
  id uuid PRIMARY KEY,
  lead_id uuid NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
  trigger text NOT NULL,
  outcome text NOT NULL,
  owner_id text,
  queue_id text,
  rule_id text,
  pool_id text,
  policy_version text,
  previous_owner_id text,
  reason text,
  actor text,
  retry_at timestamptz,
  fallback_step integer,
  account_id text,
  -- json, not jsonb: written once per decision and read whole, never queried inside.
  explanation json,
  latency_us integer,
  created_at timestamptz NOT NULL
);
CREATE INDEX decisions_lead_idx ON decisions (lead_id, id);

-- Balancing memory shared by every instance; updated under row locks.
CREATE TABLE routing_pools (
  pool_id text PRIMARY KEY,
  state jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE routing_owners (
  owner_id text PRIMARY KEY,
  open integer NOT NULL DEFAULT 0,
  day_key text NOT NULL DEFAULT '',
  day_count integer NOT NULL DEFAULT 0,
  week_key text NOT NULL DEFAULT '',
  week_count integer NOT NULL DEFAULT 0,
  last_assigned_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Idempotency keys of lead intake: the key (Idempotency-Key header or external id), a hash of the
-- request body, and the lead and decision it produced.
CREATE TABLE idempotency_keys (
  key text PRIMARY KEY,
  request_hash text NOT NULL,
  lead_id uuid NOT NULL,
  decision_id uuid,
  created_at timestamptz NOT NULL DEFAULT now()
);
