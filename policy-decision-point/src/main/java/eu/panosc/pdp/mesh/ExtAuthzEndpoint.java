package eu.panosc.pdp.mesh;

import eu.panosc.platform.http.RequestIds;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Objects;

/**
 * {@code /pdp/v1/ext-authz}: forward-auth for nginx {@code auth_request} (original request in
 * {@code X-Original-Method}/{@code X-Original-URI}) and Traefik ForwardAuth ({@code X-Forwarded-Method}/
 * {@code X-Forwarded-Uri}), any method; and {@code /pdp/v1/ext-authz/envoy/<original path>} for Envoy's HTTP
 * ext_authz (original method as the method, original path after the prefix). The resource server is the
 * {@code service} query parameter (or, on the Envoy route only, the {@code X-Panosc-Service} header), else
 * {@code X-Forwarded-Host}/{@code Host}. Answers: 200 with {@code x-panosc-subject} and {@code x-panosc-decision-id};
 * 401 with {@code WWW-Authenticate: Bearer ...}; 403 with the reason as plain text and in {@code x-panosc-reason}.
 * Never another status for a request the gateway forwards (nginx would turn it into a 500).
 */
public final class ExtAuthzEndpoint {
  public static final String PATH = "/v1/ext-authz";
  public static final String ENVOY_PREFIX = PATH + "/envoy";
  private static final String REALM = "panosc";
  /** The methods a gateway may forward (nginx asks with the original request's method). */
  static final List<HttpMethod> METHODS = List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT,
      HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.OPTIONS);
  private final ExtAuthzService service;

  public ExtAuthzEndpoint(ExtAuthzService service) {
    this.service = Objects.requireNonNull(service, "service");
  }

  /** {@code router} is the PDP's router (mounted at {@code /pdp}). */
  public void mount(Router router) {
    for (HttpMethod m : METHODS) {
      router.route(m, PATH).handler(rc -> answer(rc, forwardAuth(rc)));
      router.route(m, ENVOY_PREFIX + "/*").handler(rc -> answer(rc, envoy(rc)));
    }
  }

  private static ExtAuthzRequest forwardAuth(RoutingContext rc) {
    var h = rc.request().headers();
    String method = first(h.get("X-Original-Method"), h.get("X-Forwarded-Method"));
    String uri = first(h.get("X-Original-URI"), h.get("X-Forwarded-Uri"));
    // nginx passes the client's own headers into the subrequest: X-Panosc-Service is not taken here
    return request(rc, method, uri == null ? null : withoutQuery(uri), false);
  }

  private static ExtAuthzRequest envoy(RoutingContext rc) {
    String raw = rc.request().path();
    int at = raw.indexOf(ENVOY_PREFIX);
    String original = at < 0 ? null : raw.substring(at + ENVOY_PREFIX.length());
    return request(rc, rc.request().method().name(), original == null || original.isEmpty() ? "/" : original, true);
  }

  /**
   * {@code serviceHeader}: whether {@code X-Panosc-Service} may name the service (Envoy sends only the headers it is
   * told to, and {@code headers_to_add} overrides a client's; nginx and Traefik pass the client's headers on).
   */
  private static ExtAuthzRequest request(RoutingContext rc, String method, String path, boolean serviceHeader) {
    var h = rc.request().headers();
    List<String> services = rc.queryParam("service");
    String svc = services.size() == 1 ? services.get(0)
        : !services.isEmpty() ? "" : serviceHeader ? h.get("X-Panosc-Service") : null;
    String host = first(h.get("X-Forwarded-Host"), h.get("Host"));
    if (host != null && host.indexOf(',') >= 0) {
      host = host.substring(0, host.indexOf(',')).trim();  // several proxies: the client's is the first
    }
    return new ExtAuthzRequest(method, path, svc, host, h.get("Authorization"),
        rc.response().headers().get(RequestIds.HEADER));
  }

  private void answer(RoutingContext rc, ExtAuthzRequest request) {
    service.check(request).onComplete(ar -> {
      HttpServerResponse r = rc.response().putHeader("Cache-Control", "no-store");
      ExtAuthzOutcome o = ar.succeeded() ? ar.result()
          : new ExtAuthzOutcome.Deny("The access decision could not be made at the moment; try again shortly.", null);
      switch (o) {
        case ExtAuthzOutcome.Allow a -> {
          if (a.subject() != null) {
            r.putHeader("x-panosc-subject", headerValue(a.subject()));
          }
          if (a.decisionId() != null) {
            r.putHeader("x-panosc-decision-id", a.decisionId());
          }
          r.setStatusCode(200).end();
        }
        case ExtAuthzOutcome.Deny d -> {
          if (d.decisionId() != null) {
            r.putHeader("x-panosc-decision-id", d.decisionId());
          }
          r.setStatusCode(403).putHeader("x-panosc-reason", headerValue(d.reason()))
              .putHeader("Content-Type", "text/plain; charset=utf-8").end(d.reason() + "\n");
        }
        case ExtAuthzOutcome.Unauthenticated u -> {
          String challenge = "Bearer realm=\"" + REALM + "\"" + (u.error() == null ? ""
              : ", error=\"" + u.error() + "\", error_description=\"" + quoted(u.description()) + "\"");
          r.setStatusCode(401).putHeader("WWW-Authenticate", challenge)
              .putHeader("Content-Type", "text/plain; charset=utf-8")
              .end(u.error() == null ? "A bearer token is required.\n" : "The bearer token was refused: "
                  + u.description() + "\n");
        }
      }
    });
  }

  private static String first(String a, String b) {
    return a != null ? a : b;
  }

  private static String withoutQuery(String uri) {
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q);
  }

  /** Printable ASCII only (other characters become ?), so a header never breaks. */
  private static String headerValue(String s) {
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().forEach(c -> b.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
    return b.toString();
  }

  /** RFC 6750 §3: error_description is quoted printable ASCII without " and \\. */
  private static String quoted(String s) {
    return headerValue(s == null ? "" : s).replace('"', '\'').replace('\\', '/');
  }
}
