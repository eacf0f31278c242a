package eu.panosc.aai.account;

import eu.panosc.aai.browser.BrowserForms;
import eu.panosc.aai.browser.ErrorPage;
import eu.panosc.aai.browser.Pages;
import eu.panosc.aai.session.Sessions;
import eu.panosc.platform.http.FormBodies;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * The account pages: {@code GET /account} (signed out: through the sign-in first), {@code POST /account/link} (start
 * linking another identity: the discovery page, then its upstream), {@code GET /account/link?req=} (the confirmation
 * page), {@code POST /account/link/confirm}, {@code POST /account/unlink}, {@code POST /account/sessions/end} and
 * {@code POST /account/consents/revoke}. Every form carries the CSRF token that must equal the CSRF cookie (double
 * submit); every failure is an HTML page (never a stack trace).
 */
public final class AccountEndpoint {
  private static final io.vertx.core.Handler<RoutingContext> FAILURE = BrowserForms.failureHandler("account",
      "Your account page", "This request could not be read. Open your account page and try again.");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
      .withZone(ZoneOffset.UTC);
  private static final String TRY_AGAIN = "Open your account page and try again.";

  private final AccountService service;
  private final BrowserForms forms;
  /** The provider's root path, e.g. {@code /aai} (pages link with absolute paths under it). */
  private final String root;

  public AccountEndpoint(AccountService service, String cookiePath, boolean secureCookies, long sessionSeconds) {
    this.service = Objects.requireNonNull(service, "service");
    this.forms = new BrowserForms(cookiePath, secureCookies, sessionSeconds);
    this.root = cookiePath.endsWith("/") ? cookiePath.substring(0, cookiePath.length() - 1) : cookiePath;
  }

  public void mount(Router router) {
    io.vertx.core.Handler<RoutingContext> form = FormBodies.reader(16 * 1024);
    router.get("/account").handler(this::account).failureHandler(FAILURE);
    router.post("/account/link").handler(form).handler(this::startLink).failureHandler(FAILURE);
    router.get("/account/link").handler(this::preview).failureHandler(FAILURE);
    router.post("/account/link/confirm").handler(form).handler(this::confirm).failureHandler(FAILURE);
    router.post("/account/unlink").handler(form).handler(this::unlink).failureHandler(FAILURE);
    router.post("/account/sessions/end").handler(form).handler(this::endSession).failureHandler(FAILURE);
    router.post("/account/consents/revoke").handler(form).handler(this::revoke).failureHandler(FAILURE);
  }

  private static String session(RoutingContext ctx) {
    return BrowserForms.cookie(ctx, Sessions.COOKIE);
  }

  private void account(RoutingContext ctx) {
    BrowserForms.query(ctx);
    String csrf = forms.csrf(ctx);
    service.overview(session(ctx)).onSuccess(found -> {
      if (found.isPresent()) {
        Pages.write(ctx, 200, AccountPages.overview(root, found.get(), csrf, null));
        return;
      }
      service.startSignIn().onSuccess(req -> redirect(ctx, root + "/discovery?req=" + enc(req)))
          .onFailure(ctx::fail);
    }).onFailure(ctx::fail);
  }

  private MultiMap checkedForm(RoutingContext ctx) {
    MultiMap form = BrowserForms.form(ctx);
    BrowserForms.checkCsrf(ctx, form, TRY_AGAIN);
    return form;
  }

  private void startLink(RoutingContext ctx) {
    checkedForm(ctx);
    service.startLink(session(ctx)).onSuccess(req -> redirect(ctx, root + "/discovery?req=" + enc(req)))
        .onFailure(ctx::fail);
  }

  private void preview(RoutingContext ctx) {
    String req = BrowserForms.query(ctx).get("req");
    String csrf = forms.csrf(ctx);
    service.preview(session(ctx), req).onSuccess(p -> Pages.write(ctx,
        p.state() == AccountService.LinkState.FREE ? 200 : 409, AccountPages.preview(root, p, csrf)))
        .onFailure(ctx::fail);
  }

  private void confirm(RoutingContext ctx) {
    MultiMap form = checkedForm(ctx);
    service.confirm(session(ctx), form.get("req")).onSuccess(outcome -> {
      switch (outcome) {
        case LINKED, ALREADY_YOURS -> redirect(ctx, root + "/account");
        case TAKEN -> Pages.write(ctx, 409, AccountPages.taken(root));
      }
    }).onFailure(ctx::fail);
  }

  private void unlink(RoutingContext ctx) {
    MultiMap form = checkedForm(ctx);
    service.unlink(session(ctx), form.get("subject")).onSuccess(outcome -> {
      switch (outcome) {
        case UNLINKED -> redirect(ctx, root + "/account");
        case PRIMARY -> ctx.fail(new ErrorPage(409, "This identity cannot be unlinked",
            "Your account is known by this identity (it is the one you first signed in with), so it stays linked. You "
                + "can unlink the others. " + TRY_AGAIN));
        case NOT_YOURS -> ctx.fail(new ErrorPage(404, "No such identity",
            "This identity is not linked to your account (perhaps it was unlinked already). " + TRY_AGAIN));
      }
    }).onFailure(ctx::fail);
  }

  private void endSession(RoutingContext ctx) {
    MultiMap form = checkedForm(ctx);
    service.endSession(session(ctx), form.get("sid")).onSuccess(ended -> {
      if (ended) {
        redirect(ctx, root + "/account");
      } else {
        ctx.fail(new ErrorPage(404, "No such session",
            "This is not one of your active sessions (perhaps it ended already). " + TRY_AGAIN));
      }
    }).onFailure(ctx::fail);
  }

  private void revoke(RoutingContext ctx) {
    MultiMap form = checkedForm(ctx);
    service.revokeConsent(session(ctx), form.get("client")).onSuccess(revoked -> {
      if (revoked) {
        redirect(ctx, root + "/account");
      } else {
        ctx.fail(new ErrorPage(404, "No such permission",
            "You have not allowed this application anything (perhaps it was revoked already). " + TRY_AGAIN));
      }
    }).onFailure(ctx::fail);
  }

  private static void redirect(RoutingContext ctx, String location) {
    ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, location)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end();
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String time(Instant t) {
    return t == null ? "" : TIME.format(t);
  }
}
