package me.flashapp.gateway.ledger;

/**
 * Ledger account names. A name is {@code kind} or {@code kind:id}; the kind decides whether the
 * balance may go negative. Customer and merchant money ({@code card:}, {@code store:}) never may;
 * the bookkeeping counterparts for money entering or leaving the ledger may.
 */
public final class Accounts {
  /** Money that entered through a top-up invoice (on-chain or Lightning), before it is on a card. */
  public static final String TOPUP_CLEARING = "topup-clearing";
  /** Payouts sent to Lightning but not yet known to have succeeded. */
  public static final String PAYOUTS_IN_FLIGHT = "payouts-in-flight";
  /** Routing and service fees. */
  public static final String FEES = "fees";
  /** The world outside the ledger (payouts that left, corrections). */
  public static final String EXTERNAL = "external";

  private static final int MAX_LENGTH = 100;

  private Accounts() {}

  public static String card(String cardId) {
    return "card:" + cardId;
  }

  public static String store(String storeId) {
    return "store:" + storeId;
  }

  /** Whether an account of this name may hold a negative balance. */
  public static boolean mayGoNegative(String account) {
    return !(account.startsWith("card:") || account.startsWith("store:"));
  }

  /**
   * Whether a line updates its account's row in the transaction that posts it. Debits of accounts
   * that must not go negative do, under the row's lock and checked against the balance; so does
   * every line of a card account, whose row only that card's own transactions touch. Every other
   * line (a credit to a store, any line of the bookkeeping accounts) cannot break the
   * non-negative rule and waits in {@code ledger_unapplied} instead, so that the taps of one
   * store do not queue on its row (see V12).
   */
  public static boolean appliedAtOnce(String account, long sats) {
    return !mayHaveUnapplied(account) || (sats < 0 && !mayGoNegative(account));
  }

  /** Whether lines of this account may wait in {@code ledger_unapplied}: all but cards'. */
  static boolean mayHaveUnapplied(String account) {
    return !account.startsWith("card:");
  }

  /** Whether this is a well-formed account name (checked by {@link Journal#validate()}). */
  public static boolean isValid(String account) {
    if (account == null || account.isEmpty() || account.length() > MAX_LENGTH) {
      return false;
    }
    if (account.equals(TOPUP_CLEARING) || account.equals(PAYOUTS_IN_FLIGHT) || account.equals(FEES)
        || account.equals(EXTERNAL)) {
      return true;
    }
    int colon = account.indexOf(':');
    if (colon <= 0 || colon == account.length() - 1) {
      return false;
    }
    String kind = account.substring(0, colon);
    return kind.equals("card") || kind.equals("store");
  }
}
