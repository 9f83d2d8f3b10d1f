package me.flashapp.gateway.bitcoin;

/**
 * Receives each transaction of a block from {@link BlockParser}, in block order.
 *
 * <p>The {@link RawTx} is a reused view: its txid is already computed, its inputs and outputs
 * point into the block's array. It is only valid during the call; copy what you keep (typically
 * only the txid and scripts of outputs that matched a watched script).
 */
@FunctionalInterface
public interface TxVisitor {
  /** Called once per transaction; {@code tx.index()} is its position in the block. */
  void transaction(RawTx tx);
}
