-- Lightning: the LND invoices behind BTC-LN payment methods, the position of each node's invoice
-- stream, and payouts. Amounts in msat are BIGINT; never floating point.

-- One row per LND invoice the gateway created; the settle path finds the gateway invoice here by
-- payment hash, and the expiry task finds open LND invoices of invoices that can no longer be paid.
CREATE TABLE lightning_invoices (
    payment_hash   TEXT        PRIMARY KEY,          -- hex
    invoice_id     TEXT        NOT NULL REFERENCES invoices (id),
    node           TEXT        NOT NULL,             -- host:port of the LND node
    value_msat     BIGINT      NOT NULL CHECK (value_msat > 0),
    state          TEXT        NOT NULL,             -- open | settled | canceled
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX lightning_invoices_open ON lightning_invoices (node, invoice_id) WHERE state = 'open';

-- Where each node's SubscribeInvoices stream resumes after a disconnect or restart.
CREATE TABLE lightning_streams (
    node          TEXT        PRIMARY KEY,
    add_index     BIGINT      NOT NULL DEFAULT 0,
    settle_index  BIGINT      NOT NULL DEFAULT 0,
    updated_at    TIMESTAMPTZ NOT NULL
);

-- Outgoing payments, exactly once per payout id (and never twice for one payment hash).
CREATE TABLE lightning_payouts (
    id               TEXT        PRIMARY KEY,
    payment_request  TEXT        NOT NULL,
    payment_hash     TEXT        NOT NULL UNIQUE,
    amount_msat      BIGINT      NOT NULL CHECK (amount_msat > 0),
    fee_limit_msat   BIGINT      NOT NULL CHECK (fee_limit_msat >= 0),
    status           TEXT        NOT NULL,           -- pending | in-flight | succeeded | failed
    preimage         TEXT,
    fee_msat         BIGINT,
    failure_reason   TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX lightning_payouts_unfinished ON lightning_payouts (id) WHERE status IN ('pending', 'in-flight');
