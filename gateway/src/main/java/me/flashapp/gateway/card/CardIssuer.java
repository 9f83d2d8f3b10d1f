package me.flashapp.gateway.card;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.HexFormat;

/**
 * The server's Bolt Card issuer: the issuer key every card's keys derive from, and the SUN
 * decoding that needs only its K1.
 *
 * <p>At rest the issuer key is sealed with {@link KeyVault} under the card master key, which lives
 * outside the database: {@code GATEWAY_CARD_MASTER_KEY}, or else a file generated on first start
 * in the data directory ({@value #MASTER_KEY_FILE}, owner-only). Neither key is ever logged.
 */
public final class CardIssuer {
  static final String MASTER_KEY_FILE = "card-master-key";
  static final String ISSUER_ID = "default";
  static final String FIND = "SELECT sealed_key FROM card_issuer_keys WHERE id = $1";
  static final String INSERT = "INSERT INTO card_issuer_keys (id, sealed_key, created_at) VALUES ($1, $2, $3)"
      + " ON CONFLICT (id) DO NOTHING";

  private final byte[] issuerKey;
  private final byte[] k1;
  // SunDecoder keeps cipher state: one per thread, all with the same K1.
  private final ThreadLocal<SunDecoder> decoders;

  CardIssuer(byte[] issuerKey) {
    this.issuerKey = issuerKey.clone();
    this.k1 = BoltCardKeys.k1(issuerKey);
    this.decoders = ThreadLocal.withInitial(() -> new SunDecoder(k1));
  }

  /** Loads (or on first start creates) the issuer key; file work runs off the event loop. */
  public static Future<CardIssuer> load(Vertx vertx, Pool pool, Path dataDir, String masterKeyHex, Clock clock) {
    return vertx.executeBlocking(() -> masterKey(dataDir, masterKeyHex)).compose(master -> {
      KeyVault vault = new KeyVault(master);
      byte[] aad = ("card-issuer:" + ISSUER_ID).getBytes(StandardCharsets.UTF_8);
      byte[] fresh = new byte[16];
      new SecureRandom().nextBytes(fresh);
      // Insert-if-absent then read back: when two nodes start at once, both use the winner's key.
      return pool.preparedQuery(INSERT)
          .execute(Tuple.of(ISSUER_ID, vault.seal(fresh, aad), clock.instant().atOffset(ZoneOffset.UTC)))
          .compose(v -> pool.preparedQuery(FIND).execute(Tuple.of(ISSUER_ID)))
          .map(rows -> new CardIssuer(vault.open(rows.iterator().next().getBuffer(0).getBytes(), aad)));
    });
  }

  private static byte[] masterKey(Path dataDir, String configuredHex) throws IOException {
    if (configuredHex != null) {
      return HexFormat.of().parseHex(configuredHex);
    }
    Path file = dataDir.resolve(MASTER_KEY_FILE);
    if (!Files.exists(file)) {
      Files.createDirectories(dataDir);
      Path tmp = Files.createTempFile(dataDir, MASTER_KEY_FILE, ".tmp");
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: rely on the data directory's own permissions
      }
      Files.writeString(tmp, HexFormat.of().formatHex(KeyVault.generateMasterKey()));
      try {
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        Files.deleteIfExists(tmp);
        if (!Files.exists(file)) {
          throw e;
        }
      }
    }
    String hex = Files.readString(file).trim();
    if (!hex.matches("[0-9a-fA-F]{64}")) {
      throw new IOException(file + " does not hold a 64-hex-character card master key");
    }
    return HexFormat.of().parseHex(hex);
  }

  /** The keys of one card at one version. */
  public BoltCardKeys keys(byte[] uid, long version) {
    return BoltCardKeys.derive(issuerKey, uid, version);
  }

  /** This thread's SUN decoder (K1 of this issuer). */
  public SunDecoder decoder() {
    return decoders.get();
  }

  @Override
  public String toString() {
    return "CardIssuer[redacted]";
  }
}
