package eu.panosc.pdp.authzen;

import eu.panosc.pdp.engine.AccessRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads AuthZEN 1.0 request bodies into engine requests. A missing or mistyped field, a body that is
 * not a JSON object, or a value breaking the input rule ({@link AuthzenInput}: control characters,
 * oversized ids or strings, deep nesting, out-of-range times) is an {@link AuthzenException} 400 naming
 * the field (e.g. {@code subject.id}). {@code context.time} is parsed here; whether it is honoured is the
 * endpoint's decision (scope {@code pdp:simulate}).
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

  /**
   * A search: the request with the searched part's id left out, the page token and size, and the
   * {@link PageTokens#binding binding} its page tokens are sealed with.
   */
  public record Search(AccessRequest request, String token, int limit, byte[] binding) {
    public Search withRequest(AccessRequest r) {
      return new Search(r, token, limit, binding);
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
    AuthzenInput.check(o);
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
    if (list != null && !(list instanceof JsonArray)) {
      throw AuthzenException.badRequest("evaluations must be an array");
    }
    JsonArray items = (JsonArray) list;
    if (items == null || items.isEmpty()) {
      // AuthZEN 1.0 §Access Evaluations Request: absent or empty, it is a single Access Evaluation
      return new Evaluations(evaluation(o), List.of(), semantic);
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

  /** A search of {@code kind} without a caller (its page tokens are bound to the body only). */
  public Search search(String kind, JsonObject o) {
    return search(kind, o, "");
  }

  /**
   * A search of {@code kind} ({@code subject}, {@code resource} or {@code action}) by {@code caller} (its
   * client id): page tokens are bound to both.
   */
  public Search search(String kind, JsonObject o, String caller) {
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
      if (p.getValue("limit") != null) {
        limit = limit(p.getValue("limit"));
      }
    }
    return new Search(request, token, limit, PageTokens.binding(kind, caller, o));
  }

  /** {@code page.limit}: an integer from 0 (an empty last page) to {@link #MAX_LIMIT}. */
  private static int limit(Object l) {
    String range = "page.limit must be an integer from 0 to " + MAX_LIMIT;
    long n = switch (l) {
      case Integer i -> i;
      case Long x -> x;
      case Short x -> x;
      case Byte x -> x;
      case Double d when Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) <= MAX_LIMIT + 1 -> d.longValue();
      case Float f when Float.isFinite(f) && f == Math.rint(f) && Math.abs(f) <= MAX_LIMIT + 1 -> f.longValue();
      case null, default -> throw AuthzenException.badRequest(range);
    };
    if (n < 0 || n > MAX_LIMIT) {
      throw AuthzenException.badRequest(range);
    }
    return (int) n;
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
    String name = actionName ? AuthzenInput.id("action.name", string(a, "action.name", "name", true)) : null;
    Map<String, Object> actionProps = properties(a, "action");
    AccessRequest.Entity r = entity("resource", resource, resourceId);
    JsonObject c = object("context", context, false);
    Map<String, Object> ctx = CelValues.map(c);
    if (c != null && c.containsKey("time")) {
      ctx.put("time", AuthzenInput.time(c.getValue("time")));
    }
    return new AccessRequest(s, name == null ? "" : name, actionProps, r, ctx);
  }

  private static AccessRequest.Entity entity(String what, Object value, boolean idRequired) {
    JsonObject o = object(what, value, true);
    String type = AuthzenInput.id(what + ".type", string(o, what + ".type", "type", true));
    // a search ignores the searched id
    String id = idRequired ? AuthzenInput.id(what + ".id", string(o, what + ".id", "id", true)) : null;
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
}
