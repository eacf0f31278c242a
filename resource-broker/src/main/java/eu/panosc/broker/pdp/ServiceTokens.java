package eu.panosc.broker.pdp;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The broker's own access tokens from the aai-broker's token endpoint (client_credentials,
 * {@code client_secret_basic}), one per scope, kept until 30 s before they expire; concurrent requests for one
 * scope share one call.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.4">RFC 6749 §4.4 client credentials</a>
 */
public final class ServiceTokens {
  private final WebClient web;
  private final URI tokenEndpoint;
  private final String clientId;
  private final String clientSecret;
  private final Duration timeout;
  private final Clock clock;
  private final Map<String, Token> tokens = new HashMap<>();
  private final Map<String, Future<Token>> fetching = new HashMap<>();

  private record Token(String value, Instant refreshAfter) {}

  public ServiceTokens(WebClient web, URI tokenEndpoint, String clientId, String clientSecret, Duration timeout,
      Clock clock) {
    this.web = Objects.requireNonNull(web, "web");
    this.tokenEndpoint = Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
    this.clientId = Objects.requireNonNull(clientId, "clientId");
    this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public String toString() {
    return "ServiceTokens[" + tokenEndpoint + ", client " + clientId + "]";
  }

  public Duration timeout() {
    return timeout;
  }

  /** A token for {@code scope}. */
  public synchronized Future<String> token(String scope) {
    Token t = tokens.get(scope);
    if (t != null && clock.instant().isBefore(t.refreshAfter())) {
      return Future.succeededFuture(t.value());
    }
    return fetching.computeIfAbsent(scope, s -> fetch(s).andThen(ar -> {
      synchronized (this) {
        fetching.remove(s);
        if (ar.succeeded()) {
          tokens.put(s, ar.result());
        }
      }
    })).map(Token::value);
  }

  /** Drops the token of {@code scope} (its resource server refused it). */
  public synchronized void forget(String scope) {
    tokens.remove(scope);
  }

  private Future<Token> fetch(String scope) {
    String basic = Base64.getEncoder().encodeToString((form(clientId) + ":" + form(clientSecret))
        .getBytes(StandardCharsets.UTF_8));
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials").add("scope", scope);
    Instant asked = clock.instant();
    return web.postAbs(tokenEndpoint.toString()).timeout(timeout.toMillis())
        .putHeader("Authorization", "Basic " + basic).putHeader("Accept", "application/json").sendForm(form)
        .recover(e -> Future.failedFuture(new IllegalStateException("the token endpoint is unreachable ("
            + e.getClass().getSimpleName() + ")")))
        .compose(r -> {
          JsonObject body;
          try {
            body = new JsonObject(r.bodyAsString());
          } catch (RuntimeException e) {
            body = new JsonObject();
          }
          if (r.statusCode() != 200 || !(body.getValue("access_token") instanceof String value)) {
            // RFC 6749 §5.2: the error code only, never the body
            String error = body.getValue("error") instanceof String s ? s : "HTTP " + r.statusCode();
            return Future.failedFuture(new IllegalStateException("the token endpoint refused client " + clientId
                + " (scope " + scope + "): " + error));
          }
          long expiresIn = body.getValue("expires_in") instanceof Number n ? n.longValue() : 60;
          return Future.succeededFuture(new Token(value, asked.plusSeconds(Math.max(0, expiresIn - 30))));
        });
  }

  /** RFC 6749 §2.3.1: form-encoded before Basic encoding. */
  private static String form(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
