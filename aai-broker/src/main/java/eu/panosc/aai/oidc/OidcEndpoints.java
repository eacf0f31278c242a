package eu.panosc.aai.oidc;

import eu.panosc.aai.authorize.AuthorizationService;
import eu.panosc.aai.authorize.AuthorizeEndpoint;
import eu.panosc.aai.browser.BrowserForms;
import eu.panosc.aai.browser.Pages;
import eu.panosc.aai.discovery.IdpDiscoveryEndpoint;
import eu.panosc.aai.discovery.LoginUpstream;
import eu.panosc.aai.discovery.UpstreamCatalog;
import eu.panosc.aai.oauth.TokenEndpoint;
import eu.panosc.aai.protocol.OAuthError;
import eu.panosc.platform.http.FormBodies;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's relying-party routes toward upstream OPs: {@code GET /oidc/login?req=<pending>&upstream=<id>} (to the
 * OP, setting the flow cookie), {@code GET /oidc/callback} (the redirect URI registered at the OPs: the sign-in
 * finishes, then the same user resolution, registration, session, consent and code as every upstream sign-in),
 * {@code GET /oidc/logged-out} (back from the OP's logout) and {@code POST /oidc/backchannel-logout} (the OPs' logout
 * tokens). Browser failures are HTML pages; the back channel answers RFC 6749 §5.2 JSON errors (Back-Channel Logout
 * §2.8).
 */
public final class OidcEndpoints {
  private static final Logger LOG = LoggerFactory.getLogger(OidcEndpoints.class);
  public static final String LOGIN_PATH = "/oidc/login";
  public static final String CALLBACK_PATH = "/oidc/callback";
  public static final String LOGGED_OUT_PATH = "/oidc/logged-out";
  public static final String BACKCHANNEL_PATH = "/oidc/backchannel-logout";
  /** The flow cookie lives as long as a person may take at the OP (the flow's own lifetime bounds it too). */
  private static final long FLOW_COOKIE_SECONDS = 30 * 60;
  private static final Handler<RoutingContext> FAILURE = BrowserForms.failureHandler("sign-in",
      "Signing you in", "This sign-in request could not be read. Go back to the application and try again.");

  private final OidcLogin login;
  private final OidcLogout logout;
  private final AuthorizationService service;
  private final AuthorizeEndpoint pages;
  private final String cookiePath;
  private final boolean secureCookies;

  public OidcEndpoints(OidcLogin login, OidcLogout logout, AuthorizationService service, AuthorizeEndpoint pages,
      String cookiePath, boolean secureCookies) {
    this.login = Objects.requireNonNull(login, "login");
    this.logout = Objects.requireNonNull(logout, "logout");
    this.service = Objects.requireNonNull(service, "service");
    this.pages = Objects.requireNonNull(pages, "pages");
    this.cookiePath = Objects.requireNonNull(cookiePath, "cookiePath");
    this.secureCookies = secureCookies;
  }

  /**
   * The OPs for the discovery page: each configured upstream (key and upstream id: its id, so {@code idp_hint} and a
   * client's {@code allowedUpstreams} name it so; found also by its issuer's host), signing in at {@code oidc/login}.
   */
  public static UpstreamCatalog catalog(OidcLogin login) {
    // asked at each page: the registry's OPs come and go
    return () -> Future.succeededFuture(login.upstreams().stream().map(u -> new LoginUpstream(u.id(), u.id(),
        u.provider().settings().displayName(), List.of(u.provider().settings().issuer().getHost()),
        LOGIN_PATH.substring(1), Map.of("upstream", u.id()), false)).toList());
  }

  public void mount(Router router) {
    router.get(LOGIN_PATH).handler(this::start).failureHandler(FAILURE);
    router.get(CALLBACK_PATH).handler(this::callback).failureHandler(FAILURE);
    router.get(LOGGED_OUT_PATH).handler(this::loggedOut).failureHandler(FAILURE);
    router.post(BACKCHANNEL_PATH).handler(FormBodies.reader(64 * 1024)).handler(this::backChannel);
  }

  private void start(RoutingContext ctx) {
    MultiMap q = BrowserForms.query(ctx);
    String pendingId = q.get("req");
    String upstream = q.get("upstream");
    // as the SAML start: the client must allow this upstream (else the 403 page); the choice is kept with the
    // pending sign-in, so the identity is recorded as having come through it (and a link flow links it)
    service.pendingRequest(pendingId)
        // an OP we do not know is refused by start (its own page), never remembered as the choice
        .compose(req -> login.byId(upstream).isEmpty() ? Future.succeededFuture(req)
            : service.chooseUpstream(pendingId, upstream).map(req))
        .compose(req -> login.start(pendingId, upstream, req.acrValues(), req.prompt().contains("login")))
        .onSuccess(started -> {
          IdpDiscoveryEndpoint.remember(ctx, upstream, cookiePath, secureCookies);
          // the OP sends the browser back with a top-level GET: SameSite=Lax comes along
          ctx.response().addCookie(Cookie.cookie(OidcLogin.flowCookieName(started.handle()),
                  OidcLogin.binding(started.handle())).setPath(cookiePath).setHttpOnly(true).setSecure(secureCookies)
              .setSameSite(CookieSameSite.LAX).setMaxAge(FLOW_COOKIE_SECONDS));
          ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, started.url())
              .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end();
        })
        .onFailure(ctx::fail);
  }

  private void callback(RoutingContext ctx) {
    MultiMap q = BrowserForms.query(ctx);
    String state = q.get("state");
    String cookie = state == null || state.isEmpty() ? null : BrowserForms.cookie(ctx,
        OidcLogin.flowCookieName(state));
    login.finish(q, cookie)
        .compose(done -> service.upstreamLogin(done.pendingId(), done.identity(), done.session().upstreamJson()))
        .recover(e -> e instanceof OidcLogin.UnmetAuthentication unmet
            ? service.unmetAuthentication(unmet.pendingId(), unmet.getMessage()) : Future.failedFuture(e))
        .onSuccess(step -> pages.write(ctx, step, "../"))
        .onFailure(ctx::fail);
  }

  private void loggedOut(RoutingContext ctx) {
    MultiMap q = BrowserForms.query(ctx);
    logout.loggedOut(q.get("state")).onSuccess(next -> {
      if (next.isPresent()) {
        ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, next.get())
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end();
      } else {
        Pages.write(ctx, 200, Pages.message("You are signed out",
            "You are signed out of the PaNOSC federation and of your identity provider. You can close this page."));
      }
    }).onFailure(ctx::fail);
  }

  /** Back-Channel Logout §2.5 / §2.8: 200 when the token verified, else 400 {@code invalid_request}. */
  private void backChannel(RoutingContext ctx) {
    String token;
    try {
      MultiMap form = TokenEndpoint.requireForm(ctx);
      token = form.get("logout_token");
      if (token == null || token.isEmpty()) {
        throw OAuthError.invalidRequest("logout_token is required");
      }
    } catch (OAuthError e) {
      e.render(ctx);
      return;
    }
    logout.backChannel(token).onSuccess(r -> ctx.response().setStatusCode(200)
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end())
        .onFailure(e -> {
          if (e instanceof TokenRejectedException t) {
            LOG.warn("back-channel logout token refused ({}): {}", t.reason(), t.getMessage());
            OAuthError.invalidRequest("the logout token was not accepted (" + t.reason().name().toLowerCase(
                java.util.Locale.ROOT) + ")").render(ctx);
          } else {
            LOG.error("back-channel logout failed: {}", e.toString());
            // §2.8: the OP may retry later
            ctx.response().setStatusCode(503).putHeader("Retry-After", "5").putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("error", "temporarily_unavailable").encode());
          }
        });
  }
}
