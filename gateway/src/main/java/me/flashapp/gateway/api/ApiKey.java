package me.flashapp.gateway.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An authenticated caller: the hash of its key (never the key), its label and permissions.
 * {@link #toString()} shows no key material.
 */
public record ApiKey(byte[] keyHash, String label, List<Permission> permissions) {

  public boolean can(String policy, String storeId) {
    for (Permission p : permissions) {
      if (p.grants(policy, storeId)) {
        return true;
      }
    }
    return false;
  }

  /** Whether it holds {@code policy} for every store (unscoped). */
  public boolean canEverywhere(String policy) {
    for (Permission p : permissions) {
      if (p.storeId() == null && Policies.implies(p.policy(), policy)) {
        return true;
      }
    }
    return false;
  }

  /** The stores named by scoped grants of {@code policy}. */
  public Set<String> scopedStores(String policy) {
    List<String> out = new ArrayList<>();
    for (Permission p : permissions) {
      if (p.storeId() != null && Policies.implies(p.policy(), policy)) {
        out.add(p.storeId());
      }
    }
    return Set.copyOf(out);
  }

  /** Fails with 403 unless the key has {@code policy} on {@code storeId}. */
  public void require(String policy, String storeId) {
    if (!can(policy, storeId)) {
      throw ApiException.forbidden(policy);
    }
  }

  public List<String> permissionStrings() {
    return permissions.stream().map(Permission::toString).toList();
  }

  @Override
  public String toString() {
    return "ApiKey[" + label + "]";
  }
}
