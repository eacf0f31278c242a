package eu.panosc.accounting.export.eosc;

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
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/**
 * The EOSC Accounting Service's metric API: {@code POST}, {@code PATCH} and the paged {@code GET} of
 * {@code {base}/accounting-system/installations/{id}/metrics}, with a bearer token (a 401 fetches a new token and
 * tries once more). Transport failures fail the future with the {@link java.io.IOException} (a
 * {@link java.net.ConnectException} means nothing was sent).
 *
 * @see <a href="https://argoeu.github.io/argo-accounting/docs/">EOSC (ARGO) Accounting Service API</a>
 */
public final class EoscClient {
  private final HttpClient http;
  private final Context context;
  private final String base;
  private final TokenSource tokens;
  private final Duration timeout;
  private final Clock clock;

  /** An answer of the service: status, body and its Retry-After (RFC 9110 section 10.2.3), if any. */
  public record Answer(int status, String body, Optional<Duration> retryAfter) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }

    /** The body as a JSON object, or an empty one. */
    public JsonObject json() {
      try {
        return new JsonObject(body);
      } catch (RuntimeException e) {
        return new JsonObject();
      }
    }
  }

  public EoscClient(HttpClient http, Context context, URI base, TokenSource tokens, Duration timeout, Clock clock) {
    this.http = Objects.requireNonNull(http, "http");
    this.context = Objects.requireNonNull(context, "context");
    this.base = Objects.requireNonNull(base, "base").toString().replaceAll("/+$", "");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public Future<Answer> post(String installationId, JsonObject record) {
    return send(metrics(installationId), "POST", record.encode());
  }

  public Future<Answer> patch(String installationId, String metricId, JsonObject changes) {
    return send(metrics(installationId) + "/" + segment(metricId), "PATCH", changes.encode());
  }

  /** One page (1-based) of the installation's metrics. */
  public Future<Answer> list(String installationId, int page, int size) {
    return send(metrics(installationId) + "?page=" + page + "&size=" + size, "GET", null);
  }

  private String metrics(String installationId) {
    return base + "/accounting-system/installations/" + segment(installationId) + "/metrics";
  }

  private Future<Answer> send(String url, String method, String body) {
    return tokens.token().compose(t -> exchange(url, method, body, t)).compose(a -> {
      if (a.status() != 401) {
        return Future.succeededFuture(a);
      }
      tokens.invalidate();
      return tokens.token().compose(t -> exchange(url, method, body, t));
    });
  }

  private Future<Answer> exchange(String url, String method, String body, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
        .header("Authorization", "Bearer " + token).header("Accept", "application/json");
    if (body == null) {
      b.GET();
    } else {
      b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    return Future.fromCompletionStage(http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()), context)
        .map(r -> new Answer(r.statusCode(), r.body(), r.headers().firstValue("Retry-After")
            .flatMap(v -> retryAfter(v, clock.instant()))));
  }

  /** Retry-After as delay-seconds or an HTTP-date; nothing when unreadable. */
  static Optional<Duration> retryAfter(String value, Instant now) {
    String v = value.trim();
    if (v.matches("\\d{1,9}")) {
      return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
