-- Settlement events: per-store sequence counters for the outbox, the wake-up trigger of the
-- dispatcher, and webhooks with their persisted delivery log.

-- The last store_seq handed out per store. Only the dispatcher writes it, in the transaction that
-- assigns sequence numbers to committed outbox rows, under an advisory lock.
CREATE TABLE outbox_store_seq (
    store_id  TEXT   PRIMARY KEY REFERENCES stores (id),
    last_seq  BIGINT NOT NULL
);

-- Wakes the dispatcher. PostgreSQL delivers NOTIFY only when the inserting transaction commits
-- (and never for a rollback), and folds duplicates within a transaction: one wake-up per commit.
CREATE FUNCTION outbox_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('outbox_events', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER outbox_events_notify AFTER INSERT ON outbox_events
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_events_notify();

-- Replay of a store's events after a given sequence number (POS subscribe).
-- (outbox_store_seq_unique on (store_id, store_seq) already serves it.)

CREATE TABLE webhooks (
    id                    TEXT        PRIMARY KEY,
    store_id              TEXT        NOT NULL REFERENCES stores (id),
    url                   TEXT        NOT NULL,
    enabled               BOOLEAN     NOT NULL,
    automatic_redelivery  BOOLEAN     NOT NULL,
    everything            BOOLEAN     NOT NULL,
    specific_events       TEXT[]      NOT NULL,
    secret                TEXT        NOT NULL,   -- needed in clear to sign; shown once, at creation
    created_at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhooks_store ON webhooks (store_id);

-- One row per delivery (an original or a redelivery). Pending rows are the durable send queue:
-- a restart resumes them. seq orders deliveries per webhook (delivered in order).
CREATE TABLE webhook_deliveries (
    seq                   BIGSERIAL   UNIQUE,
    id                    TEXT        PRIMARY KEY,
    webhook_id            TEXT        NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id              BIGINT      NOT NULL REFERENCES outbox_events (id),
    original_delivery_id  TEXT        NOT NULL,
    is_redelivery         BOOLEAN     NOT NULL,
    body                  TEXT        NOT NULL,   -- the exact bytes signed and sent
    status                TEXT        NOT NULL,   -- Pending | Delivered | Failed
    attempts              INTEGER     NOT NULL DEFAULT 0,
    next_attempt_at       TIMESTAMPTZ,
    http_code             INTEGER,
    error_message         TEXT,
    created_at            TIMESTAMPTZ NOT NULL,
    last_attempt_at       TIMESTAMPTZ
);
CREATE INDEX webhook_deliveries_list ON webhook_deliveries (webhook_id, seq DESC);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (webhook_id, seq) WHERE status = 'Pending';
