package me.flashapp.gateway.api;

import io.vertx.ext.web.RoutingContext;

/** The base of links the gateway hands out: GATEWAY_PUBLIC_URL, else the request's own origin. */
public final class Links {
  private final String publicUrl;

  public Links(String publicUrl) {
    this.publicUrl = publicUrl;
  }

  public String base(RoutingContext ctx) {
    if (publicUrl != null) {
      return publicUrl;
    }
    String authority = ctx.request().authority() == null ? "localhost" : ctx.request().authority().toString();
    return ctx.request().scheme() + "://" + authority;
  }

  public String checkout(RoutingContext ctx, String invoiceId) {
    return base(ctx) + "/i/" + invoiceId;
  }
}
