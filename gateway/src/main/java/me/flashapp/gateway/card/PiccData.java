package me.flashapp.gateway.card;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * What a Bolt Card tap reveals once {@code p} is decrypted: the card's 7-byte UID and its SUN read
 * counter (24 bits, so 0..16,777,215). The counter only grows; replay protection compares it with
 * the last counter accepted for the card.
 */
public record PiccData(byte[] uid, int counter) {
  /** Length of an NTAG 424 DNA UID. */
  public static final int UID_LENGTH = 7;
  /** Largest value of the 3-byte counter. */
  public static final int MAX_COUNTER = 0xFFFFFF;

  public PiccData {
    if (uid.length != UID_LENGTH) {
      throw new IllegalArgumentException("UID must be " + UID_LENGTH + " bytes, got " + uid.length);
    }
    if (counter < 0 || counter > MAX_COUNTER) {
      throw new IllegalArgumentException("counter out of 24-bit range: " + counter);
    }
    uid = uid.clone();
  }

  @Override
  public byte[] uid() {
    return uid.clone();
  }

  /** The UID as 14 lower-case hex characters, the form cards are looked up by. */
  public String uidHex() {
    return HexFormat.of().formatHex(uid);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PiccData p && counter == p.counter && Arrays.equals(uid, p.uid);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(uid) + counter;
  }

  @Override
  public String toString() {
    return "PiccData[uid=" + uidHex() + ", counter=" + counter + "]";
  }
}
