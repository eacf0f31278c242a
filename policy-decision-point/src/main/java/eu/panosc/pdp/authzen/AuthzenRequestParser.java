package eu.panosc.pdp.authzen;

import eu.panosc.pdp.engine.AccessRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads AuthZEN 1.0 request bodies into engine requests. A missing or mistyped field, or a body that is
 * not a JSON object, is an {@link AuthzenException} 400 naming the field (e.g. {@code subject.id}).
 *
 * @see <a href="https://openid.net/specs/authorization-api-1_0.html">AuthZEN 1.0, Information Model</a>
 */
public final class AuthzenRequestParser {
  /** Most items one evaluations request may carry. */
  public static final int MAX_EVALUATIONS = 1000;
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;
  /** Longest facility id and pairwise subject id the aai-broker resolves. */
  static final int MAX_PAIRWISE = 512;

  /** The three evaluations semantics (options.evaluations_semantic). */
  public enum Semantic { EXECUTE_ALL, DENY_ON_FIRST_DENY, PERMIT_ON_FIRST_PERMIT }

  /** One item of an evaluations request: a request, or the reason (and status) it cannot be evaluated. */
  public record Item(AccessRequest request, String error, int status) {
    /** A request, or a 400 reason. */
    public Item(AccessRequest request, String error) {
      this(request, error, request == null ? 400 : 0);
    }
  }

  /** An evaluations request; {@code single} when it has no evaluations array (backwards-compatible form). */
  public record Evaluations(AccessRequest single, List<Item> items, Semantic semantic) {}

  /** A search: the request with the searched part's id left out, the page position and size. */
  public record Search(AccessRequest request, String token, int limit) {
    public Search withRequest(AccessRequest r) {
      return new Search(r, token, limit);
    }
  }

  public JsonObject body(Buffer body) {
    if (body == null || body.length() == 0) {
      throw AuthzenException.badRequest("The request body is empty; a JSON object is expected");
    }
    Object v;
    try {
      v = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw AuthzenException.badRequest("The request body is not valid JSON");
    }
    if (!(v instanceof JsonObject o)) {
      throw AuthzenException.badRequest("The request body must be a JSON object");
    }
    return o;
  }

  /** An Access Evaluation request (subject, action, resource required; context optional). */
  public AccessRequest evaluation(JsonObject o) {
    return request(o.getValue("subject"), o.getValue("action"), o.getValue("resource"), o.getValue("context"),
        true, true, true);
  }

  public Evaluations evaluations(JsonObject o) {
    Semantic semantic = semantic(o.getValue("options"));
    Object list = o.getValue("evaluations");
    if (list == null) {
      return new Evaluations(evaluation(o), List.of(), semantic);
    }
    if (!(list instanceof JsonArray items)) {
      throw AuthzenException.badRequest("evaluations must be an array");
    }
    if (items.size() > MAX_EVALUATIONS) {
      throw AuthzenException.badRequest("evaluations holds more than " + MAX_EVALUATIONS + " items");
    }
    for (String key : List.of("subject", "action", "resource", "context")) {
      Object d = o.getValue(key);
      if (d != null && !(d instanceof JsonObject)) {
        throw AuthzenException.badRequest(key + " must be an object");
      }
    }
    List<Item> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      Object item = items.getValue(i);
      if (!(item instanceof JsonObject e)) {
        out.add(new Item(null, "evaluations[" + i + "] must be an object"));
        continue;
      }
      try {
        out.add(new Item(request(pick(e, o, "subject"), pick(e, o, "action"), pick(e, o, "resource"),
            pick(e, o, "context"), true, true, true), null));
      } catch (AuthzenException ex) {
        out.add(new Item(null, ex.getMessage()));
      }
    }
    return new Evaluations(null, out, semantic);
  }

  /** A search of {@code kind} ({@code subject}, {@code resource} or {@code action}). */
  public Search search(String kind, JsonObject o) {
    AccessRequest request = switch (kind) {
      case "subject" -> request(o.getValue("subject"), o.getValue("action"), o.getValue("resource"),
          o.getValue("context"), false, true, true);
      case "resource" -> request(o.getValue("subject"), o.getValue("action"), o.getValue("resource"),
          o.getValue("context"), true, true, false);
      case "action" -> {
        if (o.getValue("action") != null && !(o.getValue("action") instanceof JsonObject)) {
          throw AuthzenException.badRequest("action must be an object");
        }
        yield request(o.getValue("subject"), new JsonObject(), o.getValue("resource"),
            o.getValue("context"), true, false, true);
      }
      default -> throw new IllegalArgumentException(kind);
    };
    String token = "";
    int limit = DEFAULT_LIMIT;
    Object page = o.getValue("page");
    if (page != null) {
      if (!(page instanceof JsonObject p)) {
        throw AuthzenException.badRequest("page must be an object");
      }
      Object t = p.getValue("token") != null ? p.getValue("token") : p.getValue("next_token");
      if (t != null) {
        if (!(t instanceof String s)) {
          throw AuthzenException.badRequest("page.token must be a string");
        }
        token = s;
      }
      Object l = p.getValue("limit");
      if (l != null) {
        if (!(l instanceof Number n) || n.doubleValue() != Math.floor(n.doubleValue()) || n.doubleValue() < 0) {
          throw AuthzenException.badRequest("page.limit must be a non-negative integer");
        }
        limit = (int) Math.min(MAX_LIMIT, n.longValue());
      }
    }
    return new Search(request, token, limit);
  }

  private static Object pick(JsonObject item, JsonObject defaults, String key) {
    return item.containsKey(key) ? item.getValue(key) : defaults.getValue(key);
  }

  private static Semantic semantic(Object options) {
    if (options == null) {
      return Semantic.EXECUTE_ALL;
    }
    if (!(options instanceof JsonObject opts)) {
      throw AuthzenException.badRequest("options must be an object");
    }
    Object s = opts.getValue("evaluations_semantic");
    if (s == null) {
      return Semantic.EXECUTE_ALL;
    }
    return switch (s instanceof String str ? str : "") {
      case "execute_all" -> Semantic.EXECUTE_ALL;
      case "deny_on_first_deny" -> Semantic.DENY_ON_FIRST_DENY;
      case "permit_on_first_permit" -> Semantic.PERMIT_ON_FIRST_PERMIT;
      default -> throw AuthzenException.badRequest(
          "options.evaluations_semantic must be execute_all, deny_on_first_deny or permit_on_first_permit");
    };
  }

  private static AccessRequest request(Object subject, Object action, Object resource, Object context,
      boolean subjectId, boolean actionName, boolean resourceId) {
    AccessRequest.Entity s = entity("subject", subject, subjectId);
    JsonObject a = object("action", action, true);
    String name = actionName ? string(a, "action.name", "name", true) : null;
    Map<String, Object> actionProps = properties(a, "action");
    AccessRequest.Entity r = entity("resource", resource, resourceId);
    JsonObject c = object("context", context, false);
    Map<String, Object> ctx = CelValues.map(c);
    if (c != null && c.containsKey("time")) {
      ctx.put("time", time(c.getValue("time")));
    }
    return new AccessRequest(s, name == null ? "" : name, actionProps, r, ctx);
  }

  private static AccessRequest.Entity entity(String what, Object value, boolean idRequired) {
    JsonObject o = object(what, value, true);
    String type = string(o, what + ".type", "type", true);
    String id = idRequired ? string(o, what + ".id", "id", true) : null;  // a search ignores the searched id
    Map<String, Object> properties = properties(o, what);
    if (what.equals("subject") && properties.containsKey("facility")) {
      // subject.id is then that facility's pairwise sub (resolved through the aai-broker)
      if (!(properties.get("facility") instanceof String f) || f.isBlank() || f.length() > MAX_PAIRWISE) {
        throw AuthzenException.badRequest("subject.properties.facility must be a facility id (1 to " + MAX_PAIRWISE
            + " characters)");
      }
      if (id != null && id.length() > MAX_PAIRWISE) {
        throw AuthzenException.badRequest("subject.id must be at most " + MAX_PAIRWISE
            + " characters when subject.properties.facility is given");
      }
    }
    return new AccessRequest.Entity(type, idRequired ? id : null, properties);
  }

  private static Map<String, Object> properties(JsonObject o, String what) {
    Object p = o.getValue("properties");
    if (p == null) {
      return Map.of();
    }
    if (!(p instanceof JsonObject props)) {
      throw AuthzenException.badRequest(what + ".properties must be an object");
    }
    return CelValues.map(props);
  }

  private static JsonObject object(String what, Object value, boolean required) {
    if (value == null) {
      if (required) {
        throw AuthzenException.badRequest(what + " is required");
      }
      return null;
    }
    if (!(value instanceof JsonObject o)) {
      throw AuthzenException.badRequest(what + " must be an object");
    }
    return o;
  }

  private static String string(JsonObject o, String path, String key, boolean required) {
    Object v = o.getValue(key);
    if (v == null) {
      if (required) {
        throw AuthzenException.badRequest(path + " is required");
      }
      return null;
    }
    if (!(v instanceof String s)) {
      throw AuthzenException.badRequest(path + " must be a string");
    }
    if (required && s.isEmpty()) {
      throw AuthzenException.badRequest(path + " must not be empty");
    }
    return s;
  }

  private static Instant time(Object v) {
    if (!(v instanceof String s)) {
      throw AuthzenException.badRequest("context.time must be an RFC 3339 date-time string");
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      throw AuthzenException.badRequest("context.time must be an RFC 3339 date-time string");
    }
  }
}
