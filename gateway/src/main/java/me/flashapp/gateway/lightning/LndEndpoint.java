package me.flashapp.gateway.lightning;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import me.flashapp.gateway.invoice.PaymentMethodConfigException;

/**
 * Everything needed to call one LND node: address, macaroon (hex, sent in the {@code macaroon}
 * header) and the SHA-256 of its TLS certificate (the only certificate accepted).
 * {@link #toString()} never prints the macaroon.
 */
public record LndEndpoint(String host, int port, String macaroonHex, String certSha256Hex) {

  public String node() {
    return host + ":" + port;
  }

  /** Resolves a connection string, reading the files it names without blocking the event loop. */
  public static Future<LndEndpoint> resolve(Vertx vertx, LndConnectionString c) {
    Future<String> macaroon = c.macaroonHex() != null ? Future.succeededFuture(c.macaroonHex())
        : read(vertx, c.macaroonFilePath(), "macaroonfilepath").map(b -> HexFormat.of().formatHex(b));
    Future<String> cert = c.certThumbprint() != null ? Future.succeededFuture(c.certThumbprint())
        : read(vertx, c.certFilePath(), "certfilepath").map(LndEndpoint::pemThumbprint);
    return Future.all(macaroon, cert).map(v -> new LndEndpoint(c.host(), c.port(), macaroon.result(), cert.result()));
  }

  /** The server's own node from GATEWAY_LND_GRPC_URL, GATEWAY_LND_MACAROON_PATH, GATEWAY_LND_TLS_CERT_PATH. */
  public static Future<LndEndpoint> internal(Vertx vertx, String grpcUrl, String macaroonPath, String certPath) {
    if (grpcUrl == null || macaroonPath == null || certPath == null) {
      return Future.failedFuture(new IllegalStateException(
          "the internal node needs GATEWAY_LND_GRPC_URL, GATEWAY_LND_MACAROON_PATH and GATEWAY_LND_TLS_CERT_PATH"));
    }
    LndConnectionString c = LndConnectionString.parse("type=lnd-grpc;server=" + grpcUrl + ";macaroonfilepath="
        + macaroonPath + ";certfilepath=" + certPath);
    return resolve(vertx, c);
  }

  private static Future<byte[]> read(Vertx vertx, String path, String key) {
    return vertx.fileSystem().readFile(path).map(b -> b.getBytes())
        .recover(err -> Future.failedFuture(new PaymentMethodConfigException(LndConnectionString.PATH,
            key + " '" + path + "' cannot be read: " + err.getMessage())));
  }

  /** SHA-256 of the DER of the first certificate in a PEM file (LND's tls.cert). */
  static String pemThumbprint(byte[] pem) {
    String text = new String(pem, java.nio.charset.StandardCharsets.US_ASCII);
    int begin = text.indexOf("-----BEGIN CERTIFICATE-----");
    int end = text.indexOf("-----END CERTIFICATE-----");
    if (begin < 0 || end < begin) {
      throw new PaymentMethodConfigException(LndConnectionString.PATH, "certfilepath is not a PEM certificate");
    }
    byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
    return sha256Hex(der);
  }

  static String sha256Hex(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "LndEndpoint[" + node() + ", cert sha256 " + certSha256Hex + "]";
  }
}
