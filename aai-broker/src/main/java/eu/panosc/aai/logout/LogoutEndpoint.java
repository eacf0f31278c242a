package eu.panosc.aai.logout;

import eu.panosc.aai.registry.RegisteredClient;
import com.nimbusds.jwt.JWTClaimsSet;
import eu.panosc.aai.browser.BrowserForms;
import eu.panosc.aai.browser.ErrorPage;
import eu.panosc.aai.browser.Pages;
import eu.panosc.aai.protocol.Parameters;
import eu.panosc.aai.session.Sessions;
import eu.panosc.aai.token.IdTokens;
import eu.panosc.aai.user.Users;
import eu.panosc.platform.http.FormBodies;
import eu.panosc.aai.registry.RegistryClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The end-session endpoint (OpenID Connect RP-Initiated Logout 1.0): {@code GET /logout} with
 * {@code id_token_hint}, {@code client_id}, {@code post_logout_redirect_uri} and {@code state}; a {@code POST}
 * is answered with a 303 to the same {@code GET}, because the SameSite=Lax session cookie is not sent with a
 * cross-site POST but is with the top-level GET that follows.
 *
 * <p>The hint must be an ID token this provider signed (expired ones are fine); a hint that does not verify, or a
 * {@code client_id} that is not its audience, is an error page and nothing happens. The person is asked to
 * confirm ({@code POST /logout/confirm}, CSRF-protected) unless the hint's {@code sid} is the browser's current
 * session. Then the session ends ({@link SessionLogout}: row deleted, grants revoked, clients told over the back
 * channel) and the cookie is expired. The browser goes back to {@code post_logout_redirect_uri} (with
 * {@code state}) only when it is exactly one of the client's registered {@code postLogoutRedirectUris}; otherwise
 * it stays on a page that says the person is signed out, never an open redirect.
 *
 * @see <a href="https://openid.net/specs/openid-connect-rpinitiated-1_0.html">RP-Initiated Logout 1.0</a>
 */
public final class LogoutEndpoint {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LogoutEndpoint.class);
  static final List<String> PARAMS = List.of("id_token_hint", "client_id", "post_logout_redirect_uri", "state",
      "logout_hint", "ui_locales");
  private static final int MAX_STATE = 2048;
  private static final io.vertx.core.Handler<RoutingContext> FAILURE = BrowserForms.failureHandler("sign-out",
      "Signing you out", "This sign-out request could not be read. Go back to the application and try again.");
  private static final String UNVERIFIED = "The application sent a sign-out request that this server could not "
      + "verify, so nothing was done: you may still be signed in. To sign out, open the sign-out page of this "
      + "server (…/aai/logout) directly.";

  /** A checked request: the hint's claims, the client, the redirect when it is registered. */
  record Request(MultiMap params, Optional<JWTClaimsSet> hint, RegisteredClient client, String redirect, String state,
      boolean redirectRefused) {}

  private final IdTokens idTokens;
  private final RegistryClient registry;
  private final Sessions sessions;
  private final Users users;
  private final SessionLogout logout;
  private final BrowserForms forms;
  /** Ends the upstream (SAML IdP) session too, when the session came from one. */
  private final UpstreamLogout upstream;

  public LogoutEndpoint(IdTokens idTokens, RegistryClient registry, Sessions sessions, Users users,
      SessionLogout logout, String cookiePath, boolean secureCookies) {
    this(idTokens, registry, sessions, users, logout, cookiePath, secureCookies, UpstreamLogout.NONE);
  }

  public LogoutEndpoint(IdTokens idTokens, RegistryClient registry, Sessions sessions, Users users,
      SessionLogout logout, String cookiePath, boolean secureCookies, UpstreamLogout upstream) {
    this.upstream = Objects.requireNonNull(upstream, "upstream");
    this.idTokens = Objects.requireNonNull(idTokens, "idTokens");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.users = Objects.requireNonNull(users, "users");
    this.logout = Objects.requireNonNull(logout, "logout");
    this.forms = new BrowserForms(cookiePath, secureCookies, sessions.lifetime().toSeconds());
  }

  public void mount(Router router) {
    io.vertx.core.Handler<RoutingContext> form = FormBodies.reader(32 * 1024);
    router.get("/logout").handler(ctx -> start(ctx, BrowserForms.query(ctx))).failureHandler(FAILURE);
    router.post("/logout").handler(form).handler(this::repost).failureHandler(FAILURE);
    router.post("/logout/confirm").handler(form).handler(this::confirm).failureHandler(FAILURE);
  }

  /** POST → 303 to the GET with the same parameters (so that the Lax session cookie comes along). */
  private void repost(RoutingContext ctx) {
    MultiMap params = BrowserForms.form(ctx);
    checkSingle(params);
    StringBuilder query = new StringBuilder();
    for (String name : PARAMS) {
      String v = params.get(name);
      if (v != null) {
        query.append(query.isEmpty() ? "" : "&").append(name).append('=').append(encode(v));
      }
    }
    ctx.response().setStatusCode(303).putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader(HttpHeaders.LOCATION, query.isEmpty() ? "logout" : "logout?" + query).end();
  }

  private void start(RoutingContext ctx, MultiMap params) {
    String cookie = BrowserForms.cookie(ctx, Sessions.COOKIE);
    check(params).compose(req -> sessions.find(cookie).compose(session -> {
      if (session.isEmpty()) {
        // nothing to end here (no session, or it expired): the person is signed out already
        forms.expireCookie(ctx, Sessions.COOKIE);
        finish(ctx, req);
        return Future.succeededFuture();
      }
      boolean sameSession = req.hint().map(h -> h.getClaim("sid")).filter(session.get().sid()::equals).isPresent();
      if (sameSession) {
        return end(ctx, cookie, req);
      }
      return users.find(session.get().userId()).map(user -> {
        String name = user.map(u -> u.attributes().getString("name")).orElse(null);
        Pages.write(ctx, 200, Pages.logoutConfirm(hiddenFields(params, forms.csrf(ctx)),
            name != null ? name : session.get().userId(), req.client() == null ? null : Pages.displayName(req.client())));
        return null;
      });
    })).onFailure(ctx::fail);
  }

  private void confirm(RoutingContext ctx) {
    MultiMap form = BrowserForms.form(ctx);
    BrowserForms.checkCsrf(ctx, form, "Go back to the application and sign out again.");
    String decision = form.get("decision");
    if (!"logout".equals(decision) && !"stay".equals(decision)) {
      throw new ErrorPage(400, "Choice not understood", "Please choose Sign out or Stay signed in on the previous page.");
    }
    check(form).compose(req -> {
      if ("stay".equals(decision)) {
        Pages.write(ctx, 200, Pages.message("You are still signed in",
            "You chose to stay signed in. You can close this page or go back to the application."));
        return Future.succeededFuture();
      }
      return end(ctx, BrowserForms.cookie(ctx, Sessions.COOKIE), req);
    }).onFailure(ctx::fail);
  }

  /**
   * Ends the session; when it came from a SAML IdP, the browser then goes to the IdP with a LogoutRequest (the
   * redirect follows after the IdP's answer). A failure to start the upstream logout leaves the person signed out
   * here (logged), never on an error page.
   */
  private Future<Void> end(RoutingContext ctx, String cookie, Request req) {
    return logout.end(cookie).compose(ended -> ended.isEmpty()
            ? Future.succeededFuture(Optional.<UpstreamLogout.Step>empty())
            : upstream.next(ended.get().sid(), req.redirect(), req.state()).recover(e -> {
              LOG.warn("session {} ended here, but the upstream logout could not be started: {}", ended.get().sid(),
                  e.toString());
              return Future.succeededFuture(Optional.empty());
            }))
        .map(next -> {
          forms.expireCookie(ctx, Sessions.COOKIE);
          switch (next.orElse(null)) {
            case UpstreamLogout.Step.Redirect r -> ctx.response().setStatusCode(303)
                .putHeader(HttpHeaders.LOCATION, r.location()).putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end();
            case UpstreamLogout.Step.Post p -> eu.panosc.aai.browser.AutoPost.write(ctx, "Signing you out", p.action(),
                p.fields());
            case UpstreamLogout.Step.LocalOnly l -> localOnly(ctx, req, l.upstreamName());
            case null -> finish(ctx, req);
          }
          return null;
        });
  }

  /**
   * Signed out here, but the upstream the session came from offers no logout we can start: the page says so (its
   * session there may live on) and links on to the registered redirect, if any.
   */
  private static void localOnly(RoutingContext ctx, Request req, String upstreamName) {
    String text = "You are signed out of the PaNOSC federation. " + upstreamName + " does not let us sign you out "
        + "there, so you may still be signed in at " + upstreamName + ": to end that too, sign out there or close your "
        + "browser.";
    if (req.redirect() == null) {
      Pages.write(ctx, 200, Pages.message("You are signed out here", text));
      return;
    }
    String location = req.redirect() + (req.state() == null ? "" : (req.redirect().contains("?") ? "&" : "?")
        + "state=" + encode(req.state()));
    Pages.write(ctx, 200, Pages.message("You are signed out here", text, "Continue to the application", location));
  }

  /** Back to the registered redirect (with state), else a page saying the person is signed out. */
  private static void finish(RoutingContext ctx, Request req) {
    if (req.redirect() != null) {
      String location = req.redirect();
      if (req.state() != null) {
        location += (location.contains("?") ? "&" : "?") + "state=" + encode(req.state());
      }
      ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, location)
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end();
      return;
    }
    Pages.write(ctx, 200, Pages.message("You are signed out", req.redirectRefused()
        ? "You are signed out of the PaNOSC federation. The application asked to send you back to an address that "
            + "is not registered for it, so you stay here; you can close this page."
        : "You are signed out of the PaNOSC federation. You can close this page."));
  }

  /** Validates the parameters (§2, §3): the hint, the client, the redirect. */
  Future<Request> check(MultiMap params) {
    checkSingle(params);
    String rawHint = params.get("id_token_hint");
    Optional<JWTClaimsSet> hint = Optional.empty();
    if (rawHint != null && !rawHint.isEmpty()) {
      hint = idTokens.verifyHint(rawHint);
      if (hint.isEmpty()) {
        return Future.failedFuture(new ErrorPage(400, "Sign-out request not verified", UNVERIFIED));
      }
    }
    String clientId = emptyToNull(params.get("client_id"));
    if (clientId != null && hint.isPresent() && !hint.get().getAudience().contains(clientId)) {
      // §2: when both are given, the client must be the hint's audience
      return Future.failedFuture(new ErrorPage(400, "Sign-out request not verified", UNVERIFIED));
    }
    if (clientId == null && hint.isPresent() && hint.get().getAudience().size() == 1) {
      clientId = hint.get().getAudience().get(0);
    }
    String state = emptyToNull(params.get("state"));
    if (state != null && state.length() > MAX_STATE) {
      return Future.failedFuture(new ErrorPage(400, "Sign-out request not understood",
          "The sign-out request is too long. Go back to the application and try again."));
    }
    String redirect = emptyToNull(params.get("post_logout_redirect_uri"));
    Optional<JWTClaimsSet> h = hint;
    // an id no client can have is unknown without asking the registry
    Future<Optional<RegisteredClient>> client = !Parameters.plausibleClientId(clientId)
        ? Future.succeededFuture(Optional.empty()) : registry.client(clientId);
    return client.map(c -> {
      boolean registered = redirect != null && c.isPresent()
          && c.get().postLogoutRedirectUris().contains(redirect);
      return new Request(params, h, c.orElse(null), registered ? redirect : null, state,
          redirect != null && !registered);
    });
  }

  private static void checkSingle(MultiMap params) {
    for (String name : PARAMS) {
      if (params.getAll(name).size() > 1) {
        throw new ErrorPage(400, "Sign-out request not understood", "The sign-out request repeats the parameter "
            + name + ". Go back to the application and try again.");
      }
    }
  }

  private static String hiddenFields(MultiMap params, String csrf) {
    StringBuilder out = new StringBuilder(Pages.hidden("csrf", csrf));
    for (String name : PARAMS) {
      String v = params.get(name);
      if (v != null) {
        out.append(Pages.hidden(name, v));
      }
    }
    return out.toString();
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
