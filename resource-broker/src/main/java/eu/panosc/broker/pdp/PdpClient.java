package eu.panosc.broker.pdp;

import eu.panosc.broker.model.Caller;
import eu.panosc.broker.session.AccessCheck;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Asks the policy-decision-point, over its public AuthZEN 1.0 API, whether a user may {@code analyse} datasets:
 * one {@code POST /access/v1/evaluations} with {@code deny_on_first_deny} semantics, so the PDP stops at the first
 * refused dataset, which is the answer. The subject is the caller's canonical id ({@link CanonicalSubjects}). The
 * broker authenticates with its client-credentials token (scope {@code pdp:evaluate}, {@link ServiceTokens}); a 401
 * drops it and retries once.
 *
 * @see <a href="https://openid.net/specs/authorization-api-1_0.html">AuthZEN 1.0 §Access Evaluations API</a>
 */
public final class PdpClient implements AccessCheck {
  static final String SCOPE = "pdp:evaluate";

  private final WebClient web;
  private final URI evaluationsEndpoint;
  private final ServiceTokens tokens;
  private final CanonicalSubjects subjects;

  public PdpClient(WebClient web, URI evaluationsEndpoint, ServiceTokens tokens, CanonicalSubjects subjects) {
    this.web = Objects.requireNonNull(web, "web");
    this.evaluationsEndpoint = Objects.requireNonNull(evaluationsEndpoint, "evaluationsEndpoint");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.subjects = Objects.requireNonNull(subjects, "subjects");
  }

  @Override
  public Future<Optional<Denial>> firstDenied(Caller caller, List<String> datasets) {
    return subjects.of(caller).compose(user -> {
      JsonArray items = new JsonArray();
      datasets.forEach(d -> items.add(new JsonObject().put("resource", new JsonObject().put("type", "dataset")
          .put("id", d))));
      JsonObject body = new JsonObject().put("subject", new JsonObject().put("type", "user").put("id", user))
          .put("action", new JsonObject().put("name", ACTION)).put("evaluations", items)
          .put("options", new JsonObject().put("evaluations_semantic", "deny_on_first_deny"));
      return call(body).compose(r -> {
        if (r.statusCode() == 401) {
          tokens.forget(SCOPE);
          return call(body);
        }
        return Future.succeededFuture(r);
      }).compose(r -> answer(r, datasets));
    });
  }

  private Future<HttpResponse<Buffer>> call(JsonObject body) {
    return tokens.token(SCOPE).compose(t -> web.postAbs(evaluationsEndpoint.toString())
        .timeout(tokens.timeout().toMillis()).putHeader("Authorization", "Bearer " + t)
        .putHeader("Accept", "application/json").sendJsonObject(body)
        .recover(e -> Future.failedFuture(new IllegalStateException("the PDP is unreachable ("
            + e.getClass().getSimpleName() + ")"))));
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
}
