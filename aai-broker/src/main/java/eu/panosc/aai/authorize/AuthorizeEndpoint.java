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
import eu.panosc.aai.saml.sp.SamlLogin;
import eu.panosc.aai.saml.sp.SpEndpoints;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The browser side of the provider: {@code GET|POST /authorize} (RFC 6749 §4.1.1, OIDC Core §3.1.2), the
 * login form's {@code POST /login} and the consent screen's {@code POST /consent}. The session cookie is
 * HttpOnly, SameSite=Lax, Secure over https; forms carry a CSRF token that must equal the
 * {@code panosc_aai_csrf} cookie (double submit). Failures become HTML pages a person can act on (never a
 * stack trace), or redirects to the client once its redirect URI is validated.
 */
public final class AuthorizeEndpoint {
  public static final String CSRF_COOKIE = BrowserForms.CSRF_COOKIE;
  /** The first-login registration form's target. */
  public static final String REGISTER_PATH = "/register";
  /** Where the login page's "Sign in with <IdP>" link goes. */
  public static final String SAML_LOGIN_PATH = "/saml2/sp/login";
  /** The ACS form's limit: a 256 KiB SAMLResponse (the validator's bound), percent-encoded. */
  private static final int ACS_BODY_LIMIT = 3 * 256 * 1024 + 4096;

  private final AuthorizationRequestParser parser;
  private final AuthorizationService service;
  private final BrowserForms forms;
  /** Sign-in through a SAML IdP (UmbrellaID), when configured. */
  private final Optional<SamlLogin> saml;
  /** Every failure on these routes is HTML for the person, or a redirect to the validated client. */
  private static final io.vertx.core.Handler<RoutingContext> FAILURE = BrowserForms.failureHandler("sign-in",
      "Signing you in", "This sign-in request could not be read. Go back to the application and try again.");

  public AuthorizeEndpoint(AuthorizationRequestParser parser, AuthorizationService service, String cookiePath,
      boolean secureCookies, long sessionSeconds) {
    this(parser, service, cookiePath, secureCookies, sessionSeconds, Optional.empty());
  }

  public AuthorizeEndpoint(AuthorizationRequestParser parser, AuthorizationService service, String cookiePath,
      boolean secureCookies, long sessionSeconds, Optional<SamlLogin> saml) {
    this.parser = Objects.requireNonNull(parser, "parser");
    this.service = Objects.requireNonNull(service, "service");
    this.forms = new BrowserForms(cookiePath, secureCookies, sessionSeconds);
    this.saml = Objects.requireNonNull(saml, "saml");
  }

  public void mount(Router router) {
    io.vertx.core.Handler<RoutingContext> form = FormBodies.reader(16 * 1024);
    router.get("/authorize").handler(ctx -> authorize(ctx, BrowserForms.query(ctx))).failureHandler(FAILURE);
    router.post("/authorize").handler(form).handler(ctx -> authorize(ctx, BrowserForms.form(ctx)))
        .failureHandler(FAILURE);
    router.post("/login").handler(form).handler(this::login).failureHandler(FAILURE);
    router.post("/consent").handler(form).handler(this::consent).failureHandler(FAILURE);
    router.post(REGISTER_PATH).handler(form).handler(this::register).failureHandler(FAILURE);
    if (saml.isPresent()) {
      router.get(SAML_LOGIN_PATH).handler(this::samlStart).failureHandler(FAILURE);
      // the IdP's POST is cross-site: no CSRF token; the one-time RelayState handle and InResponseTo bind it instead
      router.post(SpEndpoints.ACS_PATH).handler(FormBodies.reader(ACS_BODY_LIMIT)).handler(this::samlFinish)
          .failureHandler(FAILURE);
    }
  }

  /** {@code GET /saml2/sp/login?req=<pending>}: to the IdP with a signed AuthnRequest (the login page links here). */
  private void samlStart(RoutingContext ctx) {
    String pendingId = BrowserForms.query(ctx).get("req");
    SamlLogin login = saml.orElseThrow();
    service.pendingRequest(pendingId)
        .compose(req -> login.start(pendingId, req.acrValues(), req.prompt().contains("login")))
        .onSuccess(url -> ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, url)
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end())
        .onFailure(ctx::fail);
  }

  /** {@code POST /saml2/sp/acs}: the IdP's Response (HTTP-POST binding); a session, then on to consent or the client. */
  private void samlFinish(RoutingContext ctx) {
    MultiMap form = BrowserForms.form(ctx);
    String response = form.get("SAMLResponse");
    saml.orElseThrow().finish(form.get("RelayState"),
            response == null ? null : response.getBytes(java.nio.charset.StandardCharsets.US_ASCII))
        .compose(done -> service.upstreamLogin(done.pendingId(), done.identity(),
            done.subject() == null ? null : done.subject().toJson()))
        .onSuccess(step -> write(ctx, step, "../../"))
        .onFailure(ctx::fail);
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

  /** {@code POST /register}: the first-login registration form (CSRF double submit). */
  private void register(RoutingContext ctx) {
    MultiMap form = BrowserForms.form(ctx);
    BrowserForms.checkCsrf(ctx, form, "Go back to the application and sign in again.");
    service.register(form.get("reg"), form.get("name"), form.get("email"), "accept".equals(form.get("terms")))
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
    write(ctx, step, "");
  }

  /** Writes {@code step}; {@code base} leads from the page's URL back to the provider's root (for relative links). */
  private void write(RoutingContext ctx, AuthorizationService.Step step, String base) {
    switch (step) {
      case AuthorizationService.LoggedIn in -> {
        forms.setCookie(ctx, Sessions.COOKIE, in.sessionId());
        write(ctx, in.next(), base);
      }
      case AuthorizationService.Login l -> Pages.write(ctx, 200, Pages.login(base, l.pendingId(), forms.csrf(ctx),
          l.clientName(), service.connector().map(c -> "Sign in with: " + c.displayName()).orElse(""), l.message(),
          saml.map(s -> List.of(new Pages.UpstreamLink(base + SAML_LOGIN_PATH.substring(1) + "?req="
              + java.net.URLEncoder.encode(l.pendingId(), java.nio.charset.StandardCharsets.UTF_8),
              s.idp().displayName()))).orElse(List.of()), service.connector().isPresent()));
      case AuthorizationService.Consent c -> Pages.write(ctx, 200, Pages.consent(base + "consent",
          Pages.hidden("req", c.pendingId(), "csrf", forms.csrf(ctx)), c.client(), c.userName(), c.request().scopes(),
          "", "Your choice is remembered for these permissions."));
      case AuthorizationService.Register r -> Pages.write(ctx, r.message() == null ? 200 : 400,
          Pages.registration(base + REGISTER_PATH.substring(1), Pages.hidden("reg", r.handle(), "csrf",
              forms.csrf(ctx)), r.clientName(), r.name(), r.email(), r.terms().url().toString(), r.terms().version(),
              r.termsChanged(), r.message()));
      case AuthorizationService.Redirect r -> ctx.response().setStatusCode(302)
          .putHeader(HttpHeaders.LOCATION, r.location()).putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end();
    }
  }
}
