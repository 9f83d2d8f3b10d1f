package me.flashapp.gateway.chain;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import me.flashapp.gateway.bitcoin.BitcoinParseException;
import me.flashapp.gateway.bitcoin.BlockHeader;
import me.flashapp.gateway.bitcoin.BlockParser;
import me.flashapp.gateway.bitcoin.Hashes;
import me.flashapp.gateway.bitcoin.RawTx;
import me.flashapp.gateway.chain.ChainRepository.BlockRef;
import me.flashapp.gateway.chain.ChainRepository.TrackedTx;
import me.flashapp.gateway.settlement.DetectedPayment;
import me.flashapp.gateway.settlement.Settlement;

/**
 * The chain state the listener keeps: our block position, the payments' transactions while they
 * can still move, and the outpoints they spend. Applies transactions and blocks to it and reports
 * the consequences to {@link Settlement}. Called only from the listener's queue, one step at a time.
 */
final class ChainProcessor {
  /** What one transaction means to us, read synchronously off the parser's reused view. */
  record TxWork(String txid, String[] inputs, List<Match> matches, Set<String> conflicts, boolean known) {
    boolean interesting() {
      return known || !matches.isEmpty() || !conflicts.isEmpty();
    }
  }

  /** An output paying a watched script. */
  record Match(int vout, long value, WatchedScripts.Watched to) {}

  private final WatchedScripts watched;
  private final ChainRepository repo;
  private final Settlement settlement;
  private final Clock clock;
  private final Map<String, TrackedTx> tracked = new HashMap<>();
  private final Map<String, String> spentBy = new HashMap<>();
  private volatile BlockRef position; // written on the listener context, read by health checks

  ChainProcessor(WatchedScripts watched, ChainRepository repo, Settlement settlement, Clock clock) {
    this.watched = watched;
    this.repo = repo;
    this.settlement = settlement;
    this.clock = clock;
  }

  void load(Map<String, TrackedTx> loaded) {
    loaded.values().forEach(this::track);
  }

  BlockRef position() {
    return position;
  }

  void position(BlockRef p) {
    position = p;
  }

  private void track(TrackedTx t) {
    tracked.put(t.txid, t);
    for (String in : t.inputs) {
      spentBy.put(in, t.txid);
    }
  }

  private void untrack(TrackedTx t) {
    tracked.remove(t.txid);
    for (String in : t.inputs) {
      spentBy.remove(in, t.txid);
    }
  }

  /** Matches outputs by script bytes (no address strings); input outpoints only when they matter. */
  TxWork inspect(RawTx tx) {
    List<Match> matches = List.of();
    for (int i = 0; i < tx.outputCount(); i++) {
      WatchedScripts.Watched w = watched.match(tx.buffer(), tx.outputScriptOffset(i), tx.outputScriptLength(i));
      if (w != null) {
        if (matches.isEmpty()) {
          matches = new ArrayList<>(2);
        }
        matches.add(new Match(i, tx.outputValue(i), w));
      }
    }
    String txid = tx.txidHex();
    boolean known = tracked.containsKey(txid);
    Set<String> conflicts = Set.of();
    String[] inputs = null;
    if (!matches.isEmpty() || !spentBy.isEmpty()) {
      inputs = new String[tx.inputCount()];
      for (int i = 0; i < inputs.length; i++) {
        inputs[i] = Hashes.toDisplayHex(tx.buffer(), tx.inputPrevTxidOffset(i)) + ":" + tx.inputVout(i);
        String other = spentBy.get(inputs[i]);
        if (other != null && !other.equals(txid)) {
          if (conflicts.isEmpty()) {
            conflicts = new LinkedHashSet<>();
          }
          conflicts.add(other);
        }
      }
    }
    return new TxWork(txid, inputs, matches, conflicts, known);
  }

  /** Applies one transaction, in the mempool ({@code height == null}) or in the block at {@code height}. */
  Future<Void> apply(TxWork w, String blockHash, Integer height) {
    Future<Void> f = Future.succeededFuture();
    for (String other : w.conflicts()) {
      TrackedTx o = tracked.get(other);
      // A confirmed payment cannot be double-spent by a valid transaction; only mempool ones lose.
      if (o != null && (o.height == null || height != null)) {
        f = f.compose(v -> invalidate(o));
      }
    }
    TrackedTx t = tracked.get(w.txid());
    if (t != null && height != null && !Objects.equals(t.height, height)) {
      f = f.compose(v -> setBlock(t, blockHash, height));
      if (!t.valid) {
        // Mined after all (a reorg brought it back): it counts again.
        f = f.compose(v -> setValid(t, true));
      }
    }
    for (Match m : w.matches()) {
      String paymentId = w.txid() + "-" + m.vout();
      if (t != null && t.paymentIds.contains(paymentId)) {
        continue;
      }
      f = f.compose(v -> record(w, m, paymentId, blockHash, height));
    }
    return f;
  }

  private Future<Void> record(TxWork w, Match m, String paymentId, String blockHash, Integer height) {
    int confirmations = height == null ? 0 : Math.max(1, position.height() - height + 1);
    JsonObject details = new JsonObject();
    if (height != null) {
      details.put("blockHeight", height).put("blockHash", blockHash);
    }
    TrackedTx t = tracked.computeIfAbsent(w.txid(), id -> new TrackedTx(id, w.inputs()));
    t.paymentIds.add(paymentId);
    t.height = height;
    t.blockHash = blockHash;
    t.lastConfirmations = confirmations;
    track(t);
    return repo.insertPayment(paymentId, w.txid(), m.to().invoiceId(), w.inputs(), blockHash, height)
        .compose(v -> settlement.record(new DetectedPayment(ChainPaymentHandler.ID, paymentId, m.to().invoiceId(),
            m.value(), confirmations, clock.instant(), m.to().address(), details.encode())))
        .mapEmpty();
  }

  /** Connects the block at {@code height} (its parent is our position). */
  Future<Void> connect(byte[] block, int height) {
    List<TxWork> works = new ArrayList<>();
    BlockHeader header;
    try {
      header = new BlockParser().parse(block, tx -> {
        TxWork w = inspect(tx);
        if (w.interesting()) {
          works.add(w);
        }
      });
    } catch (BitcoinParseException e) {
      return Future.failedFuture(new IllegalArgumentException("malformed block at " + height + ": " + e.getMessage()));
    }
    String hash = header.hashHex();
    Future<Void> f = Future.succeededFuture();
    for (TxWork w : works) {
      f = f.compose(v -> apply(w, hash, height));
    }
    return f.compose(v -> repo.saveBlock(height, hash))
        .compose(v -> {
          position = new BlockRef(height, hash);
          return updateConfirmations();
        });
  }

  /** Takes our tip block back: its payments become unconfirmed (still valid until shown dropped). */
  Future<Void> disconnectTip(BitcoindRpc rpc) {
    BlockRef tip = position;
    Future<Void> f = Future.succeededFuture();
    for (TrackedTx t : List.copyOf(tracked.values())) {
      if (t.height != null && t.height >= tip.height()) {
        f = f.compose(v -> setBlock(t, null, null));
      }
    }
    return f.compose(v -> repo.deleteFrom(tip.height()))
        .compose(v -> repo.blockAt(tip.height() - 1))
        .compose(prev -> prev != null ? Future.succeededFuture(prev) : rpc.getBlockHash(tip.height() - 1))
        .compose(prev -> {
          position = new BlockRef(tip.height() - 1, prev);
          return updateConfirmations();
        });
  }

  /** Sequence {@code R}: replaced, conflicted or evicted; a mempool payment in it no longer counts. */
  Future<Void> removedFromMempool(String txid) {
    TrackedTx t = tracked.get(txid);
    return t != null && t.height == null ? invalidate(t) : Future.succeededFuture();
  }

  /** After a full catch-up: unconfirmed payments whose tx the node no longer has were dropped. */
  Future<Void> invalidateMissing(Set<String> mempool) {
    Future<Void> f = Future.succeededFuture();
    for (TrackedTx t : List.copyOf(tracked.values())) {
      if (t.height == null && t.valid && !mempool.contains(t.txid)) {
        f = f.compose(v -> invalidate(t));
      }
    }
    return f;
  }

  private Future<Void> invalidate(TrackedTx t) {
    return t.valid ? setValid(t, false) : Future.succeededFuture();
  }

  private Future<Void> setValid(TrackedTx t, boolean valid) {
    t.valid = valid;
    Future<Void> f = repo.setValid(t.txid, valid);
    for (String pid : t.paymentIds) {
      f = f.compose(v -> settlement.setValid(ChainPaymentHandler.ID, pid, valid));
    }
    return f;
  }

  private Future<Void> setBlock(TrackedTx t, String blockHash, Integer height) {
    t.blockHash = blockHash;
    t.height = height;
    return repo.setBlock(t.txid, blockHash, height);
  }

  /** Brings every tracked payment's confirmations in line with our position; stops tracking buried ones. */
  Future<Void> updateConfirmations() {
    Future<Void> f = Future.succeededFuture();
    for (Iterator<TrackedTx> it = List.copyOf(tracked.values()).iterator(); it.hasNext(); ) {
      TrackedTx t = it.next();
      int confirmations = t.height == null ? 0 : position.height() - t.height + 1;
      if (confirmations != t.lastConfirmations) {
        t.lastConfirmations = confirmations;
        for (String pid : t.paymentIds) {
          f = f.compose(v -> settlement.setConfirmations(ChainPaymentHandler.ID, pid, confirmations));
        }
      }
      if (confirmations > ChainListener.TRACK_DEPTH) {
        untrack(t);
        f = f.compose(v -> repo.untrack(t.txid));
      }
    }
    return f;
  }
}
