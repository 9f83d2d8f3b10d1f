package me.flashapp.gateway.api;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * BTCPay Server's permission names and what each implies (a policy grants its children,
 * transitively). Store policies may be scoped to one store as {@code policy:storeId}.
 */
public final class Policies {
  public static final String UNRESTRICTED = "unrestricted";
  public static final String SERVER_MODIFY = "btcpay.server.canmodifyserversettings";
  public static final String SERVER_USE_INTERNAL_LIGHTNING = "btcpay.server.canuseinternallightningnode";
  public static final String USER_MODIFY_PROFILE = "btcpay.user.canmodifyprofile";
  public static final String USER_VIEW_PROFILE = "btcpay.user.canviewprofile";

  public static final String STORE_MODIFY_SETTINGS = "btcpay.store.canmodifystoresettings";
  public static final String STORE_VIEW_SETTINGS = "btcpay.store.canviewstoresettings";
  public static final String STORE_MODIFY_INVOICES = "btcpay.store.canmodifyinvoices";
  public static final String STORE_VIEW_INVOICES = "btcpay.store.canviewinvoices";
  public static final String STORE_CREATE_INVOICE = "btcpay.store.cancreateinvoice";
  public static final String STORE_MODIFY_WEBHOOKS = "btcpay.store.webhooks.canmodifywebhooks";
  public static final String STORE_USE_LIGHTNING = "btcpay.store.canuselightningnode";
  public static final String STORE_CREATE_LIGHTNING_INVOICE = "btcpay.store.cancreatelightninginvoice";
  public static final String STORE_VIEW_LIGHTNING_INVOICE = "btcpay.store.canviewlightninginvoice";
  public static final String STORE_MANAGE_PULL_PAYMENTS = "btcpay.store.canmanagepullpayments";
  public static final String STORE_CREATE_PULL_PAYMENTS = "btcpay.store.cancreatepullpayments";
  public static final String STORE_CREATE_NON_APPROVED_PULL_PAYMENTS = "btcpay.store.cancreatenonapprovedpullpayments";
  public static final String STORE_VIEW_PULL_PAYMENTS = "btcpay.store.canviewpullpayments";
  public static final String STORE_MANAGE_PAYOUTS = "btcpay.store.canmanagepayouts";
  public static final String STORE_VIEW_PAYOUTS = "btcpay.store.canviewpayouts";
  public static final String STORE_MODIFY_PAYMENT_REQUESTS = "btcpay.store.canmodifypaymentrequests";
  public static final String STORE_VIEW_PAYMENT_REQUESTS = "btcpay.store.canviewpaymentrequests";

  /** Direct children of each policy, as BTCPay defines them. */
  private static final Map<String, List<String>> CHILDREN = Map.of(
      SERVER_MODIFY, List.of(SERVER_USE_INTERNAL_LIGHTNING),
      USER_MODIFY_PROFILE, List.of(USER_VIEW_PROFILE),
      STORE_MODIFY_SETTINGS, List.of(STORE_VIEW_SETTINGS, STORE_MODIFY_INVOICES, STORE_MODIFY_WEBHOOKS,
          STORE_USE_LIGHTNING, STORE_MANAGE_PULL_PAYMENTS, STORE_MANAGE_PAYOUTS, STORE_MODIFY_PAYMENT_REQUESTS),
      STORE_VIEW_SETTINGS, List.of(STORE_VIEW_INVOICES, STORE_VIEW_PULL_PAYMENTS, STORE_VIEW_PAYOUTS,
          STORE_VIEW_PAYMENT_REQUESTS),
      STORE_MODIFY_INVOICES, List.of(STORE_VIEW_INVOICES, STORE_CREATE_INVOICE, STORE_CREATE_LIGHTNING_INVOICE),
      STORE_USE_LIGHTNING, List.of(STORE_VIEW_LIGHTNING_INVOICE, STORE_CREATE_LIGHTNING_INVOICE),
      STORE_MANAGE_PULL_PAYMENTS, List.of(STORE_CREATE_PULL_PAYMENTS, STORE_VIEW_PULL_PAYMENTS),
      STORE_CREATE_PULL_PAYMENTS, List.of(STORE_CREATE_NON_APPROVED_PULL_PAYMENTS),
      STORE_MANAGE_PAYOUTS, List.of(STORE_VIEW_PAYOUTS),
      STORE_MODIFY_PAYMENT_REQUESTS, List.of(STORE_VIEW_PAYMENT_REQUESTS));

  private static final Set<String> SERVER_LEVEL = Set.of(UNRESTRICTED, SERVER_MODIFY, SERVER_USE_INTERNAL_LIGHTNING,
      USER_MODIFY_PROFILE, USER_VIEW_PROFILE);

  private static final Set<String> ALL;

  static {
    Set<String> all = new HashSet<>(SERVER_LEVEL);
    CHILDREN.forEach((k, v) -> {
      all.add(k);
      all.addAll(v);
    });
    ALL = Set.copyOf(all);
  }

  private Policies() {}

  public static boolean isKnown(String policy) {
    return ALL.contains(policy);
  }

  public static boolean isStorePolicy(String policy) {
    return policy.startsWith("btcpay.store.");
  }

  /** Whether holding {@code held} grants {@code wanted}. */
  public static boolean implies(String held, String wanted) {
    if (held.equals(wanted) || held.equals(UNRESTRICTED)) {
      return true;
    }
    for (String child : CHILDREN.getOrDefault(held, List.of())) {
      if (implies(child, wanted)) {
        return true;
      }
    }
    return false;
  }
}
