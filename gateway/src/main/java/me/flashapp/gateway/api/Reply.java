package me.flashapp.gateway.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** A response to send: status and JSON text. Lets a transaction return what it decided. */
public record Reply(int status, String json) {
  public static Reply ok(JsonObject body) {
    return new Reply(200, body.encode());
  }

  public static Reply ok(JsonArray body) {
    return new Reply(200, body.encode());
  }

  public static Reply ok(String json) {
    return new Reply(200, json);
  }

  public void send(RoutingContext ctx) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(json);
  }
}
