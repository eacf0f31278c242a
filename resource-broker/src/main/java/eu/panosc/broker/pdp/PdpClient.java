package eu.panosc.broker.pdp;

import eu.panosc.broker.session.AccessCheck;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Asks the policy-decision-point, over its public AuthZEN 1.0 API, whether a user may {@code analyse} datasets:
 * one {@code POST /access/v1/evaluations} with {@code deny_on_first_deny} semantics, so the PDP stops at the first
 * refused dataset, which is the answer. Authenticates with a client_credentials token (scope
 * {@code pdp:evaluate}) from the aai-broker, kept until 30 s before it expires; a 401 drops it and retries once.
 *
 * @see <a href="https://openid.net/specs/authorization-api-1_0.html">AuthZEN 1.0 §Access Evaluations API</a>
 */
public final class PdpClient implements AccessCheck {
  static final String SCOPE = "pdp:evaluate";

  /** Where and as whom the PDP is asked. */
  public record Settings(URI evaluationsEndpoint, URI tokenEndpoint, String clientId, String clientSecret,
      Duration timeout) {
    public Settings {
      Objects.requireNonNull(evaluationsEndpoint, "evaluationsEndpoint");
      Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
      Objects.requireNonNull(clientId, "clientId");
      Objects.requireNonNull(clientSecret, "clientSecret");
      Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public String toString() {
      return "Settings[evaluationsEndpoint=" + evaluationsEndpoint + ", tokenEndpoint=" + tokenEndpoint + ", clientId="
          + clientId + ", clientSecret=(set)]";
    }
  }

  private final WebClient web;
  private final Settings settings;
  private final Clock clock;
  private Token token;
  private Future<Token> fetching;

  private record Token(String value, Instant refreshAfter) {}

  public PdpClient(WebClient web, Settings settings, Clock clock) {
    this.web = Objects.requireNonNull(web, "web");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Future<Optional<Denial>> firstDenied(String user, List<String> datasets) {
    JsonArray items = new JsonArray();
    datasets.forEach(d -> items.add(new JsonObject().put("resource", new JsonObject().put("type", "dataset")
        .put("id", d))));
    JsonObject body = new JsonObject().put("subject", new JsonObject().put("type", "user").put("id", user))
        .put("action", new JsonObject().put("name", ACTION)).put("evaluations", items)
        .put("options", new JsonObject().put("evaluations_semantic", "deny_on_first_deny"));
    return token().compose(t -> call(t, body)).compose(r -> {
      if (r.statusCode() == 401) {
        forget();
        return token().compose(t -> call(t, body));
      }
      return Future.succeededFuture(r);
    }).compose(r -> answer(r, datasets));
  }

  private Future<HttpResponse<Buffer>> call(Token t, JsonObject body) {
    return web.postAbs(settings.evaluationsEndpoint().toString()).timeout(settings.timeout().toMillis())
        .putHeader("Authorization", "Bearer " + t.value()).putHeader("Accept", "application/json")
        .sendJsonObject(body)
        .recover(e -> Future.failedFuture(new IllegalStateException("the PDP is unreachable ("
            + e.getClass().getSimpleName() + ")")));
  }

  private static Future<Optional<Denial>> answer(HttpResponse<Buffer> r, List<String> datasets) {
    if (r.statusCode() != 200) {
      return Future.failedFuture(new IllegalStateException("the PDP answered HTTP " + r.statusCode()));
    }
    JsonArray answers;
    try {
      answers = new JsonObject(r.bodyAsString()).getJsonArray("evaluations");
    } catch (RuntimeException e) {
      answers = null;
    }
    if (answers == null || answers.isEmpty() || answers.size() > datasets.size()) {
      return Future.failedFuture(new IllegalStateException("the PDP's answer holds no usable evaluations"));
    }
    for (int i = 0; i < answers.size(); i++) {
      Object a = answers.getValue(i);
      if (!(a instanceof JsonObject o) || !(o.getValue("decision") instanceof Boolean permit)) {
        return Future.failedFuture(new IllegalStateException("the PDP's evaluation " + i + " has no decision"));
      }
      if (!permit) {
        return Future.succeededFuture(Optional.of(new Denial(datasets.get(i), reason(o))));
      }
    }
    if (answers.size() < datasets.size()) {
      // deny_on_first_deny stops only at a deny: fewer answers without one is a broken answer
      return Future.failedFuture(new IllegalStateException("the PDP answered " + answers.size() + " of "
          + datasets.size() + " evaluations without a deny"));
    }
    return Future.succeededFuture(Optional.empty());
  }

  /** AuthZEN leaves the context free-form; ours carries {@code reason_user.en} or {@code reason}. */
  private static String reason(JsonObject answer) {
    JsonObject ctx = answer.getValue("context") instanceof JsonObject c ? c : new JsonObject();
    if (ctx.getValue("reason_user") instanceof JsonObject ru && ru.getValue("en") instanceof String s) {
      return s;
    }
    return ctx.getValue("reason") instanceof String s ? s : "";
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
    String basic = Base64.getEncoder().encodeToString((form(settings.clientId()) + ":" + form(settings.clientSecret()))
        .getBytes(StandardCharsets.UTF_8));
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials").add("scope", SCOPE);
    Instant asked = clock.instant();
    return web.postAbs(settings.tokenEndpoint().toString()).timeout(settings.timeout().toMillis())
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
            return Future.failedFuture(new IllegalStateException("the token endpoint refused client "
                + settings.clientId() + ": " + error));
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
