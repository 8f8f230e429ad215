-- Outbound events from every change, and the webhooks API. Valid on PostgreSQL 15 through 18 and on
-- PGlite. See docs/lifecycle.md.

-- Which event types have an active subscription changes rarely and is cached by every instance, so
-- that a change nobody subscribed to writes no event and no delivery (the intake's hot path). This
-- counter is bumped in the transaction of every subscription change; instances read it with the
-- other change counters before routing.
ALTER TABLE store_versions ADD COLUMN webhooks bigint NOT NULL DEFAULT 0;
