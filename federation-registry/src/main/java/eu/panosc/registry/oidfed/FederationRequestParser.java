package eu.panosc.registry.oidfed;

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
  private FederationRequestParser() {}

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
    return values.get(0);
  }

  /** The single value of an OPTIONAL parameter, or null. */
  public static String optional(MultiMap params, String name) {
    return params.contains(name) ? required(params, name) : null;
  }

  public static ListRequest list(MultiMap params) {
    return new ListRequest(new LinkedHashSet<>(params.getAll("entity_type")), bool(params, "trust_marked"),
        optional(params, "trust_mark_type"), bool(params, "intermediate"));
  }

  public static ResolveRequest resolve(MultiMap params) {
    return new ResolveRequest(required(params, "sub"), params.getAll("trust_anchor"),
        new LinkedHashSet<>(params.getAll("entity_type")));
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
