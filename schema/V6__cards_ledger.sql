-- Flash Cards and the double-entry ledger behind their balances.
-- Amounts in the ledger are whole satoshis (BIGINT): every movement it records today (card
-- payments, top-ups) is in sats; msat-precise Lightning fees, if ever booked, get their own scale.

-- Accounts and their balances, kept in the same transaction as the lines that move them.
-- card:<id> and store:<id> must never go negative; external, topup-clearing, payouts-in-flight
-- and fees are bookkeeping counterparts that may.
CREATE TABLE ledger_accounts (
    account          TEXT        PRIMARY KEY,
    balance          BIGINT      NOT NULL DEFAULT 0,
    may_go_negative  BOOLEAN     NOT NULL,
    CONSTRAINT ledger_balance_nonnegative CHECK (may_go_negative OR balance >= 0)
);

-- One row per movement. idem_key makes a replayed posting a no-op (card:<id>:<counter>,
-- topup:<invoiceId>, ...).
CREATE TABLE ledger_journals (
    id          BIGSERIAL   PRIMARY KEY,
    idem_key    TEXT        NOT NULL UNIQUE,
    kind        TEXT        NOT NULL,          -- card-payment | card-topup | ...
    invoice_id  TEXT,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE ledger_lines (
    journal_id   BIGINT NOT NULL REFERENCES ledger_journals (id),
    account      TEXT   NOT NULL REFERENCES ledger_accounts (account),
    amount_sats  BIGINT NOT NULL CHECK (amount_sats <> 0),
    PRIMARY KEY (journal_id, account)
);
-- A card's history and its daily spending read its lines newest first.
CREATE INDEX ledger_lines_account ON ledger_lines (account, journal_id DESC);

-- The database checks what the code already checks: at commit, each journal touched sums to zero.
CREATE FUNCTION ledger_journal_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT COALESCE(SUM(amount_sats), 0) FROM ledger_lines WHERE journal_id = NEW.journal_id) <> 0 THEN
    RAISE EXCEPTION 'ledger journal % does not sum to zero', NEW.journal_id USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER ledger_lines_balanced AFTER INSERT ON ledger_lines
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_journal_balanced();

-- The journal is append-only: corrections are new journals, never edits.
CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only (% on %)', TG_OP, TG_TABLE_NAME;
END $$;
CREATE TRIGGER ledger_lines_append_only BEFORE UPDATE OR DELETE ON ledger_lines
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_journals_append_only BEFORE UPDATE OR DELETE ON ledger_journals
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();

-- The server's Bolt Card issuer key, sealed with the card master key (AES-256-GCM, KeyVault).
-- One issuer for the server: K1 is per issuer, so a single decryption of p finds the UID
-- whatever the store (the public balance page does not know the store).
CREATE TABLE card_issuer_keys (
    id          TEXT        PRIMARY KEY,
    sealed_key  BYTEA       NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE cards (
    id              TEXT        PRIMARY KEY,
    store_id        TEXT        NOT NULL REFERENCES stores (id),
    uid             TEXT        NOT NULL,      -- 14 lower-case hex characters
    version         INTEGER     NOT NULL,      -- key version: bumped when a card is retired
    label           TEXT        NOT NULL,
    enabled         BOOLEAN     NOT NULL,
    counter         INTEGER     NOT NULL DEFAULT 0,   -- last accepted SUN counter
    limit_per_tx    BIGINT      NOT NULL CHECK (limit_per_tx > 0),
    limit_daily     BIGINT      NOT NULL CHECK (limit_daily > 0),
    pin_above       BIGINT,                    -- sats; a PIN is required above this
    pin_hash        BYTEA,                     -- SHA-256(salt || pin)
    pin_salt        BYTEA,
    created_at      TIMESTAMPTZ NOT NULL,
    retired_at      TIMESTAMPTZ
);
-- A physical card (UID) has one key set, so it is active in at most one store.
CREATE UNIQUE INDEX cards_active_uid ON cards (uid) WHERE retired_at IS NULL;
CREATE INDEX cards_store ON cards (store_id, created_at);

-- Every tap, accepted or declined: the audit trail, and the only row a decline writes.
CREATE TABLE card_taps (
    id          BIGSERIAL   PRIMARY KEY,
    store_id    TEXT        NOT NULL,
    card_id     TEXT,                          -- null when p did not name a known card
    invoice_id  TEXT,
    counter     INTEGER,
    amount_sats BIGINT,
    status      TEXT        NOT NULL,          -- settled | declined
    reason      TEXT,
    client      TEXT,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX card_taps_card ON card_taps (card_id, id DESC);

-- Top-up invoices: their settlement credits the card.
CREATE TABLE card_topups (
    invoice_id  TEXT        PRIMARY KEY REFERENCES invoices (id),
    card_id     TEXT        NOT NULL REFERENCES cards (id),
    created_at  TIMESTAMPTZ NOT NULL
);
