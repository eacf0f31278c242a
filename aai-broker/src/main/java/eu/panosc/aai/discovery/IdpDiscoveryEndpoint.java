package eu.panosc.aai.discovery;

import eu.panosc.aai.browser.BrowserForms;
import eu.panosc.aai.browser.ErrorPage;
import eu.panosc.aai.browser.Pages;
import io.vertx.core.MultiMap;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;

/**
 * {@code GET /discovery?req=<pending>[&q=<search>][&idp_hint=<key>]}: the page listing the identity providers the
 * pending sign-in may use, searchable without JavaScript (a GET form); the sign-in page of {@code /authorize} is the
 * same page. Failures are HTML pages, never a stack trace.
 */
public final class IdpDiscoveryEndpoint {
  public static final String PATH = "/discovery";
  private static final io.vertx.core.Handler<RoutingContext> FAILURE = BrowserForms.failureHandler("discovery",
      "Choosing your identity provider", "This page could not be read. Go back to the application and try again.");

  private final DiscoveryPage page;
  private final PendingLogins pending;
  private final BrowserForms forms;
  private final String cookiePath;
  private final boolean secureCookies;

  public IdpDiscoveryEndpoint(DiscoveryPage page, PendingLogins pending, String cookiePath, boolean secureCookies,
      long sessionSeconds) {
    this.page = Objects.requireNonNull(page, "page");
    this.pending = Objects.requireNonNull(pending, "pending");
    this.forms = new BrowserForms(cookiePath, secureCookies, sessionSeconds);
    this.cookiePath = cookiePath;
    this.secureCookies = secureCookies;
  }

  public void mount(Router router) {
    router.get(PATH).handler(this::discovery).failureHandler(FAILURE);
  }

  private void discovery(RoutingContext ctx) {
    MultiMap q = BrowserForms.query(ctx);
    String req = q.get("req");
    if (req == null || req.isEmpty()) {
      throw new ErrorPage(400, "Start from your application",
          "This page lets you choose how to sign in to an application. Go to the application and choose Sign in "
              + "there.");
    }
    String csrf = forms.csrf(ctx);
    pending.find(req).compose(p -> page.answer(new DiscoveryPage.Request(req, p.clientName(), p.allowedUpstreams(),
            null, q.get("idp_hint"), q.get("q"), remembered(ctx), csrf, "")))
        .onSuccess(outcome -> write(ctx, outcome, cookiePath, secureCookies))
        .onFailure(ctx::fail);
  }

  /** The remembered choice's key this browser sent, or null. */
  public static String remembered(RoutingContext ctx) {
    return RememberedChoice.decode(BrowserForms.cookie(ctx, RememberedChoice.COOKIE));
  }

  /** Remembers {@code key} as this browser's choice. */
  public static void remember(RoutingContext ctx, String key, String cookiePath, boolean secureCookies) {
    ctx.response().addCookie(Cookie.cookie(RememberedChoice.COOKIE, RememberedChoice.encode(key)).setPath(cookiePath)
        .setHttpOnly(true).setSecure(secureCookies).setSameSite(CookieSameSite.LAX)
        .setMaxAge(RememberedChoice.MAX_AGE_SECONDS));
  }

  /** Writes the page, or sends the browser on (remembering the choice). */
  public static void write(RoutingContext ctx, DiscoveryPage.Outcome outcome, String cookiePath,
      boolean secureCookies) {
    switch (outcome) {
      case DiscoveryPage.Show s -> Pages.write(ctx, s.status(), s.html());
      case DiscoveryPage.Go g -> {
        remember(ctx, g.upstream().key(), cookiePath, secureCookies);
        ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, g.location())
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end();
      }
    }
  }
}
