package me.flashapp.gateway.chain;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.flashapp.gateway.db.Transactions;

/** The chain listener's tables: watched addresses, payments' transactions, processed blocks. */
final class ChainRepository {
  static final String WATCHED = "SELECT id, script, invoice_id, address FROM chain_addresses";
  static final String TRACKED = "SELECT payment_id, txid, inputs, block_hash, block_height, valid FROM chain_payments"
      + " WHERE tracked ORDER BY payment_id";
  static final String INSERT_PAYMENT = "INSERT INTO chain_payments (payment_id, txid, invoice_id, inputs, block_hash,"
      + " block_height) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (payment_id) DO NOTHING";
  static final String SET_BLOCK = "UPDATE chain_payments SET block_hash = $2, block_height = $3 WHERE txid = $1";
  static final String SET_VALID = "UPDATE chain_payments SET valid = $2 WHERE txid = $1";
  static final String UNTRACK = "UPDATE chain_payments SET tracked = FALSE WHERE txid = $1";
  static final String LAST_BLOCK = "SELECT height, hash FROM chain_blocks ORDER BY height DESC LIMIT 1";
  static final String BLOCK_AT = "SELECT hash FROM chain_blocks WHERE height = $1";
  static final String INSERT_BLOCK = "INSERT INTO chain_blocks (height, hash) VALUES ($1, $2)"
      + " ON CONFLICT (height) DO UPDATE SET hash = EXCLUDED.hash";
  static final String DELETE_BLOCK = "DELETE FROM chain_blocks WHERE height >= $1";
  /** Kept to find a fork point; deeper reorgs than this are not expected on any network we run. */
  static final int KEPT_BLOCKS = 288;
  static final String PRUNE_BLOCKS = "DELETE FROM chain_blocks WHERE height < $1";

  /** A transaction that pays watched scripts, while it is shallow enough to move. */
  static final class TrackedTx {
    final String txid;
    final List<String> paymentIds = new ArrayList<>();
    String[] inputs;
    String blockHash;
    Integer height;
    boolean valid = true;
    int lastConfirmations = -1;

    TrackedTx(String txid, String[] inputs) {
      this.txid = txid;
      this.inputs = inputs;
    }
  }

  /** Processed block position. */
  record BlockRef(int height, String hash) {}

  private final Pool pool;

  ChainRepository(Pool pool) {
    this.pool = pool;
  }

  Future<Void> loadWatched(WatchedScripts into) {
    return pool.query(WATCHED).execute().map(rows -> {
      for (Row r : rows) {
        into.add(r.getBuffer("script").getBytes(), r.getLong("id"),
            new WatchedScripts.Watched(r.getString("invoice_id"), r.getString("address")));
      }
      return null;
    });
  }

  Future<Map<String, TrackedTx>> loadTracked() {
    return pool.query(TRACKED).execute().map(rows -> {
      Map<String, TrackedTx> out = new LinkedHashMap<>();
      for (Row r : rows) {
        TrackedTx t = out.computeIfAbsent(r.getString("txid"), id -> new TrackedTx(id, r.getArrayOfStrings("inputs")));
        t.paymentIds.add(r.getString("payment_id"));
        t.blockHash = r.getString("block_hash");
        t.height = r.getInteger("block_height");
        t.valid = r.getBoolean("valid");
      }
      return out;
    });
  }

  Future<Void> insertPayment(String paymentId, String txid, String invoiceId, String[] inputs, String blockHash,
                             Integer height) {
    return pool.preparedQuery(INSERT_PAYMENT)
        .execute(Tuple.from(new Object[] {paymentId, txid, invoiceId, inputs, blockHash, height})).mapEmpty();
  }

  Future<Void> setBlock(String txid, String blockHash, Integer height) {
    return pool.preparedQuery(SET_BLOCK).execute(Tuple.of(txid, blockHash, height)).mapEmpty();
  }

  Future<Void> setValid(String txid, boolean valid) {
    return pool.preparedQuery(SET_VALID).execute(Tuple.of(txid, valid)).mapEmpty();
  }

  Future<Void> untrack(String txid) {
    return pool.preparedQuery(UNTRACK).execute(Tuple.of(txid)).mapEmpty();
  }

  Future<BlockRef> lastBlock() {
    return pool.query(LAST_BLOCK).execute().map(rows -> rows.size() == 0 ? null
        : new BlockRef(rows.iterator().next().getInteger("height"), rows.iterator().next().getString("hash")));
  }

  Future<String> blockAt(int height) {
    return pool.preparedQuery(BLOCK_AT).execute(Tuple.of(height))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("hash"));
  }

  /** Records a processed block (replacing whatever we had at that height and above). */
  Future<Void> saveBlock(int height, String hash) {
    return Transactions.run(pool, tx -> tx.preparedQuery(DELETE_BLOCK).execute(Tuple.of(height))
        .compose(v -> tx.preparedQuery(INSERT_BLOCK).execute(Tuple.of(height, hash)))
        .compose(v -> tx.preparedQuery(PRUNE_BLOCKS).execute(Tuple.of(height - KEPT_BLOCKS))))
        .mapEmpty();
  }

  Future<Void> deleteFrom(int height) {
    return pool.preparedQuery(DELETE_BLOCK).execute(Tuple.of(height)).mapEmpty();
  }
}
