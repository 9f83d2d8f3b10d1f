-- Several gateway nodes on one database.
--
-- 1. Every node's POS hub gets every published event, whichever node numbered it.
--
-- The dispatcher that numbers a batch of outbox rows (under its advisory lock) also gives the
-- whole batch the next publication batch number and, in the same transaction, issues ONE
-- pg_notify('outbox_published', '<batch>'). Every node LISTENs and reads the batches after the
-- last one it delivered (ORDER BY pub_batch, id: per-store seq order). The numbering node hands
-- its own batch to its hub directly and so never reads it back.
--
-- The counter is a row, not a sequence: it is incremented under the dispatcher's advisory lock
-- and rolls back with a failed numbering transaction, so batch numbers are gapless and batch N is
-- committed before batch N+1 exists. A node that knows batch N is committed therefore knows that
-- every batch up to N is, and can tell "the next batch is mine" without a query.
-- (One NOTIFY per numbering batch, never per writing commit: see V8 for why the latter hurt.)
CREATE TABLE outbox_publication (
    singleton   BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    last_batch  BIGINT  NOT NULL
);
INSERT INTO outbox_publication (last_batch) VALUES (0);

-- NULL for rows published before this migration (nodes start from the current last batch).
ALTER TABLE outbox_events ADD COLUMN pub_batch BIGINT;
CREATE INDEX outbox_pub_batch ON outbox_events (pub_batch, id) WHERE pub_batch IS NOT NULL;

-- 2. Webhook deliveries are claimed before they are sent, so two nodes never send one twice.
-- A lease rather than a held row lock: a send may take the whole HTTP timeout, and a transaction
-- (and pooled connection) held open across it would starve the pool. A node that dies mid-send
-- leaves a lease that expires, after which another node sends the delivery.
ALTER TABLE webhook_deliveries ADD COLUMN lease_until TIMESTAMPTZ;
