package eu.panosc.registry.oidfed;

import eu.panosc.platform.input.Input;
import io.vertx.core.MultiMap;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Turns request parameters into the federation requests; parameters it does not know are ignored, as
 * §8 requires.
 *
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-8">OpenID Federation 1.0 §8, Federation Endpoints</a>
 */
public final class FederationRequestParser {
  /** The longest parameter value accepted: an entity id, a trust mark type or a trust mark JWT. */
  static final int MAX_VALUE = 16 * 1024;

  private FederationRequestParser() {}

  /** Every value of a repeatable parameter, each checked like {@link #required}'s. */
  static java.util.List<String> all(MultiMap params, String name) {
    List<String> values = params.getAll(name);
    for (String v : values) {
      if (!Input.isClean(v, MAX_VALUE)) {
        throw FederationException.invalidRequest("Request parameter [" + name + "] must be at most " + MAX_VALUE
            + " characters without control characters.");
      }
    }
    return values;
  }

  /** The single value of a REQUIRED parameter. */
  public static String required(MultiMap params, String name) {
    List<String> values = params.getAll(name);
    if (values.isEmpty() || values.get(0).isBlank()) {
      // OIDF 1.0 §8.9: invalid_request, the request is incomplete.
      throw FederationException.invalidRequest("Required request parameter [" + name + "] was missing.");
    }
    if (values.size() > 1) {
      throw FederationException.invalidRequest("Request parameter [" + name + "] was given more than once.");
    }
    String value = values.get(0);
    if (!Input.isClean(value, MAX_VALUE)) {
      // OIDF 1.0 §8.9: invalid_request, the request is malformed (control characters or too long).
      throw FederationException.invalidRequest("Request parameter [" + name + "] must be at most " + MAX_VALUE
          + " characters without control characters.");
    }
    return value;
  }

  /** The single value of an OPTIONAL parameter, or null. */
  public static String optional(MultiMap params, String name) {
    return params.contains(name) ? required(params, name) : null;
  }

  public static ListRequest list(MultiMap params) {
    return new ListRequest(new LinkedHashSet<>(all(params, "entity_type")), bool(params, "trust_marked"),
        optional(params, "trust_mark_type"), bool(params, "intermediate"));
  }

  public static ResolveRequest resolve(MultiMap params) {
    return new ResolveRequest(required(params, "sub"), all(params, "trust_anchor"),
        new LinkedHashSet<>(all(params, "entity_type")));
  }

  private static Boolean bool(MultiMap params, String name) {
    String v = optional(params, name);
    if (v == null) {
      return null;
    }
    return switch (v) {
      case "true" -> true;
      case "false" -> false;
      default -> throw FederationException.invalidRequest("Request parameter [" + name + "] must be true or false.");
    };
  }
}
