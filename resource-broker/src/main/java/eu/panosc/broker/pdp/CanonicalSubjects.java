package eu.panosc.broker.pdp;

import eu.panosc.broker.model.Caller;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The canonical user id behind a caller, which the PDP's proposals and members name: the token's {@code voperson_id}
 * when released, else the aai-broker's resolution of the pairwise {@code sub} for the token's client
 * ({@code POST /aai/v1/resolve} {@code {"client", "sub"}}, scope {@code aai:resolve}); a sub the aai-broker does not
 * know (404) is taken as it is. Resolved ids are remembered (at most 10 000, then forgotten together).
 */
public final class CanonicalSubjects {
  static final String SCOPE = "aai:resolve";
  private static final int MAX = 10_000;

  private final WebClient web;
  private final ServiceTokens tokens;
  private final URI resolveEndpoint;
  private final Map<String, String> known = new ConcurrentHashMap<>();

  public CanonicalSubjects(WebClient web, ServiceTokens tokens, URI resolveEndpoint) {
    this.web = Objects.requireNonNull(web, "web");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.resolveEndpoint = Objects.requireNonNull(resolveEndpoint, "resolveEndpoint");
  }

  public Future<String> of(Caller caller) {
    if (caller.canonical().isPresent()) {
      return Future.succeededFuture(caller.canonical().get());
    }
    if (caller.client().isEmpty()) {
      return Future.succeededFuture(caller.user());
    }
    String key = caller.client().get() + " " + caller.user();
    String hit = known.get(key);
    if (hit != null) {
      return Future.succeededFuture(hit);
    }
    JsonObject body = new JsonObject().put("client", caller.client().get()).put("sub", caller.user());
    return call(body).compose(r -> {
      if (r.statusCode() == 401) {
        tokens.forget(SCOPE);
        return call(body);
      }
      return Future.succeededFuture(r);
    }).compose(r -> {
      String user;
      if (r.statusCode() == 404) {
        user = caller.user();
      } else if (r.statusCode() == 200 && new JsonObject(r.bodyAsString()).getValue("user") instanceof String u
          && !u.isBlank()) {
        user = u;
      } else {
        return Future.failedFuture(new IllegalStateException("the aai-broker's subject resolution answered HTTP "
            + r.statusCode()));
      }
      if (known.size() >= MAX) {
        known.clear();
      }
      known.put(key, user);
      return Future.succeededFuture(user);
    });
  }

  private Future<io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer>> call(JsonObject body) {
    return tokens.token(SCOPE).compose(t -> web.postAbs(resolveEndpoint.toString())
        .timeout(tokens.timeout().toMillis()).putHeader("Authorization", "Bearer " + t)
        .putHeader("Accept", "application/json").sendJsonObject(body)
        .recover(e -> Future.failedFuture(new IllegalStateException("the aai-broker's subject resolution is "
            + "unreachable (" + e.getClass().getSimpleName() + ")"))));
  }
}
