package eu.panosc.platform.service;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The last route of a module's router: a request no route answered gets 405 (with {@code Allow}) when a route
 * has its path with another method, else 404. Vert.x's own 405 is lost once a handler for every path (a body
 * handler, an authentication prefix) matched after the route with the path, so the routes are asked here again.
 */
final class UnmatchedRequests implements Handler<RoutingContext> {
  private static final Pattern PARAM = Pattern.compile(":[A-Za-z_][A-Za-z0-9_]*");

  private record Candidate(Pattern path, Set<String> methods) {}

  private final List<Candidate> candidates;

  private UnmatchedRequests(List<Candidate> candidates) {
    this.candidates = List.copyOf(candidates);
  }

  /** Adds the handler as the last route of {@code router}, whose routes must all be in place. */
  static void install(Router router) {
    List<Candidate> candidates = new ArrayList<>();
    for (Route route : router.getRoutes()) {
      if (route.methods() == null || route.methods().isEmpty() || route.getSubRouter() != null) {
        continue;
      }
      Pattern path = pattern(route);
      if (path != null) {
        Set<String> methods = new TreeSet<>();
        route.methods().forEach(m -> methods.add(m.name()));
        candidates.add(new Candidate(path, methods));
      }
    }
    router.route().handler(new UnmatchedRequests(candidates));
  }

  private static Pattern pattern(Route route) {
    if (route.isRegexPath()) {
      return route.getName() == null ? null : Pattern.compile(route.getName());
    }
    String path = route.getPath();
    if (path == null) {
      return null;
    }
    StringBuilder regex = new StringBuilder();
    Matcher m = PARAM.matcher(path);
    int at = 0;
    while (m.find()) {
      regex.append(Pattern.quote(path.substring(at, m.start()))).append("[^/]+");
      at = m.end();
    }
    regex.append(Pattern.quote(path.substring(at)));
    if (!route.isExactPath()) {
      regex.append(".*");
    }
    return Pattern.compile(regex.toString());
  }

  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    String mount = ctx.mountPoint();
    if (mount != null && path.startsWith(mount)) {
      path = path.substring(mount.endsWith("/") ? mount.length() - 1 : mount.length());
    }
    Set<String> allowed = new TreeSet<>();
    for (Candidate c : candidates) {
      if (c.path().matcher(path).matches()) {
        allowed.addAll(c.methods());
      }
    }
    if (allowed.isEmpty()) {
      ctx.fail(404);
    } else {
      ctx.response().putHeader(HttpHeaders.ALLOW, String.join(", ", allowed));
      ctx.fail(405);
    }
  }
}
