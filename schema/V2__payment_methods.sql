-- Payment methods: what a store accepts, and what each invoice offers.

CREATE TABLE store_payment_methods (
    store_id           TEXT        NOT NULL REFERENCES stores (id),
    payment_method_id  TEXT        NOT NULL,   -- BTC-CHAIN | BTC-LN | FLASH-CARD
    enabled            BOOLEAN     NOT NULL,
    config             JSONB       NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (store_id, payment_method_id)
);

CREATE TABLE invoice_payment_methods (
    invoice_id         TEXT        NOT NULL REFERENCES invoices (id),
    payment_method_id  TEXT        NOT NULL,
    destination        TEXT        NOT NULL,   -- address, BOLT11, ...
    payment_link       TEXT        NOT NULL,
    details            JSONB       NOT NULL DEFAULT '{}',
    created_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (invoice_id, payment_method_id)
);
-- Detectors find the invoice of a payment by what it paid to.
CREATE INDEX invoice_payment_methods_destination ON invoice_payment_methods (payment_method_id, destination);
