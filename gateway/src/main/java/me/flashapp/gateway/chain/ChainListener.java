package me.flashapp.gateway.chain;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import me.flashapp.gateway.async.Loops;
import me.flashapp.gateway.bitcoin.BitcoinParseException;
import me.flashapp.gateway.bitcoin.BlockHeader;
import me.flashapp.gateway.bitcoin.RawTx;
import me.flashapp.gateway.settlement.Settlement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns bitcoind's notifications into payments: matches every output's scriptPubKey bytes against
 * the watched scripts, follows blocks for confirmations, rolls back on reorgs, invalidates
 * replaced and double-spent payments, and catches up over RPC on start, on a sequence gap, on a
 * block that does not extend ours, when the ZMQ connection is made or lost, and periodically. A
 * failed catch-up marks bitcoind down in health and is retried with exponential backoff.
 *
 * <p>Everything runs on one Vert.x context and every step is queued behind the previous one, so
 * the in-memory state and the tables never see two steps interleave.
 */
public final class ChainListener {
  private static final Logger LOG = LoggerFactory.getLogger(ChainListener.class);
  /** Past this depth a payment's confirmations no longer matter to any speed policy (max 6). */
  static final int TRACK_DEPTH = 12;
  private static final int SEEN_MEMPOOL_MAX = 200_000;

  private final Vertx vertx;
  private final WatchedScripts watched;
  private final BitcoindRpc rpc;
  private final ChainRepository repo;
  private final Settlement settlement;
  private final Clock clock;
  private final ChainProcessor processor;
  private final Map<String, Long> lastSequence = new HashMap<>();
  private final Set<String> seenMempool = java.util.Collections.newSetFromMap(new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
      return size() > SEEN_MEMPOOL_MAX;
    }
  });
  private Future<Void> tail = Future.succeededFuture();
  private boolean syncQueued;
  private int failures;
  private long retryTimer = -1;
  private volatile JsonObject health = new JsonObject().put("status", "down").put("error", "not synced yet");
  private volatile boolean stopped;

  public ChainListener(Vertx vertx, WatchedScripts watched, BitcoindRpc rpc, ChainRepository repo,
                       Settlement settlement, Clock clock) {
    this.vertx = vertx;
    this.watched = watched;
    this.rpc = rpc;
    this.repo = repo;
    this.settlement = settlement;
    this.clock = clock;
    this.processor = new ChainProcessor(watched, repo, settlement, clock);
  }

  /** Loads watched scripts and tracked payments, then catches up; completes once synced (or first failure). */
  public Future<Void> start() {
    Future<Void> loaded = repo.loadWatched(watched)
        .compose(v -> repo.loadTracked()).map(t -> {
          processor.load(t);
          return null;
        })
        .compose(v -> repo.lastBlock()).map(b -> {
          processor.position(b);
          return (Void) null;
        });
    // ZMQ is subscribed before this runs: a message or a catch-up request arriving while we load
    // must wait, or a catch-up without our saved position would take the node's tip as ours and
    // skip the blocks in between.
    tail = loaded.transform(ar -> Future.succeededFuture());
    return loaded.compose(v -> enqueue(this::sync).recover(err -> Future.succeededFuture()));
  }

  public void stop() {
    stopped = true;
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
    }
  }

  /** For {@code Health.register}: up with the tip height, or down with the last error. */
  public Future<JsonObject> health() {
    // Blocks arriving over ZMQ move the tip between catch-ups: report where we are now.
    JsonObject h = health;
    ChainRepository.BlockRef pos = processor.position();
    if ("up".equals(h.getString("status")) && pos != null) {
      h = h.copy().put("height", pos.height()).put("hash", pos.hash());
    }
    return Future.succeededFuture(h);
  }

  /** A ZMQ message, on the listener's context. Never throws: a bad message is logged and skipped. */
  public void message(String topic, byte[] body, long sequence) {
    if (stopped) {
      return;
    }
    Long last = lastSequence.put(topic, sequence);
    if (last != null && sequence == last) {
      LOG.debug("duplicate {} message {} skipped", topic, sequence);
      return;
    }
    boolean gap = last != null && sequence != ((last + 1) & 0xffffffffL);
    try {
      switch (topic) {
        case "rawtx" -> onRawTx(body);
        case "rawblock" -> onRawBlock(body);
        case "sequence" -> onSequence(body);
        default -> LOG.debug("ignored zmq topic {}", topic);
      }
    } catch (RuntimeException | BitcoinParseException e) {
      LOG.warn("malformed {} message {} skipped: {}", topic, sequence, e.toString());
    }
    if (gap) {
      LOG.info("zmq {} sequence gap ({} after {}): catching up", topic, sequence, last);
      requestSync();
    }
  }

  private void onRawTx(byte[] body) throws BitcoinParseException {
    RawTx tx = new RawTx();
    if (tx.parse(body, 0, body.length) != body.length) {
      throw new BitcoinParseException("trailing bytes after transaction", body.length);
    }
    seenMempool.add(tx.txidHex());
    // Inspected in turn, not now: a payment queued just before may be the one this tx conflicts with.
    enqueue(() -> {
      ChainProcessor.TxWork work = processor.inspect(tx);
      return work.interesting() ? processor.apply(work, null, null) : Future.succeededFuture();
    });
  }

  private void onRawBlock(byte[] body) throws BitcoinParseException {
    BlockHeader header = BlockHeader.parse(body, 0);
    enqueue(() -> {
      ChainRepository.BlockRef pos = processor.position();
      if (pos != null && header.hashHex().equals(pos.hash())) {
        return Future.succeededFuture();
      }
      if (pos != null && header.prevHashHex().equals(pos.hash())) {
        return processor.connect(body, pos.height() + 1)
            .recover(err -> {
              LOG.warn("block {} not applied ({}): catching up", header.hashHex(), err.toString());
              requestSync();
              return Future.succeededFuture();
            });
      }
      requestSync();
      return Future.succeededFuture();
    });
  }

  private void onSequence(byte[] body) {
    if (body.length != 33 && body.length != 41) {
      throw new IllegalArgumentException("sequence body of " + body.length + " bytes");
    }
    String hash = java.util.HexFormat.of().formatHex(body, 0, 32);
    char label = (char) body[32];
    switch (label) {
      case 'R' -> enqueue(() -> processor.removedFromMempool(hash));
      case 'D' -> requestSync();
      case 'C', 'A' -> { } // rawblock and rawtx carry the data
      default -> throw new IllegalArgumentException("sequence label " + label);
    }
  }

  /** Queues one catch-up unless one is already waiting. */
  public void requestSync() {
    if (syncQueued || stopped) {
      return;
    }
    syncQueued = true;
    enqueue(() -> {
      syncQueued = false;
      return sync();
    });
  }

  private Future<Void> enqueue(Supplier<Future<Void>> step) {
    Future<Void> f = tail.transform(ar -> {
      try {
        return step.get();
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    });
    tail = f.transform(ar -> {
      if (ar.failed()) {
        LOG.warn("chain step failed: {}", ar.cause().toString());
      }
      return Future.succeededFuture();
    });
    return f;
  }

  /** Catch-up: walk back off a stale branch, connect blocks to the tip, re-read the mempool. */
  private Future<Void> sync() {
    if (stopped) {
      return Future.succeededFuture();
    }
    return rpc.getBlockchainInfo()
        .compose(info -> processor.position() == null
            ? repo.saveBlock(info.blocks(), info.bestBlockHash()).map(v -> {
              processor.position(new ChainRepository.BlockRef(info.blocks(), info.bestBlockHash()));
              return info;
            })
            : rewind(info).compose(v -> forward(info.blocks())).map(info))
        .compose(info -> mempool())
        .onSuccess(v -> {
          failures = 0;
          cancelRetry();
          ChainRepository.BlockRef pos = processor.position();
          health = new JsonObject().put("status", "up").put("height", pos.height()).put("hash", pos.hash());
        })
        .onFailure(err -> {
          failures++;
          long delay = Math.min(30_000, 500L << Math.min(failures, 6));
          String why = err.getMessage() != null ? err.getMessage() : err.toString();
          health = new JsonObject().put("status", "down").put("error", why).put("retryInMillis", delay);
          LOG.warn("bitcoind catch-up failed ({}), retrying in {} ms", why, delay);
          // One pending retry at a time: catch-ups asked for meanwhile (poll, ZMQ) must not each
          // start a retry chain of their own, or the backoff is lost during a long outage.
          cancelRetry();
          if (!stopped) {
            retryTimer = vertx.setTimer(delay, t -> {
              retryTimer = -1;
              requestSync();
            });
          }
        });
  }

  private void cancelRetry() {
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
      retryTimer = -1;
    }
  }

  /** Disconnects our tip while the node does not have it at that height. */
  private Future<Void> rewind(BitcoindRpc.ChainInfo info) {
    return Loops.repeat(() -> {
      ChainRepository.BlockRef pos = processor.position();
      if (pos.height() < 0) {
        return Future.succeededFuture(false);
      }
      Future<String> nodeHash = pos.height() > info.blocks() ? Future.succeededFuture(null)
          : rpc.getBlockHash(pos.height());
      return nodeHash.compose(h -> pos.hash().equals(h) ? Future.succeededFuture(false)
          : processor.disconnectTip(rpc).map(true));
    });
  }

  /** Connects the node's blocks after our position up to {@code tip}, one at a time. */
  private Future<Void> forward(int tip) {
    return Loops.repeat(() -> {
      ChainRepository.BlockRef pos = processor.position();
      if (stopped || pos.height() >= tip) {
        return Future.succeededFuture(false);
      }
      int next = pos.height() + 1;
      return rpc.getBlockHash(next).compose(rpc::getBlock).compose(bytes -> {
        BlockHeader header;
        try {
          header = BlockHeader.parse(bytes, 0);
        } catch (BitcoinParseException e) {
          return Future.failedFuture(new BitcoindRpc.RpcException("getblock: " + e.getMessage()));
        }
        if (!header.prevHashHex().equals(pos.hash())) {
          // The node reorganized while we were scanning: the next sync walks back.
          requestSync();
          return Future.succeededFuture(false);
        }
        return processor.connect(bytes, next).map(true);
      });
    });
  }

  /** Reads mempool transactions we have not seen; payments neither in a block nor in the mempool were dropped. */
  private Future<Void> mempool() {
    return rpc.getRawMempool().compose(txids -> {
      Set<String> inPool = new HashSet<>(txids);
      List<String> unseen = new ArrayList<>();
      for (String id : txids) {
        if (!seenMempool.contains(id)) {
          unseen.add(id);
        }
      }
      Future<Void> f = Future.succeededFuture();
      for (String id : unseen) {
        f = f.compose(v -> rpc.getRawTransaction(id).compose(raw -> {
          seenMempool.add(id);
          if (raw == null) {
            return Future.succeededFuture();
          }
          try {
            RawTx tx = new RawTx();
            tx.parse(raw, 0, raw.length);
            ChainProcessor.TxWork work = processor.inspect(tx);
            return work.interesting() ? processor.apply(work, null, null) : Future.succeededFuture();
          } catch (BitcoinParseException | RuntimeException e) {
            LOG.warn("mempool tx {} skipped: {}", id, e.toString());
            return Future.succeededFuture();
          }
        }));
      }
      String tipBefore = processor.position().hash();
      return f.compose(v -> rpc.getBlockchainInfo()).compose(info -> info.bestBlockHash().equals(tipBefore)
          ? processor.invalidateMissing(inPool) : Future.succeededFuture());
    });
  }

}
