package me.flashapp.gateway.bitcoin;

import java.util.Arrays;

/**
 * In-memory index from scriptPubKey bytes to a {@code long} id (the watched address's row id),
 * built for matching every output of every block against a million watched scripts.
 *
 * <p>Layout, chosen to stay under ~60 bytes per entry at a million entries without per-entry
 * objects:
 * <ul>
 *   <li>an open-addressing table of {@code long} slots with linear probing, each slot
 *       {@code (hash32 << 32) | ref}, where {@code ref} locates the entry's record in the arena
 *       (0 = empty). Keeping the full 32-bit hash in the slot rejects almost every non-matching
 *       probe without touching the arena; the load factor stays at most 3/4;
 *   <li>an arena of byte pages (up to 1 MiB each) holding records
 *       {@code len(1 byte, or 0xff + 2 bytes) script id(8 bytes LE)}. The id lives next to the
 *       script, so a hit costs one slot read and one arena read. Pages, unlike one growing array,
 *       waste at most a page's tail instead of half the arena after a doubling.
 * </ul>
 * Removal uses backward-shift deletion (no tombstones, so probe chains never degrade); removed
 * records become garbage in the arena, which is compacted once garbage outweighs live bytes.
 *
 * <p>Threading: not thread-safe and needs no locks because it has exactly one owner. The chain
 * listener owns it on its Vert.x context; every {@code put}, {@code remove} and {@code get}
 * happens on that context's thread, so a lookup always sees the state after the last completed
 * write. Lookups ({@link #get}) never allocate.
 */
public final class ScriptIndex {
  /** Longest script accepted by {@link #put} (consensus limit on script size). */
  public static final int MAX_SCRIPT_LENGTH = 10_000;

  private static final int PAGE_BITS = 20;
  private static final int MAX_PAGE_SIZE = 1 << PAGE_BITS;
  private static final int POS_MASK = MAX_PAGE_SIZE - 1;
  private static final int MAX_PAGES = 1 << (31 - PAGE_BITS);
  private static final int FIRST_PAGE_SIZE = 4096;
  private static final int MIN_COMPACT_GARBAGE = 1 << 16;

  private long[] slots;
  private int mask;
  private int size;
  private int resizeAt;

  private byte[][] pages = new byte[8][];
  private int pageCount;
  private int writePos;
  private long liveBytes;
  private long garbageBytes;

  /** An empty index that grows as needed. */
  public ScriptIndex() {
    this(16);
  }

  /** An empty index sized so that {@code expectedEntries} fit without rehashing. */
  public ScriptIndex(int expectedEntries) {
    if (expectedEntries < 0) {
      throw new IllegalArgumentException("expectedEntries must be >= 0");
    }
    long needed = Math.max(16, (long) expectedEntries * 4 / 3 + 1);
    int capacity = Integer.highestOneBit((int) Math.min(1 << 30, needed - 1)) << 1;
    allocateSlots(capacity);
  }

  /**
   * Maps {@code script} to {@code id}, replacing any previous id.
   *
   * @param id a non-negative id (-1 is the "absent" answer of {@link #get})
   * @return the previous id, or -1 if the script was not indexed
   */
  public long put(byte[] script, long id) {
    if (id < 0) {
      throw new IllegalArgumentException("ids must be non-negative: " + id);
    }
    int len = script.length;
    if (len > MAX_SCRIPT_LENGTH) {
      throw new IllegalArgumentException("script of " + len + " bytes exceeds " + MAX_SCRIPT_LENGTH);
    }
    int h = hash(script, 0, len);
    int i = find(script, 0, len, h);
    if (i >= 0) {
      int idAt = idOffset((int) slots[i]);
      byte[] page = pages[(int) slots[i] >>> PAGE_BITS];
      long previous = LittleEndian.int64(page, idAt);
      LittleEndian.putInt64(page, idAt, id);
      return previous;
    }
    if (size + 1 > resizeAt) {
      allocateAndRehash(slots.length * 2);
    }
    int ref = append(script, len, id);
    int slot = h & mask;
    while (slots[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    slots[slot] = ((long) h << 32) | (ref & 0xffffffffL);
    size++;
    return -1;
  }

  /** The id of the script in {@code [off, off + len)} of {@code arr}, or -1. Never allocates. */
  public long get(byte[] arr, int off, int len) {
    if (len > MAX_SCRIPT_LENGTH) {
      return -1;
    }
    int i = find(arr, off, len, hash(arr, off, len));
    if (i < 0) {
      return -1;
    }
    int ref = (int) slots[i];
    return LittleEndian.int64(pages[ref >>> PAGE_BITS], idOffset(ref));
  }

  /** The id of {@code script}, or -1. */
  public long get(byte[] script) {
    return get(script, 0, script.length);
  }

  /** Whether the script in {@code [off, off + len)} is indexed. */
  public boolean contains(byte[] arr, int off, int len) {
    return get(arr, off, len) >= 0;
  }

  /** Removes {@code script}; returns its id, or -1 if it was not indexed. */
  public long remove(byte[] script) {
    return remove(script, 0, script.length);
  }

  /** Removes the script in {@code [off, off + len)}; returns its id, or -1. */
  public long remove(byte[] arr, int off, int len) {
    if (len > MAX_SCRIPT_LENGTH) {
      return -1;
    }
    int i = find(arr, off, len, hash(arr, off, len));
    if (i < 0) {
      return -1;
    }
    int ref = (int) slots[i];
    long id = LittleEndian.int64(pages[ref >>> PAGE_BITS], idOffset(ref));
    long recordLength = recordLength(len);
    liveBytes -= recordLength;
    garbageBytes += recordLength;
    deleteSlot(i);
    size--;
    if (garbageBytes > liveBytes && garbageBytes > MIN_COMPACT_GARBAGE) {
      compact();
    }
    return id;
  }

  /** Number of indexed scripts. */
  public int size() {
    return size;
  }

  /**
   * Heap bytes held by this index: the slot table and every arena page (including unused page
   * tails and not-yet-compacted garbage), plus array and object headers.
   */
  public long memoryFootprintBytes() {
    long bytes = 16 + 16 + 8L * slots.length + 16 + 8L * pages.length;
    for (int p = 0; p < pageCount; p++) {
      bytes += 16 + pages[p].length;
    }
    return bytes;
  }

  /** Removes every entry and releases the arena. */
  public void clear() {
    Arrays.fill(slots, 0);
    pages = new byte[8][];
    pageCount = 0;
    writePos = 0;
    size = 0;
    liveBytes = 0;
    garbageBytes = 0;
  }

  // Returns the slot index holding the script, or -1.
  private int find(byte[] arr, int off, int len, int h) {
    long[] s = slots;
    int m = mask;
    int i = h & m;
    while (true) {
      long e = s[i];
      if (e == 0) {
        return -1;
      }
      if ((int) (e >>> 32) == h && sameScript((int) e, arr, off, len)) {
        return i;
      }
      i = (i + 1) & m;
    }
  }

  private boolean sameScript(int ref, byte[] arr, int off, int len) {
    byte[] page = pages[ref >>> PAGE_BITS];
    int p = ref & POS_MASK;
    int storedLen = page[p] & 0xff;
    if (storedLen == 0xff) {
      storedLen = LittleEndian.uint16(page, p + 1);
      p += 3;
    } else {
      p += 1;
    }
    return storedLen == len && Arrays.equals(page, p, p + len, arr, off, off + len);
  }

  private int idOffset(int ref) {
    byte[] page = pages[ref >>> PAGE_BITS];
    int p = ref & POS_MASK;
    int storedLen = page[p] & 0xff;
    if (storedLen == 0xff) {
      return p + 3 + LittleEndian.uint16(page, p + 1);
    }
    return p + 1 + storedLen;
  }

  private static int recordLength(int scriptLength) {
    return (scriptLength < 0xff ? 1 : 3) + scriptLength + 8;
  }

  private int append(byte[] script, int len, long id) {
    int rec = recordLength(len);
    if (pageCount == 0 || writePos + rec > pages[pageCount - 1].length) {
      newPage(rec);
    }
    byte[] page = pages[pageCount - 1];
    int p = writePos;
    int ref = ((pageCount - 1) << PAGE_BITS) | p;
    if (len < 0xff) {
      page[p++] = (byte) len;
    } else {
      page[p++] = (byte) 0xff;
      LittleEndian.putInt16(page, p, len);
      p += 2;
    }
    System.arraycopy(script, 0, page, p, len);
    p += len;
    LittleEndian.putInt64(page, p, id);
    writePos = p + 8;
    liveBytes += rec;
    return ref;
  }

  private void newPage(int minRecord) {
    if (pageCount == MAX_PAGES) {
      throw new IllegalStateException("script index arena is full (2 GiB)");
    }
    int size = pageCount == 0 ? FIRST_PAGE_SIZE : Math.min(MAX_PAGE_SIZE, pages[pageCount - 1].length * 2);
    size = Math.max(size, minRecord + 1);
    if (pageCount == pages.length) {
      pages = Arrays.copyOf(pages, pages.length * 2);
    }
    pages[pageCount++] = new byte[size];
    // Position 0 of page 0 is never used, so ref 0 (and slot value 0) can mean "empty".
    writePos = pageCount == 1 ? 1 : 0;
  }

  private void deleteSlot(int i) {
    long[] s = slots;
    int m = mask;
    int hole = i;
    int j = i;
    while (true) {
      j = (j + 1) & m;
      long e = s[j];
      if (e == 0) {
        break;
      }
      int home = (int) (e >>> 32) & m;
      // Move e into the hole unless its home lies cyclically in (hole, j]: then it must stay.
      boolean stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!stays) {
        s[hole] = e;
        hole = j;
      }
    }
    s[hole] = 0;
  }

  private void allocateSlots(int capacity) {
    slots = new long[capacity];
    mask = capacity - 1;
    resizeAt = (int) ((long) capacity * 3 / 4);
  }

  private void allocateAndRehash(int capacity) {
    long[] old = slots;
    allocateSlots(capacity);
    for (long e : old) {
      if (e != 0) {
        int i = (int) (e >>> 32) & mask;
        while (slots[i] != 0) {
          i = (i + 1) & mask;
        }
        slots[i] = e;
      }
    }
  }

  // Copies live records into fresh pages; slots keep their position, only refs change.
  private void compact() {
    byte[][] oldPages = pages;
    pages = new byte[8][];
    pageCount = 0;
    writePos = 0;
    liveBytes = 0;
    garbageBytes = 0;
    byte[] scratch = new byte[MAX_SCRIPT_LENGTH];
    for (int i = 0; i < slots.length; i++) {
      long e = slots[i];
      if (e == 0) {
        continue;
      }
      int ref = (int) e;
      byte[] page = oldPages[ref >>> PAGE_BITS];
      int p = ref & POS_MASK;
      int len = page[p] & 0xff;
      if (len == 0xff) {
        len = LittleEndian.uint16(page, p + 1);
        p += 3;
      } else {
        p += 1;
      }
      System.arraycopy(page, p, scratch, 0, len);
      long id = LittleEndian.int64(page, p + len);
      int newRef = append(scratch, len, id);
      slots[i] = (e & 0xffffffff00000000L) | (newRef & 0xffffffffL);
    }
  }

  /** A 32-bit hash of the bytes; reads 8 bytes at a time (scripts are 22 to 35 bytes typically). */
  static int hash(byte[] a, int off, int len) {
    long h = 0x9E3779B97F4A7C15L ^ len;
    int i = 0;
    for (; i + 8 <= len; i += 8) {
      h ^= LittleEndian.int64(a, off + i) * 0xC2B2AE3D27D4EB4FL;
      h = Long.rotateLeft(h, 31) * 0x9E3779B97F4A7C15L;
    }
    long tail = 0;
    for (int shift = 0; i < len; i++, shift += 8) {
      tail |= (a[off + i] & 0xffL) << shift;
    }
    h ^= tail * 0xC2B2AE3D27D4EB4FL;
    // fmix64 from MurmurHash3: spreads every input bit over the low bits used for the slot.
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (int) h;
  }
}
