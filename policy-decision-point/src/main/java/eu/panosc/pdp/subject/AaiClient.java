package eu.panosc.pdp.subject;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * The aai-broker's subject resolution over HTTP ({@code POST /aai/v1/resolve}, scope {@code aai:resolve})
 * with a client_credentials token from the token endpoint ({@code client_secret_basic}), kept until 30 s
 * before it expires. A 401 from the resolution endpoint drops the token and tries once more with a new
 * one. Answers the canonical user id, empty for a 404 (never issued at that facility), or fails with
 * {@link AaiUnavailableException} for anything else (unreachable, timeout, refused credentials).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.4">RFC 6749 §4.4 client credentials</a>
 */
public final class AaiClient {
  static final String SCOPE = "aai:resolve";
  private static final long EARLY_REFRESH_SECONDS = 30;

  private final WebClient web;
  private final AaiSettings settings;
  private final Clock clock;
  private final String scope;
  private Token token;
  private Future<Token> fetching;

  private record Token(String value, Instant refreshAfter) {}

  public AaiClient(WebClient web, AaiSettings settings, Clock clock) {
    this(web, settings, clock, SCOPE);
  }

  /** A client whose tokens carry {@code scope} instead (e.g. {@code registry:read} for the forward-auth's routes). */
  public AaiClient(WebClient web, AaiSettings settings, Clock clock, String scope) {
    this.web = Objects.requireNonNull(web, "web");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.scope = Objects.requireNonNull(scope, "scope");
  }

  /** A client_credentials access token of the PDP's client (kept until 30 s before it expires). */
  public Future<String> accessToken() {
    return token().map(Token::value);
  }

  /** The canonical id behind {@code sub} at {@code facility}, or empty when the aai-broker does not know it. */
  public Future<Optional<String>> resolve(String facility, String sub) {
    return token().compose(t -> call(t, facility, sub)).compose(r -> {
      if (r.statusCode() == 401) {
        forget();
        return token().compose(t -> call(t, facility, sub)).compose(this::answer);
      }
      return answer(r);
    });
  }

  private Future<HttpResponse<Buffer>> call(Token t, String facility, String sub) {
    return web.postAbs(settings.resolveEndpoint().toString())
        .timeout(settings.timeout().toMillis())
        .putHeader("Authorization", "Bearer " + t.value())
        .putHeader("Accept", "application/json")
        .sendJsonObject(new JsonObject().put("facility", facility).put("sub", sub))
        .recover(e -> Future.failedFuture(new AaiUnavailableException("the aai-broker's resolution endpoint is unreachable ("
            + e.getClass().getSimpleName() + ")", e)));
  }

  private Future<Optional<String>> answer(HttpResponse<Buffer> r) {
    if (r.statusCode() == 404) {
      return Future.succeededFuture(Optional.empty());
    }
    if (r.statusCode() != 200) {
      return Future.failedFuture(new AaiUnavailableException("the aai-broker's resolution endpoint answered "
          + r.statusCode()));
    }
    try {
      String user = new JsonObject(r.bodyAsString()).getString("user");
      if (user == null || user.isBlank()) {
        throw new DecodeException("no user");
      }
      return Future.succeededFuture(Optional.of(user));
    } catch (RuntimeException e) {
      return Future.failedFuture(new AaiUnavailableException("the aai-broker's resolution endpoint answered 200 without a user"));
    }
  }

  private synchronized void forget() {
    token = null;
  }

  private synchronized Future<Token> token() {
    if (token != null && clock.instant().isBefore(token.refreshAfter())) {
      return Future.succeededFuture(token);
    }
    if (fetching == null) {
      fetching = fetchToken().andThen(ar -> {
        synchronized (this) {
          fetching = null;
          if (ar.succeeded()) {
            token = ar.result();
          }
        }
      });
    }
    return fetching;
  }

  private Future<Token> fetchToken() {
    String basic = Base64.getEncoder().encodeToString((form(settings.clientId().orElseThrow()) + ":"
        + form(settings.clientSecret().orElseThrow())).getBytes(StandardCharsets.UTF_8));
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials").add("scope", scope);
    Instant asked = clock.instant();
    return web.postAbs(settings.tokenEndpoint().toString())
        .timeout(settings.timeout().toMillis())
        .putHeader("Authorization", "Basic " + basic)
        .putHeader("Accept", "application/json")
        .sendForm(form)
        .recover(e -> Future.failedFuture(new AaiUnavailableException("the token endpoint is unreachable ("
            + e.getClass().getSimpleName() + ")", e)))
        .compose(r -> {
          JsonObject body;
          try {
            body = new JsonObject(r.bodyAsString());
          } catch (RuntimeException e) {
            body = new JsonObject();
          }
          if (r.statusCode() != 200 || !(body.getValue("access_token") instanceof String value)) {
            // RFC 6749 §5.2: the error code only; never the body, which might echo credentials
            String error = body.getValue("error") instanceof String s ? s : "HTTP " + r.statusCode();
            return Future.failedFuture(new AaiUnavailableException("the token endpoint refused the PDP's client "
                + settings.clientId().orElseThrow() + ": " + error));
          }
          long expiresIn = body.getValue("expires_in") instanceof Number n ? n.longValue() : 60;
          return Future.succeededFuture(new Token(value,
              asked.plusSeconds(Math.max(0, expiresIn - EARLY_REFRESH_SECONDS))));
        });
  }

  /** RFC 6749 §2.3.1: client id and secret are form-encoded before Basic encoding. */
  private static String form(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
