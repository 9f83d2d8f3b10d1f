-- LND invoices whose gateway invoice can no longer be paid, found without scanning the open ones.
--
-- Every second the expiry task cancels on the node the LND invoices of gateway invoices that left
-- New (expired, invalid, or paid another way). It found them by joining every open LND invoice of
-- the node with its gateway invoice: with 35,000 open invoices (a load run's prepared invoices;
-- a busy shop's quarter hour) that query took 190 ms of PostgreSQL's CPU, every second, a fifth of
-- one of the 2-core machine's cores (docs/benchmarks.md, ninth session). Now the change itself
-- marks them: when a gateway invoice leaves New, its open LND invoices become 'closing' in the same
-- transaction, and the task reads only those. 'closing' is still payable on the node until the
-- cancel lands, so the stream and the reconciliation treat it as open (a settle is still recorded,
-- PaidLate), and a cancel that fails is tried again on the next round.
CREATE INDEX lightning_invoices_open_by_invoice ON lightning_invoices (invoice_id) WHERE state = 'open';
CREATE INDEX lightning_invoices_closing ON lightning_invoices (node) WHERE state = 'closing';

--
-- Lock order: a settlement locks its LND invoice's row first and the gateway invoice after it
-- (LightningListener), while a status change holds the gateway invoice when this trigger runs; so
-- the trigger never waits for an LND invoice's row: one that is locked is being settled (or
-- cancelled) at this moment, which ends its 'open' state anyway, and waiting for it would be a
-- deadlock with that settlement.
CREATE FUNCTION lightning_invoices_close() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE lightning_invoices SET state = 'closing' WHERE payment_hash IN (
    SELECT payment_hash FROM lightning_invoices WHERE invoice_id = NEW.id AND state = 'open'
    FOR UPDATE SKIP LOCKED);
  RETURN NULL;
END
$$;

CREATE TRIGGER invoices_left_new AFTER UPDATE OF status ON invoices
  FOR EACH ROW WHEN (OLD.status = 'New' AND NEW.status <> 'New')
  EXECUTE FUNCTION lightning_invoices_close();

UPDATE lightning_invoices li SET state = 'closing'
  FROM invoices i WHERE i.id = li.invoice_id AND li.state = 'open' AND i.status <> 'New';
