-- Money leaving (or moving inside) the ledger: card LNURL-withdraws, pull payments and their
-- payouts, merchant settlements. Amounts in sats are BIGINT, in msat BIGINT; never floating point.
-- The Lightning payment itself is a row of lightning_payouts (exactly once per payout id).

-- One row per LNURL-withdraw offer made to a tapped card. k1 is a bearer secret: only its
-- SHA-256 is kept, so a database dump cannot spend an open offer.
CREATE TABLE card_withdrawals (
    k1_hash         TEXT        PRIMARY KEY,      -- hex SHA-256 of k1
    card_id         TEXT        NOT NULL REFERENCES cards (id),
    min_msat        BIGINT      NOT NULL CHECK (min_msat > 0),
    max_msat        BIGINT      NOT NULL CHECK (max_msat >= min_msat),
    expires_at      TIMESTAMPTZ NOT NULL,
    status          TEXT        NOT NULL,         -- open | paying | succeeded | failed | internal
    payment_request TEXT,
    amount_sats     BIGINT,                       -- what the card was debited
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX card_withdrawals_paying ON card_withdrawals (k1_hash) WHERE status = 'paying';

-- Greenfield pull payments: a budget a store hands out (rewards, refunds) as payouts.
CREATE TABLE pull_payments (
    id            TEXT        PRIMARY KEY,
    store_id      TEXT        NOT NULL REFERENCES stores (id),
    name          TEXT        NOT NULL,
    amount_sats   BIGINT      NOT NULL CHECK (amount_sats > 0),
    currency      TEXT        NOT NULL,           -- BTC | SATS: how amounts are shown
    auto_approve  BOOLEAN     NOT NULL,
    archived      BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX pull_payments_store ON pull_payments (store_id, created_at);

-- Payouts claimed against a pull payment (or made by a merchant settlement, pull_payment_id null).
CREATE TABLE payouts (
    id               TEXT        PRIMARY KEY,
    store_id         TEXT        NOT NULL REFERENCES stores (id),
    pull_payment_id  TEXT        REFERENCES pull_payments (id),
    destination      TEXT        NOT NULL,        -- as given: BOLT11, LNURL, Lightning address
    amount_sats      BIGINT      NOT NULL CHECK (amount_sats > 0),
    state            TEXT        NOT NULL,        -- AwaitingApproval | AwaitingPayment | InProgress | Completed | Cancelled
    kind             TEXT        NOT NULL,        -- lightning | card (credited inside the ledger)
    card_id          TEXT        REFERENCES cards (id),
    payment_request  TEXT,
    failure_reason   TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX payouts_pull_payment ON payouts (pull_payment_id, created_at);
CREATE INDEX payouts_in_progress ON payouts (id) WHERE state = 'InProgress';

-- Where a store's ledger balance (card payments) is paid out, and from what balance on.
CREATE TABLE store_settlement_configs (
    store_id        TEXT        PRIMARY KEY REFERENCES stores (id),
    destination     TEXT        NOT NULL,         -- LNURL-pay or Lightning address
    threshold_sats  BIGINT      CHECK (threshold_sats > 0),   -- null: only on request
    updated_at      TIMESTAMPTZ NOT NULL
);
