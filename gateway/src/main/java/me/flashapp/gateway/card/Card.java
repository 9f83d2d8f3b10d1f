package me.flashapp.gateway.card;

import java.time.Instant;
import java.util.HexFormat;

/**
 * A Flash Card as stored: which store issued it, its UID and key version, its spending rules and
 * the last SUN counter accepted from it.
 *
 * @param uid 14 lower-case hex characters
 * @param counter the last accepted SUN counter; a tap must bring a strictly greater one
 * @param limitPerTx most sats one payment may take
 * @param limitDaily most sats payments may take per UTC day
 * @param pinAbove payments above this many sats need the PIN; null = never
 */
public record Card(String id, String storeId, String uid, int version, String label, boolean enabled, int counter,
                   long limitPerTx, long limitDaily, Long pinAbove, byte[] pinHash, byte[] pinSalt,
                   Instant createdAt, Instant retiredAt) {
  public byte[] uidBytes() {
    return HexFormat.of().parseHex(uid);
  }

  public boolean pinSet() {
    return pinHash != null;
  }

  @Override
  public String toString() {
    return "Card[id=" + id + ", store=" + storeId + ", version=" + version + "]";
  }
}
