package eu.panosc.pdp.mesh;

import eu.panosc.pdp.authzen.AuthzenDecisions;
import eu.panosc.pdp.engine.AccessRequest;
import eu.panosc.pdp.log.DecisionRecorder;
import eu.panosc.platform.auth.AccessTokenPrincipal;
import eu.panosc.platform.auth.InvalidTokenException;
import eu.panosc.platform.auth.SigningKeysUnavailableException;
import eu.panosc.platform.input.Input;
import eu.panosc.platform.mesh.RouteRule;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forward-auth for facility services (issue 15): which resource server (the {@code service} parameter, else the
 * host), which route rule (first match; none = default deny), the bearer token verified for that server's
 * audience, then one AuthZEN evaluation through the PDP's own {@link AuthzenDecisions} (no HTTP to itself; the
 * decision is logged like any other, kind {@code ext-authz}).
 *
 * <p>Fails closed: when the route rules are unknown (the registry never answered), the service or route is
 * unknown, or the decision fails (data reloading, subject not resolvable), the answer is a 403 with a reason, never
 * a 5xx (nginx turns any other status of {@code auth_request} into a 500 for the client). Public routes pass
 * without a token (a token sent with them is not checked).
 */
public final class ExtAuthzService {
  private static final Logger LOG = LoggerFactory.getLogger(ExtAuthzService.class);
  /** The decision log's kind for these decisions. */
  public static final String KIND = "ext-authz";
  /** The platform's reason when the issuer's JWKS cannot be fetched: not the token's fault, so a 403, not a 401. */

  private final RouteSource routes;
  private final BiFunction<String, String, Future<AccessTokenPrincipal>> verify;
  private final AuthzenDecisions decisions;

  /**
   * @param verify checks a compact token for an audience (the resource server's), failing with
   *     {@link InvalidTokenException}
   */
  public ExtAuthzService(RouteSource routes, BiFunction<String, String, Future<AccessTokenPrincipal>> verify,
      AuthzenDecisions decisions) {
    this.routes = Objects.requireNonNull(routes, "routes");
    this.verify = Objects.requireNonNull(verify, "verify");
    this.decisions = Objects.requireNonNull(decisions, "decisions");
  }

  public Future<ExtAuthzOutcome> check(ExtAuthzRequest request) {
    Optional<List<MeshService>> known = routes.services();
    if (known.isEmpty()) {
      return deny("The access rules of this service are not available at the moment; try again shortly.");
    }
    if (request.method() == null || request.path() == null || !Input.isClean(request.method(), 16)
        || !Input.isClean(request.path(), 8192)) {
      return deny("The request could not be read (method or path missing or malformed).");
    }
    Optional<MeshService> service = find(known.get(), request);
    if (service.isEmpty()) {
      return deny("This service is not registered for access control in the federation.");
    }
    MeshService s = service.get();
    Optional<RouteRule.Match> match = RouteRule.first(s.rules(), request.method(), request.path());
    if (match.isEmpty()) {
      return deny("No access rule covers " + request.method().toUpperCase(Locale.ROOT) + " on this path.");
    }
    RouteRule.Match m = match.get();
    if (m.rule().isPublic()) {
      return Future.succeededFuture(new ExtAuthzOutcome.Allow(null, null));
    }
    String token = bearer(request.authorization());
    if (token == null) {
      return Future.succeededFuture(request.authorization() == null
          ? new ExtAuthzOutcome.Unauthenticated(null, null)
          : new ExtAuthzOutcome.Unauthenticated("invalid_request", "the Authorization header is not a Bearer token"));
    }
    String resourceId = m.resourceId();
    if (resourceId == null || resourceId.isEmpty() || !Input.isClean(resourceId, Input.MAX_ID)) {
      return deny("No access rule covers " + request.method().toUpperCase(Locale.ROOT) + " on this path.");
    }
    return verify.apply(token, s.audience()).transform(ar -> {
      if (ar.failed()) {
        if (ar.cause() instanceof InvalidTokenException e && !(e instanceof SigningKeysUnavailableException)) {
          return Future.succeededFuture(new ExtAuthzOutcome.Unauthenticated("invalid_token", e.getMessage()));
        }
        LOG.warn("forward-auth: token keys unavailable ({}); denied", ar.cause().getClass().getSimpleName());
        return deny("The token could not be checked at the moment; try again shortly.");
      }
      AccessRequest access = accessRequest(ar.result(), s, m.rule(), resourceId);
      return decisions.evaluate(new DecisionRecorder.Caller(ar.result().clientId(), request.requestId()), KIND, access)
          .map(a -> a.decision().permit()
              ? (ExtAuthzOutcome) new ExtAuthzOutcome.Allow(access.subject().id(), a.id())
              : new ExtAuthzOutcome.Deny(reason(a.decision().reasonUser()), a.id()))
          .recover(e -> {
            LOG.warn("forward-auth: decision failed ({}); denied", e.getClass().getSimpleName());
            return deny("The access decision could not be made at the moment; try again shortly.");
          });
    });
  }

  /**
   * The AuthZEN subject of a token: its {@code voperson_id} (the canonical user id, released by the facility's
   * policy) when present, else its pairwise {@code sub} with {@code properties.facility} (resolved through the
   * aai-broker like any pairwise AuthZEN subject); entitlements from {@code eduperson_entitlement}.
   */
  static AccessRequest accessRequest(AccessTokenPrincipal p, MeshService s, RouteRule rule, String resourceId) {
    Map<String, Object> props = new HashMap<>();
    Object voperson = p.claims().get("voperson_id");
    String subjectId;
    if (voperson instanceof String v && !v.isBlank()) {
      subjectId = v;
    } else {
      subjectId = p.subject();
      if (s.facility() != null) {
        props.put("facility", s.facility());
      }
    }
    Object entitlements = p.claims().get("eduperson_entitlement");
    if (entitlements instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
      props.put("entitlements", List.copyOf(list));
    }
    return new AccessRequest(new AccessRequest.Entity("user", subjectId, props), rule.action(), Map.of(),
        new AccessRequest.Entity(rule.resourceType(), resourceId, Map.of()), Map.of());
  }

  private static Optional<MeshService> find(List<MeshService> services, ExtAuthzRequest r) {
    if (r.service() != null) {
      return services.stream().filter(s -> s.audience().equals(r.service())).findFirst();
    }
    if (r.host() == null) {
      return Optional.empty();
    }
    String host = r.host().trim().toLowerCase(Locale.ROOT);
    if (host.endsWith(":443") || host.endsWith(":80")) {
      // a gateway may send the default port; the registry's host is stored without it
      String bare = host.substring(0, host.lastIndexOf(':'));
      return services.stream().filter(s -> s.host().equals(host) || s.host().equals(bare)).findFirst();
    }
    return services.stream().filter(s -> s.host().equals(host)).findFirst();
  }

  /** The token of {@code Bearer <token>} (scheme case-insensitive, RFC 6750 §2.1), else null. */
  static String bearer(String authorization) {
    if (authorization == null || authorization.length() < 8
        || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String t = authorization.substring(7).trim();
    return t.isEmpty() || t.indexOf(' ') >= 0 ? null : t;
  }

  private static String reason(String reasonUser) {
    return reasonUser == null || reasonUser.isBlank() ? "Access denied." : reasonUser;
  }

  private static Future<ExtAuthzOutcome> deny(String reason) {
    return Future.succeededFuture(new ExtAuthzOutcome.Deny(reason, null));
  }
}
