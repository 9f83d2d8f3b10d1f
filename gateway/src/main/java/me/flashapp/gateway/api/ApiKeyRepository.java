package me.flashapp.gateway.api;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** API keys, stored only as SHA-256 hashes. */
public final class ApiKeyRepository {
  static final String INSERT = "INSERT INTO api_keys (key_hash, label, permissions, created_at) VALUES ($1, $2, $3, $4)"
      + " ON CONFLICT (key_hash) DO NOTHING";
  static final String FIND = "SELECT label, permissions FROM api_keys WHERE key_hash = $1";
  static final String DELETE = "DELETE FROM api_keys WHERE key_hash = $1";

  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeyRepository() {}

  /** A new random key: 40 hex characters (160 bits), the shape BTCPay hands out. */
  public static String newKey() {
    byte[] b = new byte[20];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  public static byte[] hash(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stores a key; a key that exists already is left as it is (idempotent bootstrap). */
  public static Future<Boolean> insert(SqlClient db, String key, String label, List<Permission> permissions, Instant now) {
    String[] perms = permissions.stream().map(Permission::toString).toArray(String[]::new);
    return db.preparedQuery(INSERT)
        .execute(Tuple.of(hash(key), label, perms, now.atOffset(ZoneOffset.UTC)))
        .map(rs -> rs.rowCount() == 1);
  }

  /** The key with this hash, or null. */
  public static Future<ApiKey> find(SqlClient db, byte[] keyHash) {
    return db.preparedQuery(FIND).execute(Tuple.of(keyHash)).map(rows -> toKey(keyHash, rows));
  }

  public static Future<Boolean> delete(SqlClient db, byte[] keyHash) {
    return db.preparedQuery(DELETE).execute(Tuple.of(keyHash)).map(rs -> rs.rowCount() == 1);
  }

  private static ApiKey toKey(byte[] hash, RowSet<Row> rows) {
    if (rows.size() == 0) {
      return null;
    }
    Row row = rows.iterator().next();
    List<Permission> perms = new ArrayList<>();
    for (String s : row.getArrayOfStrings("permissions")) {
      Permission p = Permission.parse(s);
      if (p != null) {
        perms.add(p);
      }
    }
    return new ApiKey(hash, row.getString("label"), List.copyOf(perms));
  }
}
