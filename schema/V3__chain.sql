-- On-chain payments: address allocation per derivation scheme, the watched scripts, the payments'
-- transactions (for confirmations, reorgs and double spends) and the last processed block.

-- Next external index per derivation scheme (canonical descriptor). Keyed by the scheme, not by
-- store: two stores given the same xpub must still never share an address.
CREATE TABLE chain_address_counters (
    scheme      TEXT PRIMARY KEY,
    next_index  INTEGER NOT NULL CHECK (next_index >= 0)
);

CREATE TABLE chain_addresses (
    id          BIGSERIAL PRIMARY KEY,                -- the id in the in-memory script index
    scheme      TEXT        NOT NULL,
    idx         INTEGER     NOT NULL,
    script      BYTEA       NOT NULL UNIQUE,          -- scriptPubKey: what the listener matches
    address     TEXT        NOT NULL,
    store_id    TEXT        NOT NULL REFERENCES stores (id),
    invoice_id  TEXT        NOT NULL REFERENCES invoices (id),
    created_at  TIMESTAMPTZ NOT NULL,
    CONSTRAINT chain_addresses_scheme_index UNIQUE (scheme, idx)
);
CREATE INDEX chain_addresses_invoice ON chain_addresses (invoice_id);

-- One row per paying output, with where its transaction sits (NULL block = mempool) and the
-- outpoints it spends (a conflicting spend of any of them invalidates the payment).
CREATE TABLE chain_payments (
    payment_id    TEXT PRIMARY KEY,                   -- <txid>-<vout>, as in invoice_payments
    txid          TEXT    NOT NULL,
    invoice_id    TEXT    NOT NULL REFERENCES invoices (id),
    inputs        TEXT[]  NOT NULL,                   -- spent outpoints, "<txid>:<vout>"
    block_hash    TEXT,
    block_height  INTEGER,
    valid         BOOLEAN NOT NULL DEFAULT TRUE,
    tracked       BOOLEAN NOT NULL DEFAULT TRUE       -- false once buried deep enough to stop updating
);
CREATE INDEX chain_payments_txid ON chain_payments (txid);
CREATE INDEX chain_payments_tracked ON chain_payments (block_height) WHERE tracked;

-- The blocks we processed, by height (recent ones kept to find a fork point on a reorg).
CREATE TABLE chain_blocks (
    height  INTEGER PRIMARY KEY,
    hash    TEXT NOT NULL
);
