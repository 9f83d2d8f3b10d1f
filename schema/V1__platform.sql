-- Platform: API keys, stores, invoices, the event outbox and idempotent POSTs.
-- Money: sats are BIGINT, fiat amounts NUMERIC; never floating point.

CREATE TABLE api_keys (
    key_hash    BYTEA PRIMARY KEY,                 -- SHA-256 of the key; the key itself is never stored
    label       TEXT        NOT NULL,
    permissions TEXT[]      NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE stores (
    id                      TEXT PRIMARY KEY,
    name                    TEXT          NOT NULL,
    website                 TEXT,
    default_currency        TEXT          NOT NULL,
    invoice_expiration      INTEGER       NOT NULL,   -- seconds
    monitoring_expiration   INTEGER       NOT NULL,   -- seconds
    speed_policy            TEXT          NOT NULL,
    payment_tolerance       NUMERIC(5, 2) NOT NULL,   -- percent
    created_at              TIMESTAMPTZ   NOT NULL,
    deleted_at              TIMESTAMPTZ                -- stores are retired, never erased: invoices keep their history
);

CREATE TABLE invoices (
    id                     TEXT PRIMARY KEY,
    store_id               TEXT          NOT NULL REFERENCES stores (id),
    type                   TEXT          NOT NULL,     -- Standard | TopUp
    amount                 NUMERIC(38, 12),            -- in currency; NULL for a top-up invoice
    currency               TEXT          NOT NULL,
    rate                   NUMERIC(38, 12) NOT NULL,   -- currency units per BTC at creation
    due_sats               BIGINT,                     -- amount converted at creation; NULL for top-up
    status                 TEXT          NOT NULL,
    additional_status      TEXT          NOT NULL,
    archived               BOOLEAN       NOT NULL DEFAULT FALSE,
    metadata               JSONB         NOT NULL,
    order_id               TEXT GENERATED ALWAYS AS (metadata ->> 'orderId') STORED,
    checkout               JSONB         NOT NULL,
    speed_policy           TEXT          NOT NULL,
    payment_tolerance      NUMERIC(5, 2) NOT NULL,
    created_at             TIMESTAMPTZ   NOT NULL,
    expires_at             TIMESTAMPTZ   NOT NULL,
    monitoring_expires_at  TIMESTAMPTZ   NOT NULL,
    version                INTEGER       NOT NULL DEFAULT 0,   -- optimistic concurrency for the state machine
    CONSTRAINT invoices_due_nonnegative CHECK (due_sats IS NULL OR due_sats > 0)
);

-- Listing newest first per store, with and without a status filter, and by order id.
CREATE INDEX invoices_store_created ON invoices (store_id, created_at DESC, id DESC);
CREATE INDEX invoices_store_status_created ON invoices (store_id, status, created_at DESC, id DESC);
CREATE INDEX invoices_store_order ON invoices (store_id, order_id) WHERE order_id IS NOT NULL;
-- The expiry sweep reads only New invoices that are due: a small partial index, never the table.
CREATE INDEX invoices_new_expiry ON invoices (expires_at) WHERE status = 'New';

-- Transactional outbox. store_seq is assigned by the dispatcher after commit (gapless per store,
-- in commit-visible order); rows with NULL store_seq are pending publication.
CREATE TABLE outbox_events (
    id          BIGSERIAL PRIMARY KEY,
    store_id    TEXT        NOT NULL REFERENCES stores (id),
    store_seq   BIGINT,
    type        TEXT        NOT NULL,
    invoice_id  TEXT,
    payload     JSONB       NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    CONSTRAINT outbox_store_seq_unique UNIQUE (store_id, store_seq)
);
CREATE INDEX outbox_pending ON outbox_events (id) WHERE store_seq IS NULL;

-- Idempotency-Key on POSTs: the first request's response is kept and replayed.
CREATE TABLE idempotency_keys (
    owner_hash     BYTEA       NOT NULL,   -- the API key's hash: keys are per caller
    idem_key       TEXT        NOT NULL,
    request_hash   BYTEA       NOT NULL,   -- method, path and body
    status_code    INTEGER,
    response_body  TEXT,
    created_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (owner_hash, idem_key)
);
CREATE INDEX idempotency_created ON idempotency_keys (created_at);

-- Payments toward invoices, from every method. One row per payment, unique per method and id:
-- a replayed notification finds its row and records nothing twice.
CREATE TABLE invoice_payments (
    payment_method_id  TEXT        NOT NULL,   -- BTC-CHAIN | BTC-LN | FLASH-CARD
    id                 TEXT        NOT NULL,   -- <txid>-<vout> | payment hash | card tap
    invoice_id         TEXT        NOT NULL REFERENCES invoices (id),
    value_sats         BIGINT      NOT NULL CHECK (value_sats > 0),
    valid              BOOLEAN     NOT NULL DEFAULT TRUE,
    confirmations      INTEGER     NOT NULL DEFAULT 0,
    received_at        TIMESTAMPTZ NOT NULL,
    details            JSONB       NOT NULL DEFAULT '{}',
    PRIMARY KEY (payment_method_id, id)
);
CREATE INDEX invoice_payments_invoice ON invoice_payments (invoice_id);
