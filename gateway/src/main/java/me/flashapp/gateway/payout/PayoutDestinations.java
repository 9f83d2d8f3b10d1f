package me.flashapp.gateway.payout;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import me.flashapp.gateway.card.Card;
import me.flashapp.gateway.card.CardLnurlPay;
import me.flashapp.gateway.lightning.Bolt11;
import me.flashapp.gateway.lightning.Bolt11Invoice;
import me.flashapp.gateway.lightning.Bolt11Network;
import me.flashapp.gateway.lightning.Lnurl;

/**
 * Turns a payout destination into something payable: a BOLT11 invoice (as given, or fetched from
 * an LNURL-pay service or a Lightning address, LUD-06/LUD-16, and then checked to be for exactly
 * the amount and to commit to the service's metadata), or one of this gateway's own Flash
 * Cards when the destination is a card's LNURL-pay ({@code .../boltcard/pay?p=..}). The card is
 * recognised by its p decrypting under our issuer key, not by the host, so only a tap of one of
 * our cards can name it.
 */
public final class PayoutDestinations {
  /** A resolved destination: exactly one of {@code card} and {@code bolt11} is set. */
  public record Resolved(Card card, String bolt11) {}

  /** The destination cannot be paid; the message is safe to show to the client. */
  public static final class InvalidDestinationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidDestinationException(String message) {
      super(message, null, false, false);
    }
  }

  private final WebClient http;
  private final CardLnurlPay cards;
  private final Bolt11Network network;

  public PayoutDestinations(WebClient http, CardLnurlPay cards, Bolt11Network network) {
    this.http = http;
    this.cards = cards;
    this.network = network;
  }

  /** Whether {@code destination} looks like something {@link #resolve} understands (no I/O). */
  public static boolean isWellFormed(String d) {
    String s = d.toLowerCase(Locale.ROOT);
    return s.startsWith("ln") || s.startsWith("lightning:") || s.matches("[a-z0-9._+-]+@[a-z0-9.-]+(:[0-9]+)?");
  }

  /** Resolves {@code destination} for a payment of exactly {@code sats}. */
  public Future<Resolved> resolve(String destination, long sats) {
    String d = destination.strip();
    if (d.regionMatches(true, 0, "lightning:", 0, 10)) {
      d = d.substring(10);
    }
    String lower = d.toLowerCase(Locale.ROOT);
    try {
      if (lower.startsWith("lnurl")) {
        return url(Lnurl.decode(d), sats);
      }
      if (d.contains("@")) {
        String user = d.substring(0, d.indexOf('@'));
        String host = d.substring(d.indexOf('@') + 1);
        String scheme = host.startsWith("localhost") || host.startsWith("127.0.0.1") ? "http" : "https";
        return url(scheme + "://" + host + "/.well-known/lnurlp/" + user, sats);
      }
      return Future.succeededFuture(new Resolved(null, checked(Bolt11.decode(d), sats * 1_000L)));
    } catch (InvalidDestinationException e) {
      return Future.failedFuture(e);
    } catch (IllegalArgumentException e) { // Bolt11Exception included
      return Future.failedFuture(new InvalidDestinationException("destination is not a BOLT11 invoice, LNURL or"
          + " Lightning address: " + e.getMessage()));
    }
  }

  private String checked(Bolt11Invoice b, long msat) {
    if (b.network() != network) {
      throw new InvalidDestinationException("the invoice is for another network");
    }
    if (b.amountMsat().isEmpty() || b.amountMsat().getAsLong() != msat) {
      throw new InvalidDestinationException("the invoice must be for exactly " + msat + " msat");
    }
    return b.paymentRequest();
  }

  private Future<Resolved> url(String url, long sats) {
    URI uri = URI.create(url);
    if (uri.getPath() != null && uri.getPath().endsWith("/boltcard/pay") && uri.getRawQuery() != null) {
      String p = param(uri.getRawQuery(), "p");
      if (p != null) {
        return cards.card(p).map(card -> new Resolved(card, null))
            .recover(err -> Future.failedFuture(new InvalidDestinationException("unknown card")));
      }
    }
    long msat = Math.multiplyExact(sats, 1_000L);
    return get(url).compose(pay -> {
      if (!"payRequest".equals(pay.getString("tag")) || pay.getString("callback") == null) {
        throw new InvalidDestinationException("the LNURL is not an LNURL-pay");
      }
      if (!(pay.getValue("metadata") instanceof String metadata)) {
        throw new InvalidDestinationException("the LNURL-pay service gave no metadata");
      }
      if (msat < pay.getLong("minSendable", 0L) || msat > pay.getLong("maxSendable", Long.MAX_VALUE)) {
        throw new InvalidDestinationException("the amount is outside what the LNURL-pay service accepts");
      }
      String cb = pay.getString("callback");
      return get(cb + (cb.contains("?") ? "&" : "?") + "amount=" + msat).map(invoice -> {
        if (invoice.getString("pr") == null) {
          throw new InvalidDestinationException("the LNURL-pay service gave no invoice: " + invoice.getString("reason"));
        }
        Bolt11Invoice b;
        try {
          b = Bolt11.decode(invoice.getString("pr"));
        } catch (IllegalArgumentException e) { // Bolt11Exception included
          throw new InvalidDestinationException("the LNURL-pay service gave an invalid invoice: " + e.getMessage());
        }
        String pr = checked(b, msat);
        commitsTo(b, metadata);
        return new Resolved(null, pr);
      });
    });
  }

  /**
   * LUD-06: the wallet must check that the invoice's description_hash is the SHA-256 of the
   * metadata it was served; otherwise the service could have us pay an invoice for something else
   * (someone else's, reused from another payer) while claiming it is for this payee.
   */
  private static void commitsTo(Bolt11Invoice b, String metadata) {
    byte[] expected = Lnurl.metadataHash(metadata);
    if (b.descriptionHash().filter(h -> MessageDigest.isEqual(h, expected)).isEmpty()) {
      throw new InvalidDestinationException(b.descriptionHash().isEmpty()
          ? "the LNURL-pay invoice has no description_hash: it does not commit to the service's metadata (LUD-06)"
          : "the LNURL-pay invoice's description_hash is not the SHA-256 of the service's metadata (LUD-06)");
    }
  }

  private Future<JsonObject> get(String url) {
    return http.getAbs(url).send().map(r -> {
      if (r.statusCode() != 200) {
        throw new InvalidDestinationException("the LNURL service answered HTTP " + r.statusCode());
      }
      JsonObject json = r.bodyAsJsonObject();
      if ("ERROR".equals(json.getString("status"))) {
        throw new InvalidDestinationException("the LNURL service refused: " + json.getString("reason"));
      }
      return json;
    }).recover(err -> Future.failedFuture(err instanceof InvalidDestinationException ? err
        : new InvalidDestinationException("the LNURL service could not be reached: " + err.getMessage())));
  }

  private static String param(String rawQuery, String name) {
    for (String kv : rawQuery.split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0 && kv.substring(0, eq).equals(name)) {
        return URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
