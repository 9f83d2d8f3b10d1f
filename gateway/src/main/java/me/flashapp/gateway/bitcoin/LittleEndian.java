package me.flashapp.gateway.bitcoin;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Little-endian reads and writes on byte arrays. Bitcoin's wire format is little-endian
 * throughout; VarHandle views read a whole word at once and compile to a single load.
 */
final class LittleEndian {
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle SHORT =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

  private LittleEndian() {}

  static int int32(byte[] b, int off) {
    return (int) INT.get(b, off);
  }

  static long uint32(byte[] b, int off) {
    return ((int) INT.get(b, off)) & 0xffffffffL;
  }

  static long int64(byte[] b, int off) {
    return (long) LONG.get(b, off);
  }

  static int uint16(byte[] b, int off) {
    return ((short) SHORT.get(b, off)) & 0xffff;
  }

  static void putInt32(byte[] b, int off, int v) {
    INT.set(b, off, v);
  }

  static void putInt64(byte[] b, int off, long v) {
    LONG.set(b, off, v);
  }

  static void putInt16(byte[] b, int off, int v) {
    SHORT.set(b, off, (short) v);
  }
}
