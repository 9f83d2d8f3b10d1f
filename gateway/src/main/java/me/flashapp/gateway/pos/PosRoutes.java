package me.flashapp.gateway.pos;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import me.flashapp.gateway.api.ApiException;
import me.flashapp.gateway.api.Auth;
import me.flashapp.gateway.api.Links;
import me.flashapp.gateway.db.Ids;

/** Mounts the POS WebSocket, {@code /api/v1/stores/{storeId}/ws} (docs/pos-websocket.md). */
public final class PosRoutes {
  public static final String PATH = "/api/v1/stores/:storeId/ws";

  private PosRoutes() {}

  /**
   * Registers the upgrade ahead of every other route ({@code order(-1)}): the socket authenticates
   * itself (header or first message, since browsers cannot set headers on an upgrade), so the
   * API's header-only auth and the body handler must not see it.
   */
  public static void mount(Vertx vertx, Router router, Links links, PosSocket.Deps deps) {
    router.route(PATH).order(-1).handler(ctx -> {
      String storeId = ctx.pathParam("storeId");
      if (!Ids.looksLikeId(storeId)) {
        ctx.fail(ApiException.storeNotFound());
        return;
      }
      String token = Auth.rawToken(ctx);
      String base = links.base(ctx);
      ctx.request().toWebSocket()
          .onSuccess(ws -> new PosSocket(vertx, ws, storeId, base, deps).start(token))
          .onFailure(err -> {
            if (!ctx.response().ended()) {
              ctx.fail(ApiException.badRequest("websocket-required", "This endpoint needs a WebSocket upgrade"));
            }
          });
    });
  }
}
