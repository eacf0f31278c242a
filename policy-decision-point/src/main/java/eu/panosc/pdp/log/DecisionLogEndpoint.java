package eu.panosc.pdp.log;

import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.http.ApiException;
import eu.panosc.platform.input.Input;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The decision log for administrators (scope {@code pdp:admin}): {@code GET /v1/decisions/{id}} and
 * {@code GET /v1/decisions?subject=&resource=&decision=&simulated=&since=&until=&limit=&page=}, newest first, keyset
 * paginated (the page token is the last row's time and id), so paging never loses or repeats a row. A
 * subject is given in clear and matched in every stored form (clear and HMAC). Bad or unknown
 * parameters are a 400 validation problem naming the parameter (values follow the platform's input rule:
 * no control characters, bounded length, dates in years 1 to 9999); an unknown id is a 404.
 */
public final class DecisionLogEndpoint {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;
  private static final Set<String> PARAMS = Set.of("subject", "resource", "decision", "simulated", "since", "until",
      "limit", "page");
  private static final int MAX_VALUE = 1024;

  private final PgDecisionLog table;
  private final Supplier<byte[]> key;

  /** {@code key} supplies the HMAC key (known once the log started). */
  public DecisionLogEndpoint(PgDecisionLog table, Supplier<byte[]> key) {
    this.table = Objects.requireNonNull(table, "table");
    this.key = Objects.requireNonNull(key, "key");
  }

  public void mount(Router router, BearerAuth auth, String scope) {
    router.route("/v1/decisions*").handler(auth.requireScopes(scope));
    router.get("/v1/decisions").handler(this::list);
    router.get("/v1/decisions/:id").handler(this::one);
  }

  private void one(RoutingContext rc) {
    String given = rc.pathParam("id");
    UUID id;
    try {
      id = UUID.fromString(given);
    } catch (IllegalArgumentException e) {
      throw ApiException.notFound("No decision " + given + " is in the log.");
    }
    table.find(id).onSuccess(found -> {
      if (found.isEmpty()) {
        rc.fail(ApiException.notFound("No decision " + id + " is in the log (unknown, or purged after the "
            + "retention period)."));
      } else {
        rc.response().putHeader("Cache-Control", "no-store");
        rc.json(found.get());
      }
    }).onFailure(rc::fail);
  }

  private void list(RoutingContext rc) {
    DecisionQuery q = parse(rc);
    table.query(q).onSuccess(rows -> {
      boolean more = rows.size() > q.limit();
      List<PgDecisionLog.Keyed> page = more ? rows.subList(0, q.limit()) : rows;
      JsonArray items = new JsonArray();
      page.forEach(k -> items.add(k.json()));
      String next = more ? page.get(page.size() - 1).cursor().encode() : null;
      rc.response().putHeader("Cache-Control", "no-store");
      rc.json(new JsonObject().put("items", items)
          .put("page", new JsonObject().put("next", next).put("count", items.size())));
    }).onFailure(rc::fail);
  }

  DecisionQuery parse(RoutingContext rc) {
    var params = rc.queryParams();
    for (String name : params.names()) {
      if (!PARAMS.contains(name)) {
        throw ApiException.invalidField(name, "is not a parameter of this query; known are " + new java.util.TreeSet<>(PARAMS));
      }
      if (params.getAll(name).size() > 1) {
        throw ApiException.invalidField(name, "is given more than once");
      }
    }
    String subject = text(params.get("subject"), "subject");
    List<String> subjects = subject == null ? null : List.of(subject, LogRows.hash(key.get(), subject));
    String resource = text(params.get("resource"), "resource");
    Boolean decision = null;
    String d = params.get("decision");
    if (d != null) {
      decision = switch (d) {
        case "permit" -> true;
        case "deny" -> false;
        default -> throw ApiException.invalidField("decision", "must be permit or deny");
      };
    }
    Boolean simulated = null;
    String sim = params.get("simulated");
    if (sim != null) {
      simulated = switch (sim) {
        case "true" -> true;
        case "false" -> false;
        default -> throw ApiException.invalidField("simulated", "must be true or false");
      };
    }
    Instant since = time(params.get("since"), "since");
    Instant until = time(params.get("until"), "until");
    if (since != null && until != null && !since.isBefore(until)) {
      throw ApiException.invalidField("until", "must be after since");
    }
    int limit = DEFAULT_LIMIT;
    String l = params.get("limit");
    if (l != null) {
      try {
        limit = Integer.parseInt(l);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw ApiException.invalidField("limit", "must be an integer from 1 to " + MAX_LIMIT);
      }
    }
    DecisionQuery.Cursor after = null;
    String page = params.get("page");
    if (page != null) {
      Input.text("page", page, MAX_VALUE, true);
      try {
        after = DecisionQuery.Cursor.decode(page);
      } catch (IllegalArgumentException e) {
        throw ApiException.invalidField("page", e.getMessage());
      }
      Input.instant("page", after.at(), true);
    }
    return new DecisionQuery(subjects, resource, decision, simulated, since, until, limit, after);
  }

  private static String text(String value, String name) {
    if (value == null) {
      return null;
    }
    return Input.id(name, value, MAX_VALUE);
  }

  private static Instant time(String value, String name) {
    if (value == null) {
      return null;
    }
    return Input.instant(name, value, true);
  }
}
