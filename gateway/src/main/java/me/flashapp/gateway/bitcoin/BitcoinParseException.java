package me.flashapp.gateway.bitcoin;

/**
 * Raw transaction or block bytes that are not a well-formed serialization: truncated, an absurd
 * CompactSize count or length, a bad segwit flag, trailing bytes, an out-of-range amount.
 *
 * <p>Checked on purpose: bytes arrive from the network (ZMQ, RPC) and a caller must decide what a
 * bad message means (skip it, re-fetch the block) rather than let it escape as a crash.
 */
public final class BitcoinParseException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int offset;

  /**
   * @param message what is wrong
   * @param offset the byte offset (in the caller's array) where the problem was found
   */
  public BitcoinParseException(String message, int offset) {
    super(message + " (at offset " + offset + ")");
    this.offset = offset;
  }

  /** The byte offset in the parsed array at which the problem was detected. */
  public int offset() {
    return offset;
  }
}
