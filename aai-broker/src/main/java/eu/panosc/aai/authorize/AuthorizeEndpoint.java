package eu.panosc.aai.authorize;

import eu.panosc.aai.browser.BrowserForms;
import eu.panosc.aai.browser.ErrorPage;
import eu.panosc.aai.browser.Pages;
import eu.panosc.aai.session.Sessions;
import eu.panosc.platform.http.FormBodies;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;

/**
 * The browser side of the provider: {@code GET|POST /authorize} (RFC 6749 §4.1.1, OIDC Core §3.1.2), the
 * login form's {@code POST /login} and the consent screen's {@code POST /consent}. The session cookie is
 * HttpOnly, SameSite=Lax, Secure over https; forms carry a CSRF token that must equal the
 * {@code panosc_aai_csrf} cookie (double submit). Failures become HTML pages a person can act on (never a
 * stack trace), or redirects to the client once its redirect URI is validated.
 */
public final class AuthorizeEndpoint {
  public static final String CSRF_COOKIE = BrowserForms.CSRF_COOKIE;

  private final AuthorizationRequestParser parser;
  private final AuthorizationService service;
  private final BrowserForms forms;
  /** Every failure on these routes is HTML for the person, or a redirect to the validated client. */
  private static final io.vertx.core.Handler<RoutingContext> FAILURE = BrowserForms.failureHandler("sign-in",
      "Signing you in", "This sign-in request could not be read. Go back to the application and try again.");

  public AuthorizeEndpoint(AuthorizationRequestParser parser, AuthorizationService service, String cookiePath,
      boolean secureCookies, long sessionSeconds) {
    this.parser = Objects.requireNonNull(parser, "parser");
    this.service = Objects.requireNonNull(service, "service");
    this.forms = new BrowserForms(cookiePath, secureCookies, sessionSeconds);
  }

  public void mount(Router router) {
    io.vertx.core.Handler<RoutingContext> form = FormBodies.reader(16 * 1024);
    router.get("/authorize").handler(ctx -> authorize(ctx, BrowserForms.query(ctx))).failureHandler(FAILURE);
    router.post("/authorize").handler(form).handler(ctx -> authorize(ctx, BrowserForms.form(ctx)))
        .failureHandler(FAILURE);
    router.post("/login").handler(form).handler(this::login).failureHandler(FAILURE);
    router.post("/consent").handler(form).handler(this::consent).failureHandler(FAILURE);
  }

  private void authorize(RoutingContext ctx, MultiMap params) {
    parser.parse(params)
        .compose(p -> service.authorize(p.request(), p.client(), BrowserForms.cookie(ctx, Sessions.COOKIE)))
        .onSuccess(step -> write(ctx, step))
        .onFailure(ctx::fail);
  }

  private void login(RoutingContext ctx) {
    MultiMap form = BrowserForms.form(ctx);
    BrowserForms.checkCsrf(ctx, form, "Go back to the application and start signing in again.");
    service.login(form.get("req"), form.get("username"), form.get("password"))
        .onSuccess(step -> write(ctx, step))
        .onFailure(ctx::fail);
  }

  private void consent(RoutingContext ctx) {
    MultiMap form = BrowserForms.form(ctx);
    BrowserForms.checkCsrf(ctx, form, "Go back to the application and start signing in again.");
    String decision = form.get("decision");
    if (!"approve".equals(decision) && !"deny".equals(decision)) {
      throw new ErrorPage(400, "Choice not understood", "Please choose Allow or Deny on the previous page.");
    }
    service.consent(form.get("req"), BrowserForms.cookie(ctx, Sessions.COOKIE), "approve".equals(decision))
        .onSuccess(step -> write(ctx, step))
        .onFailure(ctx::fail);
  }

  private void write(RoutingContext ctx, AuthorizationService.Step step) {
    switch (step) {
      case AuthorizationService.LoggedIn in -> {
        forms.setCookie(ctx, Sessions.COOKIE, in.sessionId());
        write(ctx, in.next());
      }
      case AuthorizationService.Login l -> Pages.write(ctx, 200, Pages.login(l.pendingId(), forms.csrf(ctx), l.clientName(),
          service.connector().map(c -> "Sign in with: " + c.displayName()).orElse(""), l.message()));
      case AuthorizationService.Consent c -> Pages.write(ctx, 200, Pages.consent(c.pendingId(), forms.csrf(ctx), c.client(),
          c.userName(), c.request().scopes()));
      case AuthorizationService.Redirect r -> ctx.response().setStatusCode(302)
          .putHeader(HttpHeaders.LOCATION, r.location()).putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end();
    }
  }
}
