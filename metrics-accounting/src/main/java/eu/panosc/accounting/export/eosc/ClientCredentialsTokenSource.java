package eu.panosc.accounting.export.eosc;

import eu.panosc.platform.config.Secret;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Tokens from an OAuth 2.0 token endpoint with the client credentials grant (RFC 6749 section 4.4; client secret in
 * HTTP Basic, section 2.3.1), kept until 30 seconds before they expire.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.4">RFC 6749 section 4.4</a>
 */
final class ClientCredentialsTokenSource implements TokenSource {
  private static final Duration EARLY = Duration.ofSeconds(30);

  private final HttpClient http;
  private final Context context;
  private final URI endpoint;
  private final String clientId;
  private final Secret secret;
  private final Optional<String> scope;
  private final Duration timeout;
  private final Clock clock;
  private String cached;
  private Instant expires = Instant.MIN;

  ClientCredentialsTokenSource(HttpClient http, Context context, URI endpoint, String clientId, Secret secret,
      Optional<String> scope, Duration timeout, Clock clock) {
    this.http = Objects.requireNonNull(http, "http");
    this.context = Objects.requireNonNull(context, "context");
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.clientId = Objects.requireNonNull(clientId, "clientId");
    this.secret = Objects.requireNonNull(secret, "secret");
    this.scope = Objects.requireNonNull(scope, "scope");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Future<String> token() {
    if (cached != null && clock.instant().isBefore(expires)) {
      return Future.succeededFuture(cached);
    }
    String basic = Base64.getEncoder().encodeToString((enc(clientId) + ":" + enc(secret.value()))
        .getBytes(StandardCharsets.UTF_8));
    String form = "grant_type=client_credentials" + scope.map(s -> "&scope=" + enc(s)).orElse("");
    HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(timeout)
        .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(form)).build();
    return Future.fromCompletionStage(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()), context)
        .recover(e -> Future.failedFuture(new TokenException("the token endpoint " + endpoint + " is unreachable: "
            + (e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e)
            .getClass().getSimpleName())))
        .compose(r -> {
          JsonObject body;
          try {
            body = new JsonObject(r.body());
          } catch (RuntimeException e) {
            body = new JsonObject();
          }
          String token = body.getValue("access_token") instanceof String s ? s : null;
          if (r.statusCode() != 200 || token == null || token.isEmpty()) {
            Object error = body.getValue("error");
            return Future.failedFuture(new TokenException("the token endpoint " + endpoint + " refused the client "
                + clientId + ": HTTP " + r.statusCode() + (error instanceof String s ? " " + s : "")));
          }
          long ttl = body.getValue("expires_in") instanceof Number n ? n.longValue() : 300;
          cached = token;
          expires = clock.instant().plusSeconds(Math.max(0, ttl - EARLY.toSeconds()));
          return Future.succeededFuture(token);
        });
  }

  @Override
  public void invalidate() {
    cached = null;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
