package me.flashapp.gateway.api;

/**
 * One granted policy, optionally scoped to one store ({@code btcpay.store.canviewinvoices:STOREID}).
 * An unscoped store policy covers every store on the server.
 */
public record Permission(String policy, String storeId) {

  /** Parses {@code policy} or {@code policy:storeId}; null if malformed or unknown. */
  public static Permission parse(String s) {
    if (s == null) {
      return null;
    }
    int colon = s.indexOf(':');
    String policy = colon < 0 ? s : s.substring(0, colon);
    String store = colon < 0 ? null : s.substring(colon + 1);
    if (!Policies.isKnown(policy)) {
      return null;
    }
    if (store != null && (!Policies.isStorePolicy(policy) || !store.matches("[A-Za-z0-9]{1,64}"))) {
      return null;
    }
    return new Permission(policy, store);
  }

  /** Whether this grant allows {@code policy} on {@code store} (null = a server-level action). */
  public boolean grants(String wantedPolicy, String store) {
    if (!Policies.implies(policy, wantedPolicy)) {
      return false;
    }
    return storeId == null || storeId.equals(store);
  }

  /** Whether this grant is at least as wide as {@code other}: a key may only hand out what it has. */
  public boolean covers(Permission other) {
    return Policies.implies(policy, other.policy) && (storeId == null || storeId.equals(other.storeId));
  }

  @Override
  public String toString() {
    return storeId == null ? policy : policy + ":" + storeId;
  }
}
