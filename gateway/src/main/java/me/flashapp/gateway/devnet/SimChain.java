package me.flashapp.gateway.devnet;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.flashapp.gateway.bitcoin.BlockBuilder;
import me.flashapp.gateway.bitcoin.Hashes;
import me.flashapp.gateway.bitcoin.Scripts;
import me.flashapp.gateway.bitcoin.TxBuilder;

/**
 * The simulator's chain: blocks, mempool, every transaction ever seen (like {@code txindex=1}),
 * and its own coins. Transactions are well-formed but unsigned (dummy witnesses): nothing here
 * validates scripts, only the structure and the spending graph.
 */
final class SimChain {
  /** A JSON-RPC error as bitcoind reports it. */
  static final class RpcError extends RuntimeException {
    final int code;

    RpcError(int code, String message) {
      super(message);
      this.code = code;
    }
  }

  /** A transaction: its bytes, the outpoints it spends and its outputs paying us. */
  record SimTx(String txid, byte[] raw, List<String> spends, Map<String, Long> ownOutputs) {}

  /** A block: hash, bytes, txids (coinbase first). */
  record SimBlock(String hash, byte[] bytes, List<String> txids) {}

  static final long FEE = 1_000;
  static final long SUBSIDY = 50 * 100_000_000L;
  private static final byte[] OWN_SCRIPT = Scripts.p2wpkh(Hashes.hash160("flash-devnet".getBytes(StandardCharsets.UTF_8)));

  private final List<SimBlock> blocks = new ArrayList<>();
  private final Map<String, SimBlock> blocksByHash = new HashMap<>();
  private final Map<String, SimTx> txs = new HashMap<>();
  private final LinkedHashMap<String, SimTx> mempool = new LinkedHashMap<>();
  private final LinkedHashMap<String, Long> coins = new LinkedHashMap<>();
  private long blockCounter;

  SimChain() {
    // Block 0 funds the simulator; later coinbases pay nowhere so a reorg never strands a spend.
    mineBlock(true);
  }

  int height() {
    return blocks.size() - 1;
  }

  String tipHash() {
    return blocks.get(height()).hash();
  }

  String blockHash(int height) {
    if (height < 0 || height > height()) {
      throw new RpcError(-8, "Block height out of range");
    }
    return blocks.get(height).hash();
  }

  byte[] block(String hash) {
    SimBlock b = blocksByHash.get(hash);
    if (b == null) {
      throw new RpcError(-5, "Block not found");
    }
    return b.bytes();
  }

  List<String> mempool() {
    return new ArrayList<>(mempool.keySet());
  }

  byte[] rawTx(String txid) {
    return txs.get(txid).raw();
  }

  byte[] rawTxOrFail(String txid) {
    SimTx t = txs.get(txid);
    if (t == null) {
      throw new RpcError(-5, "No such mempool or blockchain transaction");
    }
    return t.raw();
  }

  SimTx send(byte[] script, long sats) {
    if (sats <= 0) {
      throw new IllegalArgumentException("amount must be positive");
    }
    Map.Entry<String, Long> coin = coins.entrySet().stream().filter(c -> c.getValue() >= sats + FEE).findFirst()
        // an amount the simulator cannot fund is bad input to the dev endpoint, not a server fault
        .orElseThrow(() -> new IllegalArgumentException("exceeds what the simulator's wallet can send in one coin ("
            + (sats + FEE) + " sats needed with the fee)"));
    return addToMempool(List.of(coin.getKey()), script, sats, coin.getValue() - sats - FEE);
  }

  /** Same inputs, all back to us with twice the fee: the replaced transaction's outputs are gone. */
  SimTx replace(String txid) {
    SimTx old = mempool.get(txid);
    if (old == null) {
      throw new IllegalArgumentException("not in the mempool: " + txid);
    }
    long in = 0;
    for (String spent : old.spends()) {
      in += valueOf(spent);
    }
    removeTx(old);
    return addToMempool(old.spends(), null, 0, in - 2 * FEE);
  }

  private long valueOf(String outpoint) {
    String[] p = outpoint.split(":");
    SimTx parent = txs.get(p[0]);
    Long v = parent == null ? null : parent.ownOutputs().get(outpoint);
    if (v == null) {
      throw new IllegalArgumentException("not our coin: " + outpoint);
    }
    return v;
  }

  private SimTx addToMempool(List<String> spends, byte[] payScript, long paySats, long change) {
    TxBuilder b = new TxBuilder();
    for (String s : spends) {
      String[] p = s.split(":");
      b.spendSegwit(p[0], Long.parseLong(p[1]));
    }
    int vout = 0;
    if (payScript != null) {
      b.addOutput(paySats, payScript);
      vout++;
    }
    b.addOutput(change, OWN_SCRIPT);
    byte[] raw = b.build();
    String txid = Hashes.toDisplayHex(TxBuilder.txid(raw));
    SimTx tx = new SimTx(txid, raw, List.copyOf(spends), Map.of(txid + ":" + vout, change));
    spends.forEach(coins::remove);
    coins.putAll(tx.ownOutputs());
    txs.put(txid, tx);
    mempool.put(txid, tx);
    return tx;
  }

  SimBlock mine() {
    return mineBlock(false);
  }

  private SimBlock mineBlock(boolean fundUs) {
    int height = blocks.size();
    byte[] prev = height == 0 ? new byte[32] : Hashes.fromDisplayHex(tipHash());
    BlockBuilder bb = new BlockBuilder(prev, height).time(1_700_000_000L + height * 600L)
        .coinbasePayout(fundUs ? OWN_SCRIPT : Scripts.opReturn(new byte[0]), fundUs ? SUBSIDY : 0)
        .coinbaseTag(Long.toString(blockCounter++).getBytes(StandardCharsets.US_ASCII));
    List<SimTx> included = new ArrayList<>(mempool.values());
    for (SimTx t : included) {
      bb.addTransaction(t.raw());
    }
    BlockBuilder.Block built = bb.build();
    String coinbaseId = built.txids().get(0);
    byte[] coinbaseRaw = java.util.Arrays.copyOfRange(built.bytes(), 81, 81 + coinbaseLength(built, included));
    Map<String, Long> own = fundUs ? Map.of(coinbaseId + ":0", SUBSIDY) : Map.of();
    txs.put(coinbaseId, new SimTx(coinbaseId, coinbaseRaw, List.of(), own));
    coins.putAll(own);
    mempool.clear();
    SimBlock b = new SimBlock(built.hashHex(), built.bytes(), built.txids());
    blocks.add(b);
    blocksByHash.put(b.hash(), b);
    return b;
  }

  /** The coinbase sits after the 80-byte header and a 1-byte count (blocks here hold < 253 txs). */
  private static int coinbaseLength(BlockBuilder.Block b, List<SimTx> rest) {
    int restLength = rest.stream().mapToInt(t -> t.raw().length).sum();
    return b.bytes().length - 81 - restLength;
  }

  /** Takes the last {@code depth} blocks off; their transactions return to the mempool. Returns their hashes, tip first. */
  List<String> disconnect(int depth) {
    if (depth < 1 || depth > height()) {
      throw new IllegalArgumentException("depth must be 1.." + height());
    }
    List<String> out = new ArrayList<>();
    LinkedHashMap<String, SimTx> back = new LinkedHashMap<>();
    for (int i = 0; i < depth; i++) {
      SimBlock b = blocks.remove(blocks.size() - 1);
      blocksByHash.remove(b.hash());
      out.add(b.hash());
      List<String> ids = b.txids();
      LinkedHashMap<String, SimTx> these = new LinkedHashMap<>();
      for (String id : ids.subList(1, ids.size())) {
        these.put(id, txs.get(id));
      }
      txs.remove(ids.get(0));
      these.putAll(back);
      back = these;
    }
    LinkedHashMap<String, SimTx> pool = new LinkedHashMap<>(back);
    pool.putAll(mempool);
    mempool.clear();
    mempool.putAll(pool);
    return out;
  }

  /** Removes transactions (and whatever spends them) from the mempool; returns every txid removed. */
  List<String> drop(List<String> txids) {
    List<String> removed = new ArrayList<>();
    for (String id : txids) {
      SimTx t = mempool.get(id);
      if (t != null) {
        removeTx(t);
        removed.add(id);
        List<String> children = mempool.values().stream()
            .filter(c -> c.spends().stream().anyMatch(s -> s.startsWith(id + ":"))).map(SimTx::txid).toList();
        removed.addAll(drop(children));
        // Its inputs are ours to spend again.
        for (String s : t.spends()) {
          coins.put(s, valueOf(s));
        }
      }
    }
    return removed;
  }

  private void removeTx(SimTx t) {
    mempool.remove(t.txid());
    t.ownOutputs().keySet().forEach(coins::remove);
  }
}
