package eu.panosc.aai.saml.idp;

import eu.panosc.aai.browser.BrowserForms;
import eu.panosc.aai.browser.ErrorPage;
import eu.panosc.aai.browser.Pages;
import eu.panosc.platform.http.FormBodies;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;

/**
 * The demo IdP's routes under {@code /demo/umbrellaid} of the aai-broker (only with {@code --demo}):
 * {@code GET metadata}, {@code GET sso} (HTTP-Redirect AuthnRequest), {@code POST login} (the demo login form),
 * {@code GET slo} (Single Logout, HTTP-Redirect), {@code GET account} (its page) and {@code POST logout} (IdP-initiated
 * logout from its page). Every refusal is a human page (400) naming what is wrong; the answer to the SP is an
 * auto-submitting HTTP-POST form.
 */
public final class DemoIdpEndpoint {
  static final String SESSION_COOKIE = "panosc_demo_idp_session";
  private static final String SUBMIT_SCRIPT = "document.forms[0].submit();";
  private static final String SCRIPT_HASH = "sha256-" + sha256(SUBMIT_SCRIPT);
  private static final Handler<RoutingContext> FAILURE = BrowserForms.failureHandler("demo IdP",
      "Signing you in at the demo identity provider", "This request could not be read. Go back to the application "
          + "and try again.");

  private final DemoIdp idp;
  private final BrowserForms forms;
  private final String cookiePath;
  private final boolean secureCookies;

  /** @param cookiePath the aai-broker's mount path ({@code /aai}) */
  public DemoIdpEndpoint(DemoIdp idp, String cookiePath, boolean secureCookies) {
    this.idp = Objects.requireNonNull(idp, "idp");
    this.cookiePath = cookiePath.replaceAll("/+$", "") + DemoIdp.PATH;
    this.secureCookies = secureCookies;
    this.forms = new BrowserForms(cookiePath, secureCookies, DemoIdp.LOGIN_LIFETIME.toSeconds());
  }

  public void mount(Router router) {
    router.get(DemoIdp.PATH + "/metadata").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/samlmetadata+xml")
        .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=300").end(idp.signedMetadata()))
        .failureHandler(FAILURE);
    router.get(DemoIdp.PATH + "/sso").handler(this::sso).failureHandler(FAILURE);
    router.post(DemoIdp.PATH + "/login").handler(FormBodies.reader(16 * 1024)).handler(this::login)
        .failureHandler(FAILURE);
    router.get(DemoIdp.PATH + "/slo").handler(this::slo).failureHandler(FAILURE);
    router.get(DemoIdp.PATH + "/account").handler(this::home).failureHandler(FAILURE);
    router.post(DemoIdp.PATH + "/logout").handler(FormBodies.reader(16 * 1024)).handler(this::startLogout)
        .failureHandler(FAILURE);
  }

  /** RSA signing and encryption run on a worker thread, not on the event loop. */
  private void sso(RoutingContext ctx) {
    String query = ctx.request().query();
    String session = BrowserForms.cookie(ctx, SESSION_COOKIE);
    ctx.vertx().executeBlocking(() -> idp.sso(query, session), false).onComplete(done -> {
      if (done.failed()) {
        ctx.fail(page(done.cause()));
        return;
      }
      switch (done.result()) {
        case DemoIdp.Step.LoginForm form -> Pages.write(ctx, 200, loginPage(ctx, form.loginId(), form.spEntityId(),
            null));
        case DemoIdp.Step.Post post -> writePost(ctx, post);
      }
    });
  }

  private static Throwable page(Throwable failure) {
    return failure instanceof IdpRefusal r ? new ErrorPage(400, r.title(), r.getMessage()) : failure;
  }

  private String loginPage(RoutingContext ctx, String loginId, String sp, String message) {
    return Pages.loginForm("login", Pages.hidden("req", loginId, "csrf", forms.csrf(ctx)), sp,
        "UmbrellaID (demo stand-in): the demo users of docs/demo.md", message);
  }

  private void login(RoutingContext ctx) {
    MultiMap form = BrowserForms.form(ctx);
    BrowserForms.checkCsrf(ctx, form, "Go back to the application and sign in again.");
    String loginId = form.get("req");
    String username = form.get("username");
    String password = form.get("password");
    ctx.vertx().<io.vertx.core.Future<DemoIdp.LoginOutcome>>executeBlocking(
        () -> idp.login(loginId, username, password), false).compose(f -> f).onComplete(done -> {
      if (done.failed()) {
        ctx.fail(page(done.cause()));
        return;
      }
      switch (done.result()) {
        case DemoIdp.LoginOutcome.Wrong wrong -> Pages.write(ctx, 200, loginPage(ctx, wrong.loginId(),
            idp.pendingSp(wrong.loginId()).orElse("the application"), Pages.WRONG_LOGIN));
        case DemoIdp.LoginOutcome.Done ok -> {
          ctx.response().addCookie(Cookie.cookie(SESSION_COOKIE, ok.sessionId()).setPath(cookiePath)
              .setHttpOnly(true).setSecure(secureCookies).setSameSite(CookieSameSite.LAX)
              .setMaxAge(DemoIdp.SESSION_LIFETIME.toSeconds()));
          writePost(ctx, ok.post());
        }
      }
    });
  }

  /** HTTP-Redirect LogoutRequest or LogoutResponse of an SP, or a plain sign-out; RSA and parsing off the loop. */
  private void slo(RoutingContext ctx) {
    String query = ctx.request().query();
    String session = BrowserForms.cookie(ctx, SESSION_COOKIE);
    ctx.vertx().executeBlocking(() -> idp.logout(query, session), false).onComplete(done -> {
      if (done.failed()) {
        ctx.fail(page(done.cause()));
        return;
      }
      writeLogout(ctx, done.result(), idp.signedIn(session).isEmpty());
    });
  }

  /** The IdP's own page: who is signed in here, and "Sign out of all applications" (IdP-initiated logout). */
  private void home(RoutingContext ctx) {
    String session = BrowserForms.cookie(ctx, SESSION_COOKIE);
    String user = idp.signedIn(session).orElse(null);
    Pages.write(ctx, 200, user == null
        ? Pages.message("UmbrellaID (demo)", "You are not signed in at the demo identity provider.")
        : """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>UmbrellaID (demo)</title></head>
            <body><h1>UmbrellaID (demo)</h1><p>You are signed in as %s.</p>
            <form method="post" action="logout">%s<button type="submit">Sign out of all applications</button></form>
            </body></html>
            """.formatted(Pages.escape(user), Pages.hidden("csrf", forms.csrf(ctx))));
  }

  /** {@code POST logout} (CSRF-checked): ends the IdP session and starts the IdP-initiated logout at the SP. */
  private void startLogout(RoutingContext ctx) {
    MultiMap form = BrowserForms.form(ctx);
    BrowserForms.checkCsrf(ctx, form, "Open the identity provider's page again and sign out from there.");
    String session = BrowserForms.cookie(ctx, SESSION_COOKIE);
    ctx.vertx().executeBlocking(() -> idp.startLogout(session), false).onComplete(done -> {
      if (done.failed()) {
        ctx.fail(page(done.cause()));
        return;
      }
      writeLogout(ctx, done.result(), true);
    });
  }

  private void writeLogout(RoutingContext ctx, DemoIdp.LogoutOutcome outcome, boolean sessionGone) {
    if (sessionGone) {
      ctx.response().addCookie(Cookie.cookie(SESSION_COOKIE, "").setPath(cookiePath).setHttpOnly(true)
          .setSecure(secureCookies).setSameSite(CookieSameSite.LAX).setMaxAge(0));
    }
    switch (outcome) {
      case DemoIdp.LogoutOutcome.Page p -> Pages.write(ctx, 200, Pages.message(p.title(), p.message()));
      case DemoIdp.LogoutOutcome.Redirect r -> ctx.response().setStatusCode(303)
          .putHeader(HttpHeaders.LOCATION, r.location()).putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end();
    }
  }

  /** The auto-submitting HTTP-POST form (SAML Bindings §3.5), allowed to post only to the SP's ACS origin. */
  private static void writePost(RoutingContext ctx, DemoIdp.Step.Post post) {
    String relay = post.relayState() == null ? "" : Pages.hidden("RelayState", post.relayState());
    String html = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Continue · PaNOSC sign-in</title></head>
        <body><form method="post" action="%s">%s%s
        <noscript><p>Your browser does not run scripts: press Continue to go back to the application.</p>
        <button type="submit">Continue</button></noscript></form>
        <script>%s</script></body></html>
        """.formatted(Pages.escape(post.action()), Pages.hidden("SAMLResponse", post.samlResponse()), relay,
        SUBMIT_SCRIPT);
    URI acs = URI.create(post.action());
    String origin = acs.getScheme() + "://" + acs.getRawAuthority();
    ctx.response().setStatusCode(200)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Content-Security-Policy", "default-src 'none'; script-src '" + SCRIPT_HASH + "'; form-action "
            + origin + "; frame-ancestors 'none'")
        .putHeader("Referrer-Policy", "no-referrer")
        .end(html);
  }

  private static String sha256(String s) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
