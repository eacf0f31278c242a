package eu.panosc.broker.proxy;

import eu.panosc.broker.access.AccessException;
import eu.panosc.broker.access.AccessGate;
import eu.panosc.broker.access.ActivityRecorder;
import eu.panosc.broker.access.Grant;
import eu.panosc.broker.access.Intent;
import eu.panosc.broker.api.Callers;
import eu.panosc.broker.driver.Upstream;
import eu.panosc.broker.model.Caller;
import eu.panosc.broker.model.Session;
import eu.panosc.platform.auth.AccessTokenPrincipal;
import eu.panosc.platform.auth.BearerAuthHandler;
import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyOptions;
import io.vertx.httpproxy.ProxyResponse;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The broker's authenticating reverse proxy and the ways into it:
 * <ul>
 *   <li>{@code /s/<id>/...} (any method, and WebSocket upgrades): the caller — a bearer token from the aai-broker,
 *   or the broker's browser cookie — is checked on every request and connection ({@link AccessGate}); the request
 *   goes to the session's upstream (the local driver's port, on Kubernetes the Service) with the session's access
 *   secret as its {@code Authorization}, never the caller's token or the broker's cookie, without hop-by-hop
 *   headers, with {@code X-Forwarded-For/-Proto/-Host/-Prefix}. The session sees its full path (its base path is
 *   {@code <mount>/s/<id>/}, as JupyterHub does). Each request and open WebSocket counts as activity.</li>
 *   <li>{@code GET /v1/sessions/<id>/open} (bearer): the launch link; 303 to {@code /s/<id>/} setting the cookie
 *   ({@link LaunchCookies}).</li>
 *   <li>{@code GET /v1/auth}: forward-auth for nginx {@code auth_request}, ingress-nginx and Traefik ForwardAuth;
 *   the session from {@code X-Panosc-Session}, else the session id found in {@code X-Forwarded-Uri} or
 *   {@code X-Original-URI}; the method from {@code X-Forwarded-Method} or {@code X-Original-Method}; 200 with
 *   {@code X-Panosc-User} and {@code X-Panosc-Access}, else 401 or 403 (nginx {@code auth_request} knows no other
 *   refusal: a session that ended, is unknown or not yet running is a 403 naming why in {@code reason}).</li>
 * </ul>
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9110#section-7.6.1">RFC 9110 §7.6.1: Connection (hop-by-hop)</a>
 */
public final class SessionProxy {
  static final String CALLER = "panosc.broker.caller";
  /** Session ids as the broker makes them; forward-auth finds them in the original URI. */
  static final Pattern SESSION_IN_URI = Pattern.compile("/(s[a-z0-9]{20})(?:/|\\?|$)");
  private static final List<String> HOP_BY_HOP = List.of("connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");

  private final AccessGate gate;
  private final Function<Session, Future<Optional<Upstream>>> upstreams;
  private final ActivityRecorder activity;
  private final LaunchCookies cookies;
  private final java.util.function.Supplier<HttpClient> client;
  private final URI publicRoot;
  /** {@code X-Forwarded-Proto} and {@code -Host}: the public URL's, the same for every request. */
  private final String forwardedProto;
  private final String forwardedHost;

  public SessionProxy(AccessGate gate, Function<Session, Future<Optional<Upstream>>> upstreams,
      ActivityRecorder activity, LaunchCookies cookies, HttpClient client, URI publicRoot) {
    this(gate, upstreams, activity, cookies, () -> client, publicRoot);
  }

  /**
   * With {@code client} choosing the upstream client per request (e.g. {@link EventLoopClients}: the caller's event
   * loop's own, so a proxied exchange stays on one thread).
   */
  public SessionProxy(AccessGate gate, Function<Session, Future<Optional<Upstream>>> upstreams,
      ActivityRecorder activity, LaunchCookies cookies, java.util.function.Supplier<HttpClient> client,
      URI publicRoot) {
    this.gate = Objects.requireNonNull(gate, "gate");
    this.upstreams = Objects.requireNonNull(upstreams, "upstreams");
    this.activity = Objects.requireNonNull(activity, "activity");
    this.cookies = Objects.requireNonNull(cookies, "cookies");
    this.client = Objects.requireNonNull(client, "client");
    this.publicRoot = Objects.requireNonNull(publicRoot, "publicRoot");
    this.forwardedProto = publicRoot.getScheme();
    this.forwardedHost = publicRoot.getPort() < 0 ? publicRoot.getHost()
        : publicRoot.getHost() + ":" + publicRoot.getPort();
  }

  /** {@code path} without the slashes it ends with (no regular expression: this runs for every proxied request). */
  static String withoutTrailingSlashes(String path) {
    int end = path.length();
    while (end > 0 && path.charAt(end - 1) == '/') {
      end--;
    }
    return end == path.length() ? path : path.substring(0, end);
  }

  public void mount(Router router, BearerAuthHandler bearer) {
    BearerAuthHandler checked = bearer.rendering((rc, status, detail) -> Refusals.write(rc, status,
        status == 401 ? "invalid-token" : "insufficient-scope", "Your bearer token was not accepted: " + detail + "."));
    router.route("/s/:id").handler(rc -> {
      if (rc.request().path().endsWith("/")) {
        rc.next(); // Vert.x matches "/s/:id" with a trailing slash too
        return;
      }
      String q = rc.request().query();
      rc.response().setStatusCode(308).putHeader(HttpHeaders.LOCATION, rc.request().path() + "/"
          + (q == null ? "" : "?" + q)).end();
    });
    router.route("/s/:id/*").handler(rc -> identify(rc, checked, id(rc))).handler(this::forward);
    // the token is checked before the method (an undocumented method asks for credentials first)
    router.route("/v1/sessions/:id/open").handler(checked);
    router.get("/v1/sessions/:id/open").handler(this::open);
    router.get("/v1/auth").handler(rc -> {
      String id = forwardedSession(rc.request());
      if (id == null) {
        Refusals.write(rc, 400, "no-session", "Say which session: an X-Panosc-Session header, or an X-Forwarded-Uri "
            + "or X-Original-URI holding the session's path.");
        return;
      }
      rc.put("panosc.broker.session", id);
      identify(rc, checked, id);
    }).handler(this::forwardAuth);
  }

  private static String id(RoutingContext rc) {
    try {
      return Input.id("id", rc.pathParam("id"), 64);
    } catch (InvalidInputException e) {
      return null;
    }
  }

  /** A bearer token when the request has an Authorization header, else the broker's cookie for this session. */
  private void identify(RoutingContext rc, BearerAuthHandler bearer, String sessionId) {
    if (sessionId == null) {
      Refusals.write(rc, 400, "bad-session-id", "The session id must have 1 to 64 characters without control "
          + "characters.");
      return;
    }
    rc.request().pause();
    if (rc.request().headers().contains(HttpHeaders.AUTHORIZATION)) {
      bearer.handle(rc);
      return;
    }
    Optional<Caller> caller = Optional.empty();
    for (Cookie c : rc.request().cookies(LaunchCookies.NAME)) {
      caller = cookies.read(c.getValue(), sessionId);
      if (caller.isPresent()) {
        break;
      }
    }
    if (caller.isEmpty()) {
      Refusals.write(rc, 401, "no-credentials", "Session " + sessionId + " needs you signed in: a bearer token, or "
          + "the cookie its launch link sets (it lasts " + LaunchCookies.LIFETIME.toMinutes() + " minutes).");
      return;
    }
    rc.put(CALLER, caller.get());
    rc.next();
  }

  private static Caller caller(RoutingContext rc) {
    Caller c = rc.get(CALLER);
    if (c != null) {
      return c;
    }
    AccessTokenPrincipal p = rc.get(AccessTokenPrincipal.CONTEXT_KEY);
    return Callers.of(p);
  }

  private void forward(RoutingContext rc) {
    HttpServerRequest req = rc.request();
    String id = id(rc);
    boolean ws = isWebSocket(req);
    gate.check(caller(rc), id, Intent.of(req.method().name(), ws)).compose(grant -> upstreams.apply(grant.session())
        .compose(up -> up.isPresent() ? Future.succeededFuture(new Target(grant, up.get()))
            : Future.failedFuture(new AccessException(AccessException.Kind.NOT_FOUND, "no-upstream",
                "Session " + id + " is RUNNING, but its cluster does not say where it can be reached."))))
        .onSuccess(t -> proxy(rc, t))
        .onFailure(e -> Refusals.fail(rc, e));
  }

  private record Target(Grant grant, Upstream upstream) {}

  private void proxy(RoutingContext rc, Target t) {
    HttpServerRequest req = rc.request();
    String id = t.grant().session().id();
    String prefix = rc.mountPoint() == null ? "/s/" + id : withoutTrailingSlashes(rc.mountPoint()) + "/s/" + id;
    activity.seen(id);
    if (isWebSocket(req)) {
      activity.opened(id);
    }
    HttpProxy proxy = HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(true), client.get())
        .origin(t.upstream().port(), t.upstream().host())
        .addInterceptor(new Forwarding(t.upstream(), prefix, forwardedProto, forwardedHost, req.remoteAddress() == null
            ? null
            : req.remoteAddress().hostAddress(), isWebSocket(req) ? () -> activity.closed(id) : null), true);
    // true: the interceptor applies to WebSocket upgrades too (else the caller's credentials would pass)
    proxy.handle(req);
  }

  private void open(RoutingContext rc) {
    String id = id(rc);
    if (id == null) {
      Refusals.write(rc, 400, "bad-session-id", "The session id must have 1 to 64 characters without control "
          + "characters.");
      return;
    }
    Caller caller = caller(rc);
    gate.check(caller, id, Intent.READ).onSuccess(grant -> {
      String path = withoutTrailingSlashes(rc.mountPoint()) + "/s/" + id + "/";
      Cookie cookie = Cookie.cookie(LaunchCookies.NAME, cookies.issue(caller, id)).setPath(path).setHttpOnly(true)
          .setSecure("https".equals(publicRoot.getScheme())).setSameSite(CookieSameSite.LAX)
          .setMaxAge(LaunchCookies.LIFETIME.toSeconds());
      rc.response().addCookie(cookie);
      rc.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, path)
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end();
    }).onFailure(e -> Refusals.fail(rc, e));
  }

  private void forwardAuth(RoutingContext rc) {
    String id = rc.get("panosc.broker.session");
    MultiMap h = rc.request().headers();
    String method = first(h, "X-Forwarded-Method", "X-Original-Method");
    boolean ws = h.contains(HttpHeaders.UPGRADE) && "websocket".equalsIgnoreCase(h.get(HttpHeaders.UPGRADE));
    gate.check(caller(rc), id, Intent.of(method == null ? "GET" : method.toUpperCase(Locale.ROOT), ws))
        .onSuccess(grant -> {
          activity.seen(id);
          rc.response().putHeader("X-Panosc-User", grant.user())
              .putHeader("X-Panosc-Access", grant.owner() ? "owner" : grant.mode().name().toLowerCase(Locale.ROOT))
              .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").setStatusCode(200).end();
        }).onFailure(e -> {
          // nginx auth_request knows only 2xx, 401 and 403 (anything else becomes its 500): a session that ended
          // or does not run yet is a 403 here, its reason kept
          if (e instanceof AccessException a && (a.kind() == AccessException.Kind.NOT_FOUND
              || a.kind() == AccessException.Kind.CONFLICT)) {
            Refusals.write(rc, 403, a.reason(), a.getMessage());
          } else {
            Refusals.fail(rc, e);
          }
        });
  }

  static String forwardedSession(HttpServerRequest req) {
    String explicit = req.getHeader("X-Panosc-Session");
    if (explicit != null && !explicit.isBlank()) {
      return Input.isClean(explicit.strip(), 64) ? explicit.strip() : null;
    }
    String uri = first(req.headers(), "X-Forwarded-Uri", "X-Original-URI");
    if (uri == null) {
      return null;
    }
    Matcher m = SESSION_IN_URI.matcher(uri);
    return m.find() ? m.group(1) : null;
  }

  private static String first(MultiMap h, String... names) {
    for (String n : names) {
      String v = h.get(n);
      if (v != null && !v.isBlank()) {
        return v.strip();
      }
    }
    return null;
  }

  static boolean isWebSocket(HttpServerRequest req) {
    String upgrade = req.getHeader(HttpHeaders.UPGRADE);
    return upgrade != null && upgrade.equalsIgnoreCase("websocket");
  }

  /**
   * Rewrites the request for the session: the caller's credentials out, the session's in, hop-by-hop headers out
   * (also those the {@code Connection} header names), {@code X-Forwarded-*} set by the broker (a client's own
   * are replaced, not trusted).
   */
  static final class Forwarding implements ProxyInterceptor {
    private final Upstream upstream;
    private final String prefix;
    private final String forwardedProto;
    private final String forwardedHost;
    private final String clientAddress;
    private final Runnable onTunnelClosed;

    Forwarding(Upstream upstream, String prefix, String forwardedProto, String forwardedHost, String clientAddress,
        Runnable onTunnelClosed) {
      this.upstream = upstream;
      this.prefix = prefix;
      this.forwardedProto = forwardedProto;
      this.forwardedHost = forwardedHost;
      this.clientAddress = clientAddress;
      this.onTunnelClosed = onTunnelClosed;
    }

    /** A WebSocket tunnel: once set up, its end (either side closing) is reported. */
    @Override
    public Future<Void> handleProxyResponse(ProxyContext ctx) {
      if (onTunnelClosed == null || !ctx.isWebSocket() || ctx.response().getStatusCode() != 101) {
        if (onTunnelClosed != null) {
          onTunnelClosed.run(); // the upgrade was refused: no tunnel
        }
        return ctx.sendResponse();
      }
      return ctx.sendResponse().andThen(ar -> ctx.request().proxiedRequest().toNetSocket().onComplete(so -> {
        if (so.succeeded()) {
          so.result().endHandler(v -> onTunnelClosed.run());
        } else {
          onTunnelClosed.run(); // no socket to watch: do not count it as open forever
        }
      }));
    }

    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
      MultiMap h = ctx.request().headers();
      if (!ctx.isWebSocket()) {
        List<String> named = new ArrayList<>();
        for (String v : h.getAll(HttpHeaders.CONNECTION)) {
          for (String token : v.split(",")) {
            if (!token.isBlank()) {
              named.add(token.strip());
            }
          }
        }
        named.forEach(h::remove);
        HOP_BY_HOP.forEach(h::remove);
      } else {
        h.remove("Proxy-Authorization");
        h.remove("Keep-Alive");
      }
      h.remove(HttpHeaders.AUTHORIZATION);
      upstream.authorization().ifPresent(a -> h.set(HttpHeaders.AUTHORIZATION, a));
      stripOurCookie(h);
      h.remove("Forwarded");
      h.remove("X-Forwarded-Port");
      if (clientAddress != null) {
        h.set("X-Forwarded-For", clientAddress);
      } else {
        h.remove("X-Forwarded-For");
      }
      h.set("X-Forwarded-Proto", forwardedProto);
      h.set("X-Forwarded-Host", forwardedHost);
      h.set("X-Forwarded-Prefix", prefix);
      ctx.request().setAuthority(HostAndPort.create(upstream.host(), upstream.port()));
      return ctx.sendRequest();
    }

    static void stripOurCookie(MultiMap h) {
      List<String> kept = new ArrayList<>();
      for (String header : h.getAll(HttpHeaders.COOKIE)) {
        for (String pair : header.split(";")) {
          String p = pair.strip();
          if (!p.isEmpty() && !p.startsWith(LaunchCookies.NAME + "=")) {
            kept.add(p);
          }
        }
      }
      h.remove(HttpHeaders.COOKIE);
      if (!kept.isEmpty()) {
        h.set(HttpHeaders.COOKIE, String.join("; ", kept));
      }
    }
  }
}
