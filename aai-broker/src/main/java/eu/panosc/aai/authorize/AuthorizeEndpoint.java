package eu.panosc.aai.authorize;

import eu.panosc.aai.browser.BrowserForms;
import eu.panosc.aai.discovery.IdpDiscoveryEndpoint;
import eu.panosc.aai.discovery.DiscoveryPage;
import eu.panosc.aai.browser.ErrorPage;
import eu.panosc.aai.browser.Pages;
import eu.panosc.aai.session.Sessions;
import eu.panosc.platform.http.FormBodies;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import eu.panosc.aai.saml.sp.SamlLogin;
import eu.panosc.aai.saml.sp.SamlUpstream;
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
  private final String cookiePath;
  private final boolean secureCookies;
  /** The flow cookie lives as long as a person may take at the IdP (the flow's own lifetime bounds it too). */
  private static final long SAML_FLOW_COOKIE_SECONDS = 30 * 60;
  /** Sign-in through a SAML IdP (UmbrellaID), when configured. */
  private final Optional<SamlLogin> saml;
  /** The discovery page the sign-in page is (none: the login page with the SAML links, as before discovery). */
  private Optional<DiscoveryPage> discovery = Optional.empty();
  /** The request context key of the client's {@code idp_hint}. */
  private static final String IDP_HINT = "panosc.idp_hint";
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
    this.cookiePath = cookiePath;
    this.secureCookies = secureCookies;
    this.saml = Objects.requireNonNull(saml, "saml");
  }

  /** Makes the sign-in page the discovery page {@code page} (call before {@link #mount}). */
  public AuthorizeEndpoint withDiscovery(DiscoveryPage page) {
    this.discovery = Optional.of(page);
    return this;
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
      // the IdP's POST is cross-site: no CSRF token; the flow cookie, the one-time RelayState handle and InResponseTo
      // bind it instead
      router.post(SpEndpoints.ACS_PATH).handler(FormBodies.reader(ACS_BODY_LIMIT)).handler(this::samlFinish)
          .failureHandler(FAILURE);
    }
  }

  /**
   * {@code GET /saml2/sp/login?req=<pending>&upstream=<id>[&entity=<entityID>]}: to the IdP with a signed
   * AuthnRequest (the login page's links), setting the flow cookie that binds the answer to this browser; or
   * {@code ?req=<pending>&idp=<entityID or words>} from the discovery box: straight to the IdP whose entity id it is,
   * else a page listing the IdPs that match (or saying none does).
   */
  private void samlStart(RoutingContext ctx) {
    MultiMap q = BrowserForms.query(ctx);
    String pendingId = q.get("req");
    SamlLogin login = saml.orElseThrow();
    String query = q.get("idp");
    if (query != null && q.get("upstream") == null) {
      service.pendingRequest(pendingId).compose(req -> login.search(query).map(found -> {
        // an exact entity id goes straight there: through the first discovery upstream that knows it (the box is
        // theirs), else the first upstream listing it
        java.util.Set<String> listed = new java.util.HashSet<>();
        login.upstreams().stream().filter(SamlUpstream::listed).forEach(u -> listed.add(u.upstreamId()));
        List<SamlLogin.Choice> exact = found.stream().filter(c -> c.entityId().equals(query.strip()))
            .sorted(java.util.Comparator.comparing(c -> listed.contains(c.upstreamId()))).toList();
        if (!exact.isEmpty()) {
          return exact.get(0);
        }
        Pages.write(ctx, found.isEmpty() ? 404 : 200, Pages.discovery("../../", pendingId, query,
            links("../../", pendingId, found), found.isEmpty()));
        return null;
      })).onSuccess(choice -> {
        if (choice != null) {
          redirectToIdp(ctx, login, pendingId, choice.upstreamId(), choice.entityId());
        }
      }).onFailure(ctx::fail);
      return;
    }
    redirectToIdp(ctx, login, pendingId, q.get("upstream"), q.get("entity"));
  }

  private void redirectToIdp(RoutingContext ctx, SamlLogin login, String pendingId, String upstream, String entity) {
    service.pendingRequest(pendingId)
        .compose(req -> service.chooseUpstream(pendingId, upstream).map(req))
        .compose(req -> login.start(pendingId, upstream, entity, req.acrValues(), req.prompt().contains("login")))
        .onSuccess(started -> {
          if (upstream != null) {
            IdpDiscoveryEndpoint.remember(ctx, upstream, cookiePath, secureCookies);
          }
          // the IdP's POST back is cross-site: over https the cookie must be SameSite=None (and so Secure) to come
          // along; over plain http (a local demo) browsers refuse SameSite=None, so Lax (same-site IdPs only)
          ctx.response().addCookie(Cookie.cookie(SamlLogin.flowCookieName(started.handle()),
                  SamlLogin.binding(started.handle())).setPath(cookiePath).setHttpOnly(true).setSecure(secureCookies)
              .setSameSite(secureCookies ? CookieSameSite.NONE : CookieSameSite.LAX)
              .setMaxAge(SAML_FLOW_COOKIE_SECONDS));
          ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, started.url())
              .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end();
        })
        .onFailure(ctx::fail);
  }

  /**
   * {@code POST /saml2/sp/acs}: the IdP's Response (HTTP-POST binding); a session, then on to consent or the client.
   * The flow cookie stays until it expires (the flow itself is used up), so a reload says "already used".
   */
  private void samlFinish(RoutingContext ctx) {
    MultiMap form = BrowserForms.form(ctx);
    String response = form.get("SAMLResponse");
    String relayState = form.get("RelayState");
    String cookieName = relayState == null || relayState.isEmpty() ? null : SamlLogin.flowCookieName(relayState);
    saml.orElseThrow().finish(relayState,
            response == null ? null : response.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            cookieName == null ? null : BrowserForms.cookie(ctx, cookieName))
        .compose(done -> service.upstreamLogin(done.pendingId(), done.identity(),
            done.subject() == null ? null : done.subject().toJson()))
        .recover(e -> e instanceof SamlLogin.UnmetAuthentication unmet
            ? service.unmetAuthentication(unmet.pendingId(), unmet.getMessage()) : Future.failedFuture(e))
        .onSuccess(step -> write(ctx, step, "../../"))
        .onFailure(ctx::fail);
  }

  /** Links to the SAML login of each choice, relative to a page whose way back to the provider's root is base. */
  private static List<Pages.UpstreamLink> links(String base, String pendingId, List<SamlLogin.Choice> choices) {
    return choices.stream().map(c -> new Pages.UpstreamLink(base + SAML_LOGIN_PATH.substring(1) + "?req="
        + enc(pendingId) + "&upstream=" + enc(c.upstreamId()) + "&entity=" + enc(c.entityId()), c.displayName()))
        .toList();
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  private void authorize(RoutingContext ctx, MultiMap params) {
    parser.parse(params)
        .compose(p -> {
          ctx.put(IDP_HINT, p.idpHint());
          return service.authorize(p.request(), p.client(), BrowserForms.cookie(ctx, Sessions.COOKIE));
        })
        .onSuccess(step -> write(ctx, step))
        .onFailure(ctx::fail);
  }

  private void login(RoutingContext ctx) {
    MultiMap form = BrowserForms.form(ctx);
    BrowserForms.checkCsrf(ctx, form, "Go back to the application and start signing in again.");
    service.login(form.get("req"), form.get("username"), form.get("password"))
        .onSuccess(step -> {
          if (step instanceof AuthorizationService.LoggedIn) {
            service.connector().ifPresent(c -> IdpDiscoveryEndpoint.remember(ctx, c.id(), cookiePath, secureCookies));
          }
          write(ctx, step);
        })
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

  /**
   * Writes {@code step}; {@code base} leads from the page's URL back to the provider's root (for relative links). Also
   * for the other upstream sign-ins' routes (OpenID Connect), which end in the same steps.
   */
  public void write(RoutingContext ctx, AuthorizationService.Step step, String base) {
    switch (step) {
      case AuthorizationService.LoggedIn in -> {
        forms.setCookie(ctx, Sessions.COOKIE, in.sessionId());
        write(ctx, in.next(), base);
      }
      case AuthorizationService.Login l when discovery.isPresent() -> {
        String csrf = forms.csrf(ctx);
        String hint = ctx.get(IDP_HINT);
        service.find(l.pendingId()).compose(p -> discovery.get().answer(new DiscoveryPage.Request(l.pendingId(),
                p.clientName(), p.allowedUpstreams(), l.message(), hint, null, IdpDiscoveryEndpoint.remembered(ctx), csrf,
                base)))
            .onSuccess(outcome -> IdpDiscoveryEndpoint.write(ctx, outcome, cookiePath, secureCookies))
            .onFailure(ctx::fail);
      }
      case AuthorizationService.AccountNext a -> ctx.response().setStatusCode(303)
          .putHeader(HttpHeaders.LOCATION, base + (a.confirmLink() ? "account/link?req=" + enc(a.pendingId()) : "account"))
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end();
      case AuthorizationService.Login l -> {
        Future<List<SamlLogin.Choice>> choices = saml.map(SamlLogin::choices)
            .orElse(Future.succeededFuture(List.of()));
        String csrf = forms.csrf(ctx);
        choices.onSuccess(found -> Pages.write(ctx, 200, Pages.login(base, l.pendingId(), csrf, l.clientName(),
            service.connector().map(c -> "Sign in with: " + c.displayName()).orElse(""), l.message(),
            links(base, l.pendingId(), found), service.connector().isPresent(),
            saml.filter(SamlLogin::discovery).isPresent()))).onFailure(ctx::fail);
      }
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
