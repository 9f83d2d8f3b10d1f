package me.flashapp.gateway.ledger;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One ledger movement: lines in whole satoshis that sum to zero, posted at most once per
 * idempotency key. A positive amount credits (increases) an account's balance, a negative one
 * debits it; a card payment is {@code card:<id> -n, store:<id> +n}.
 *
 * <p>{@link #validate()} is pure (no I/O) so it can be unit-tested and benchmarked; the database
 * checks the zero sum again at commit with a deferred constraint trigger.
 *
 * @param idempotencyKey unique per movement: a second posting with the same key posts nothing
 * @param kind what kind of movement (card-payment, card-topup, ...), for history and reports
 * @param invoiceId the invoice the movement belongs to, or null
 */
public record Journal(String idempotencyKey, String kind, String invoiceId, List<Line> lines) {
  /** One line: an account and a signed amount of sats. */
  public record Line(String account, long sats) {}

  public Journal {
    lines = List.copyOf(lines);
  }

  /** A two-line transfer of {@code sats} from one account to another. */
  public static Journal transfer(String idempotencyKey, String kind, String invoiceId, String from, String to,
                                 long sats) {
    return new Journal(idempotencyKey, kind, invoiceId, List.of(new Line(from, Math.negateExact(sats)),
        new Line(to, sats)));
  }

  /**
   * Checks the journal: a key and kind, at least two lines, no zero amount, distinct well-formed
   * accounts, and a sum of exactly zero (overflow is an error, never a wrap-around).
   *
   * @return this, for chaining
   * @throws InvalidJournalException naming the first problem found
   */
  public Journal validate() {
    if (idempotencyKey == null || idempotencyKey.isEmpty() || idempotencyKey.length() > 200) {
      throw new InvalidJournalException("idempotency key must be 1 to 200 characters");
    }
    if (kind == null || kind.isEmpty()) {
      throw new InvalidJournalException("kind is required");
    }
    if (lines.size() < 2) {
      throw new InvalidJournalException("a journal needs at least two lines");
    }
    long sum = 0;
    Set<String> seen = lines.size() <= 4 ? null : new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      Line l = lines.get(i);
      if (!Accounts.isValid(l.account())) {
        throw new InvalidJournalException("line " + i + ": malformed account");
      }
      if (l.sats() == 0) {
        throw new InvalidJournalException("line " + i + ": zero amount");
      }
      if (seen != null ? !seen.add(l.account()) : appearsBefore(i)) {
        throw new InvalidJournalException("line " + i + ": account " + l.account() + " appears twice");
      }
      try {
        sum = Math.addExact(sum, l.sats());
      } catch (ArithmeticException e) {
        throw new InvalidJournalException("amounts overflow");
      }
    }
    if (sum != 0) {
      throw new InvalidJournalException("lines sum to " + sum + ", not zero");
    }
    return this;
  }

  // Journals are nearly always two lines: a quadratic scan beats allocating a set.
  private boolean appearsBefore(int i) {
    String account = lines.get(i).account();
    for (int j = 0; j < i; j++) {
      if (lines.get(j).account().equals(account)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The lines ordered by account name. Balances are updated in this order so two journals that
   * touch the same accounts lock them in the same order and cannot deadlock.
   */
  public List<Line> linesInLockOrder() {
    List<Line> sorted = new ArrayList<>(lines);
    sorted.sort(Comparator.comparing(Line::account));
    return sorted;
  }

  /** A journal that breaks the double-entry rules; a programming error, never user input. */
  public static final class InvalidJournalException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidJournalException(String message) {
      super(Objects.requireNonNull(message));
    }
  }
}
