-- The lead's life after routing: durable timers, SLA events and escalations, touches, the
-- transactional outbox and webhook delivery. Valid on PostgreSQL 15 through 18 and on PGlite.

-- Durable timers (SLA warnings and breaches, parked-lead retries), swept by every instance with
-- `SELECT … FOR UPDATE SKIP LOCKED` in due order. A timer is written in the transaction of the
-- decision that starts it, and deleted in the transaction of the handler that fires it.
CREATE TABLE timers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- `sla.warning`, `sla.breach`, `lead.retry`…: the handler that fires it.
  kind text NOT NULL,
  lead_id uuid REFERENCES leads (id) ON DELETE CASCADE,
  -- The owner whose clock it runs on: an owner's working hours changing moves their timers.
  owner_id text,
  sla text,
  step integer NOT NULL DEFAULT 0,
  due_at timestamptz NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  -- Failed firings (the handler threw): the timer is moved later, never dropped.
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX timers_due_idx ON timers (due_at, id);
CREATE INDEX timers_lead_idx ON timers (lead_id, kind) WHERE lead_id IS NOT NULL;
CREATE INDEX timers_owner_idx ON timers (owner_id) WHERE owner_id IS NOT NULL;

-- What an SLA timer did when it fired. The unique key is what makes a timer fire once in effect:
-- a second firing of the same deadline cannot commit. `clock` is `assign` (created → assigned) or
-- `first_response` (assigned → first touch); `step` numbers the deadlines of one clock on one lead.
CREATE TABLE sla_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  lead_id uuid NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
  sla text NOT NULL,
  clock text NOT NULL CHECK (clock IN ('assign', 'first_response')),
  kind text NOT NULL CHECK (kind IN ('warning', 'breach')),
  step integer NOT NULL DEFAULT 0,
  owner_id text,
  due_at timestamptz NOT NULL,
  at timestamptz NOT NULL,
  UNIQUE (lead_id, sla, clock, kind, step)
);

-- One row per escalation step taken on a lead: what was done, from whom, to whom or which queue.
CREATE TABLE escalations (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  lead_id uuid NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
  sla text NOT NULL,
  clock text NOT NULL CHECK (clock IN ('assign', 'first_response')),
  step integer NOT NULL,
  -- reassign, queue, notify, set_status, pause_owner
  action text NOT NULL,
  from_owner_id text,
  to_owner_id text,
  to_queue_id text,
  detail jsonb,
  at timestamptz NOT NULL,
  UNIQUE (lead_id, sla, clock, step)
);

-- Contacts with a lead. The first one ends the first-response clock (first_touches).
CREATE TABLE touches (
  id uuid PRIMARY KEY,
  lead_id uuid NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
  -- call, email, meeting, note; `status` when a status change to contacted or beyond counts as one.
  kind text NOT NULL CHECK (kind IN ('call', 'email', 'meeting', 'note', 'status')),
  at timestamptz NOT NULL,
  actor text,
  note text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX touches_lead_idx ON touches (lead_id, at);

-- The first touch of a lead, with the first-response time on the wall clock and on the SLA's
-- clock (business hours); one per lead.
CREATE TABLE first_touches (
  lead_id uuid PRIMARY KEY REFERENCES leads (id) ON DELETE CASCADE,
  touch_id uuid NOT NULL REFERENCES touches (id) ON DELETE CASCADE,
  owner_id text,
  sla text,
  assigned_at timestamptz,
  at timestamptz NOT NULL,
  wall_ms bigint,
  business_ms bigint
);

-- The transactional outbox: an event is written in the transaction of the change it reports.
-- `seq` is the commit-safe order of events of one lead (the lead's row is locked by the change).
CREATE TABLE outbox_events (
  id uuid PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  type text NOT NULL,
  lead_id uuid,
  -- Deliveries of one key (the lead by default) are sent in order, per subscription.
  ordering_key text,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX outbox_events_lead_idx ON outbox_events (lead_id, seq) WHERE lead_id IS NOT NULL;

CREATE TABLE webhook_subscriptions (
  id uuid PRIMARY KEY,
  url text NOT NULL,
  -- Standard Webhooks secret, `whsec_<base64>`.
  secret text NOT NULL,
  -- Event types delivered; `*` for all.
  event_types text[] NOT NULL,
  description text,
  active boolean NOT NULL DEFAULT true,
  disabled_reason text,
  disabled_at timestamptz,
  -- Persistent failure: failing since (no delivery succeeded since), and dead deliveries in a row.
  failing_since timestamptz,
  consecutive_dead integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

-- One event for one subscription. pending → delivering → delivered, or failed (to be retried at
-- next_attempt_at) and at last dead. Deliveries of one ordering key and subscription go in event
-- order: one is not attempted while an earlier one is pending, delivering or failed.
CREATE TABLE webhook_deliveries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  subscription_id uuid NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
  event_id uuid NOT NULL REFERENCES outbox_events (id) ON DELETE CASCADE,
  event_seq bigint NOT NULL,
  ordering_key text,
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'delivering', 'delivered', 'failed', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  -- A delivery in flight whose lease ran out (its instance died) is attempted again.
  lease_until timestamptz,
  first_attempt_at timestamptz,
  last_attempt_at timestamptz,
  last_status_code integer,
  last_error text,
  last_latency_ms integer,
  delivered_at timestamptz,
  created_at timestamptz NOT NULL,
  UNIQUE (subscription_id, event_id)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at, event_seq)
  WHERE status IN ('pending', 'failed', 'delivering');
CREATE INDEX webhook_deliveries_order_idx ON webhook_deliveries (subscription_id, ordering_key, event_seq)
  WHERE status IN ('pending', 'failed', 'delivering');
CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (subscription_id, id);
