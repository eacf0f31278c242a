package eu.panosc.aai.saml.slo;

import eu.panosc.aai.browser.BrowserForms;
import eu.panosc.aai.browser.ErrorPage;
import eu.panosc.aai.browser.Pages;
import eu.panosc.aai.session.Sessions;
import eu.panosc.aai.saml.sp.SpEndpoints;
import eu.panosc.platform.http.FormBodies;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SP's Single Logout endpoint {@code /saml2/sp/slo}: {@code GET} for the HTTP-Redirect binding (the raw query
 * string, signature over it), {@code POST} for HTTP-POST ({@code SAMLRequest} or {@code SAMLResponse},
 * {@code RelayState}). The IdP's messages arrive through the browser, cross-site: no CSRF token; the signature under
 * the IdP's metadata keys, the one-time RelayState handle and InResponseTo (responses) or one-time request IDs
 * (requests) bind them instead. Every refusal is a human page (400) and an operator log line naming the reason.
 */
public final class SingleLogoutEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(SingleLogoutEndpoint.class);
  private static final Handler<RoutingContext> FAILURE = BrowserForms.failureHandler("single logout",
      "Signing you out", "This sign-out message could not be read. Close this page, or sign out again from the "
          + "application.");

  private final SingleLogout logout;
  private final Sessions sessions;
  private final BrowserForms forms;

  public SingleLogoutEndpoint(SingleLogout logout, Sessions sessions, String cookiePath, boolean secureCookies) {
    this.logout = Objects.requireNonNull(logout, "logout");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.forms = new BrowserForms(cookiePath, secureCookies, sessions.lifetime().toSeconds());
  }

  public void mount(Router router) {
    router.get(SpEndpoints.SLO_PATH).handler(ctx -> handle(ctx, logout.receiveRedirect(ctx.request().query())))
        .failureHandler(FAILURE);
    router.post(SpEndpoints.SLO_PATH).handler(FormBodies.reader(3 * LogoutCodec.MAX_POSTED + 4096))
        .handler(this::post).failureHandler(FAILURE);
  }

  private void post(RoutingContext ctx) {
    MultiMap form = BrowserForms.form(ctx);
    String request = form.get("SAMLRequest");
    String response = form.get("SAMLResponse");
    if ((request == null) == (response == null) || form.getAll("RelayState").size() > 1) {
      handle(ctx, Future.failedFuture(new SloRefusedException(SloReason.MALFORMED,
          "the HTTP-POST must carry exactly one SAMLRequest or SAMLResponse and at most one RelayState")));
      return;
    }
    handle(ctx, request != null ? logout.receivePost("SAMLRequest", request, form.get("RelayState"))
        : logout.receivePost("SAMLResponse", response, form.get("RelayState")));
  }

  private void handle(RoutingContext ctx, Future<LogoutMessage> received) {
    String cookie = BrowserForms.cookie(ctx, Sessions.COOKIE);
    received.compose(logout::handle)
        .compose(outcome -> sessions.find(cookie).map(live -> {
          if (live.isEmpty() && cookie != null) {
            // this browser's session has ended (here or just now): forget its cookie
            forms.expireCookie(ctx, Sessions.COOKIE);
          }
          return outcome;
        }))
        .onSuccess(outcome -> write(ctx, outcome))
        .onFailure(e -> ctx.fail(e instanceof SloRefusedException r ? page(r) : e));
  }

  private static void write(RoutingContext ctx, SingleLogout.Outcome outcome) {
    switch (outcome) {
      case SingleLogout.Outcome.Answer a -> redirect(ctx, a.location());
      case SingleLogout.Outcome.PostAnswer p -> eu.panosc.aai.browser.AutoPost.write(ctx, "Signing you out",
          p.action(), p.fields());
      case SingleLogout.Outcome.SignedOut s when s.confirmed() && s.redirect() != null -> redirect(ctx,
          s.state() == null ? s.redirect() : s.redirect() + (s.redirect().contains("?") ? "&" : "?") + "state="
              + URLEncoder.encode(s.state(), StandardCharsets.UTF_8).replace("+", "%20"));
      case SingleLogout.Outcome.SignedOut s when s.confirmed() -> Pages.write(ctx, 200, Pages.message(
          "You are signed out", "You are signed out of the PaNOSC federation and of " + s.idpName()
              + ". You can close this page."));
      case SingleLogout.Outcome.SignedOut s -> Pages.write(ctx, 200, Pages.message("You are signed out here",
          "You are signed out of the PaNOSC federation, but " + s.idpName() + " did not confirm that it signed you "
              + "out there. To be sure, close your browser."));
    }
  }

  private static void redirect(RoutingContext ctx, String location) {
    ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, location)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end();
  }

  /** The person's page for a refusal; the operator's reason goes to the log. */
  static ErrorPage page(SloRefusedException e) {
    LOG.warn("SAML logout message refused: {}", e.getMessage());
    return switch (e.reason()) {
      case UNKNOWN_STATE -> new ErrorPage(400, "Sign-out not known here", "This sign-out answer does not belong to "
          + "a sign-out in progress here (it was already used, took too long, or was not started here). You are "
          + "signed out of the PaNOSC federation if you signed out before; otherwise sign out again from the "
          + "application.");
      case REPLAYED -> new ErrorPage(400, "Sign-out request already used", "This sign-out request was already "
          + "handled (a reload or the back button?). Nothing more was done. Close this page.");
      case EXPIRED, NOT_YET_VALID -> new ErrorPage(400, "Sign-out request expired", "This sign-out request is too "
          + "old (or from the future), so nothing was done. Sign out again at your identity provider.");
      case REPLAY_CACHE_UNAVAILABLE -> new ErrorPage(503, "Sign-out unavailable", "This sign-out request cannot "
          + "be checked right now, so nothing was done. Please try again in a few minutes.");
      default -> new ErrorPage(400, "Sign-out request not accepted", "This sign-out message could not be verified "
          + "as coming from your identity provider, so nothing was done. If you meant to sign out, do it again from "
          + "the application or your identity provider; if this repeats, tell the service desk the time it "
          + "happened.");
    };
  }
}
