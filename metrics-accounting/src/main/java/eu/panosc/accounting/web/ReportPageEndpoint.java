package eu.panosc.accounting.web;

import eu.panosc.accounting.model.ReportQuery;
import eu.panosc.accounting.report.ReportEndpoint;
import eu.panosc.accounting.report.ReportService;
import eu.panosc.platform.http.FormBodies;
import eu.panosc.platform.http.RequestIds;
import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operators' report page, {@code GET /reports}: signs the person in through the aai-broker ({@link OidcLogin})
 * into a server-side session (cookie {@value #SESSION_COOKIE}: random, HttpOnly, SameSite=Lax, Secure over https,
 * path of the service), shows the report of the filter form with SVG charts to readers and a 403 page to everyone
 * else, serves the CSV of the same report ({@code GET /reports/report.csv}) and signs out
 * ({@code POST /reports/logout}, CSRF token of the session). Every answer is HTML (or CSV) with a
 * Content-Security-Policy that allows no script at all; bad input gets a 4xx page that says what to fix.
 */
public final class ReportPageEndpoint {
  static final String SESSION_COOKIE = "panosc_acct_session";
  static final String LOGIN_COOKIE = "panosc_acct_login";
  private static final Logger LOG = LoggerFactory.getLogger(ReportPageEndpoint.class);

  private final OidcLogin login;
  private final PageSessions sessions;
  private final ReportPageService pages;
  private final ReportService reports;
  private final String base;
  private final boolean secure;
  private final String csp;
  private final Clock clock;

  /**
   * @param login null when the page is not configured (it then answers a 404 page)
   * @param publicBase the service's public URL (its path prefixes every link; https makes the cookies Secure)
   */
  public ReportPageEndpoint(OidcLogin login, PageSessions sessions, ReportService reports, URI publicBase,
      Clock clock) {
    this.login = login;
    this.sessions = sessions;
    this.reports = reports;
    this.pages = new ReportPageService(reports, clock);
    this.base = publicBase.getRawPath() == null ? "" : publicBase.getRawPath().replaceAll("/+$", "");
    this.secure = "https".equalsIgnoreCase(publicBase.getScheme());
    String issuerOrigin = login == null ? "" : " " + origin(URI.create(login.issuer()));
    this.csp = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'" + issuerOrigin
        + "; frame-ancestors 'none'; base-uri 'none'";
    this.clock = clock;
  }

  public void mount(Router router) {
    router.get("/reports").handler(this::page);
    router.get("/reports/callback").handler(this::callback);
    router.get("/reports/report.csv").handler(this::csv);
    router.get("/reports/page.css").handler(this::css);
    router.post("/reports/logout").handler(FormBodies.reader(4096)).handler(this::logout);
  }

  private void page(RoutingContext rc) {
    if (login == null) {
      notConfigured(rc);
      return;
    }
    MultiMap params;
    try {
      params = FormBodies.parse(rc.request().query());
    } catch (InvalidInputException e) {
      html(rc, 400, ReportPageView.message(base, "Unreadable address", "The address's query could not be read ("
          + e.getMessage() + "). Open the report page again.", RequestIds.of(rc), true));
      return;
    }
    current(rc).onFailure(e -> unavailable(rc, e)).onSuccess(s -> {
      if (s.isEmpty()) {
        String query = rc.request().query();
        startLogin(rc, query == null || query.length() > 2048 ? "" : query);
        return;
      }
      if (!s.get().reader()) {
        html(rc, 403, ReportPageView.forbidden(base, s.get()));
        return;
      }
      ReportPageView.Form form = pages.withDefaults(params.get("period"), params.get("metric"),
          params.get("facility"), params.get("community"));
      Future<ReportPageView.Data> data;
      try {
        data = pages.data(form);
      } catch (InvalidInputException e) {
        html(rc, 400, ReportPageView.badQuery(base, s.get(), form, e.field(), e.reason()));
        return;
      }
      data.onSuccess(d -> html(rc, 200, ReportPageView.report(base, s.get(), form, d,
          ReportPageService.csvQuery(form)))).onFailure(e -> {
            if (e instanceof InvalidInputException bad) {
              html(rc, 400, ReportPageView.badQuery(base, s.get(), form, bad.field(), bad.reason()));
            } else {
              unavailable(rc, e);
            }
          });
    });
  }

  private void startLogin(RoutingContext rc, String returnQuery) {
    login.begin(returnQuery).onFailure(e -> unavailable(rc, e)).onSuccess(b -> {
      cookie(rc.response(), LOGIN_COOKIE, b.state(), base + "/reports", (int) OidcLogin.LOGIN_WINDOW.toSeconds());
      rc.response().setStatusCode(302).putHeader("Location", b.authorizeUrl());
      security(rc.response()).end();
    });
  }

  private void callback(RoutingContext rc) {
    if (login == null) {
      notConfigured(rc);
      return;
    }
    MultiMap params;
    try {
      params = FormBodies.parse(rc.request().query());
    } catch (InvalidInputException e) {
      html(rc, 400, ReportPageView.message(base, "Sign-in failed", "The sign-in answer could not be read.",
          RequestIds.of(rc), true));
      return;
    }
    if (params.get("error") != null) {
      // RFC 6749 §4.1.2.1: the person declined, or the broker refused the request
      String error = params.get("error");
      boolean denied = "access_denied".equals(error);
      html(rc, denied ? 403 : 400, ReportPageView.message(base, "Sign-in not completed", denied
          ? "The sign-in was cancelled, so the report page cannot be shown."
          : "The sign-in service refused the sign-in (" + (error.length() > 64 ? error.substring(0, 64) : error)
              + ").", RequestIds.of(rc), true));
      return;
    }
    Cookie state = rc.request().getCookie(LOGIN_COOKIE);
    login.complete(state == null ? null : state.getValue(), params.get("state"), params.get("code"), params.get("iss"))
        .compose(signedIn -> sessions.saveSession(signedIn.session()).map(signedIn))
        .onSuccess(signedIn -> {
          HttpServerResponse r = rc.response();
          cookie(r, LOGIN_COOKIE, "", base + "/reports", 0);
          cookie(r, SESSION_COOKIE, signedIn.sessionId(), base, -1);
          String back = signedIn.returnQuery().isEmpty() ? "" : "?" + signedIn.returnQuery();
          r.setStatusCode(303).putHeader("Location", base + "/reports" + back);
          security(r).end();
        })
        .onFailure(e -> {
          if (e instanceof LoginException le) {
            html(rc, le.status(), ReportPageView.message(base, "Sign-in failed", le.getMessage(), RequestIds.of(rc),
                true));
          } else {
            unavailable(rc, e);
          }
        });
  }

  private void csv(RoutingContext rc) {
    if (login == null) {
      notConfigured(rc);
      return;
    }
    current(rc).onFailure(e -> unavailable(rc, e)).onSuccess(s -> {
      if (s.isEmpty()) {
        html(rc, 401, ReportPageView.message(base, "Sign in first", "The CSV download needs a signed-in report "
            + "reader.", RequestIds.of(rc), true));
        return;
      }
      if (!s.get().reader()) {
        html(rc, 403, ReportPageView.forbidden(base, s.get()));
        return;
      }
      ReportQuery q;
      try {
        q = ReportEndpoint.parse(FormBodies.parse(rc.request().query()));
      } catch (InvalidInputException e) {
        html(rc, 400, ReportPageView.message(base, "Check the filters", e.field() + ": " + e.reason(),
            RequestIds.of(rc), false));
        return;
      }
      reports.awaitRollups().compose(status -> reports.rows(q).map(rows -> {
        ReportEndpoint.statusHeaders(rc.response(), status);
        return rows;
      })).onFailure(e -> unavailable(rc, e)).onSuccess(rows -> security(rc.response())
          .putHeader("Content-Type", "text/csv; charset=utf-8; header=present")
          .putHeader("Content-Disposition", "attachment; filename=\"accounting-report.csv\"")
          .end(ReportEndpoint.csv(q, rows)));
    });
  }

  private void logout(RoutingContext rc) {
    MultiMap form;
    try {
      form = FormBodies.of(rc);
    } catch (InvalidInputException e) {
      html(rc, 400, ReportPageView.message(base, "Sign-out failed", "The form could not be read.", RequestIds.of(rc),
          false));
      return;
    }
    current(rc).onFailure(e -> unavailable(rc, e)).onSuccess(s -> {
      String csrf = form.get("csrf");
      if (s.isEmpty()) {
        html(rc, 200, ReportPageView.message(base, "Signed out", "You are not signed in to the report page.", null,
            true));
        return;
      }
      if (csrf == null || !MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
          s.get().csrf().getBytes(StandardCharsets.UTF_8))) {
        html(rc, 403, ReportPageView.message(base, "Sign-out refused", "The form did not come from this report page "
            + "(CSRF check). Use the Sign out button of the page.", RequestIds.of(rc), false));
        return;
      }
      sessions.deleteSession(s.get().idHash()).onFailure(e -> unavailable(rc, e)).onSuccess(v -> {
        cookie(rc.response(), SESSION_COOKIE, "", base, 0);
        // OpenID Connect RP-Initiated Logout 1.0: end the broker's session too (it asks for confirmation)
        rc.response().setStatusCode(303).putHeader("Location", login.issuer() + "/logout?id_token_hint="
            + OidcLogin.enc(s.get().idToken()));
        security(rc.response()).end();
      });
    });
  }

  private void css(RoutingContext rc) {
    rc.response().putHeader("Content-Type", "text/css; charset=utf-8").putHeader("Cache-Control", "max-age=3600")
        .putHeader("X-Content-Type-Options", "nosniff").end(ReportPageView.CSS);
  }

  private Future<Optional<PageSessions.PageSession>> current(RoutingContext rc) {
    Cookie c = rc.request().getCookie(SESSION_COOKIE);
    if (c == null || c.getValue().isEmpty() || c.getValue().length() > 128) {
      return Future.succeededFuture(Optional.empty());
    }
    return sessions.session(OidcLogin.sha256(c.getValue()), clock.instant());
  }

  private void notConfigured(RoutingContext rc) {
    html(rc, 404, ReportPageView.message(base, "Report page not configured", "This control plane has no report "
        + "page: set services.accounting.reportPage (clientId, clientSecret, readerEntitlements).", RequestIds.of(rc),
        false));
  }

  private void unavailable(RoutingContext rc, Throwable e) {
    LOG.warn("accounting report page: request {} failed: {}", RequestIds.of(rc), e.toString());
    html(rc, 503, ReportPageView.message(base, "Reports unavailable", "The reports cannot be shown right now; try "
        + "again in a minute.", RequestIds.of(rc), false));
  }

  private void html(RoutingContext rc, int status, String body) {
    if (rc.response().ended()) {
      return;
    }
    security(rc.response()).setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8").end(body);
  }

  private HttpServerResponse security(HttpServerResponse r) {
    return r.putHeader("Content-Security-Policy", csp).putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer").putHeader("Cache-Control", "no-store")
        .putHeader("X-Frame-Options", "DENY");
  }

  private void cookie(HttpServerResponse r, String name, String value, String path, int maxAge) {
    Cookie c = Cookie.cookie(name, value).setPath(path.isEmpty() ? "/" : path).setHttpOnly(true).setSecure(secure)
        .setSameSite(CookieSameSite.LAX);
    if (maxAge >= 0) {
      c.setMaxAge(maxAge);
    }
    r.addCookie(c);
  }

  private static String origin(URI u) {
    return u.getScheme() + "://" + u.getRawAuthority();
  }
}
