package eu.panosc.aai.discovery;

import eu.panosc.aai.browser.ErrorPage;
import eu.panosc.aai.browser.Pages;
import eu.panosc.platform.input.Input;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The discovery page's logic, free of HTTP: which upstreams a pending sign-in may use (the client's
 * {@code allowedUpstreams}), whether the page is skipped ({@code idp_hint} naming an allowed upstream, or only one
 * allowed), the search filter, the remembered choice, and the page itself. The sign-in page of {@code /authorize} is
 * this page, so the authorization flow always goes through it.
 */
public final class DiscoveryPage {
  /** Search text longer than this is not used (the page says so). */
  public static final int MAX_QUERY = 200;
  /** A hint or remembered key longer than this is ignored. */
  public static final int MAX_KEY = 1024;

  /** What the browser gets: sent on ({@code location} relative to the page), or a page. */
  public sealed interface Outcome {}

  /** Straight on to the upstream (the page skipped); {@code key} is remembered as the choice. */
  public record Go(String location, LoginUpstream upstream) implements Outcome {}

  /** The page (HTML) with its status. */
  public record Show(int status, String html) implements Outcome {}

  /**
   * What the page is asked: the pending request and its client's name and allowed upstreams (empty: every one), a
   * message after a failed password sign-in (or null), the client's {@code idp_hint}, the search text and the
   * remembered choice (each null when absent), the CSRF token for the password form, and {@code base}: the way from
   * the page's URL back to the provider's root (for relative links).
   */
  public record Request(String pendingId, String clientName, List<String> allowedUpstreams, String message,
      String hint, String query, String remembered, String csrf, String base) {
    public Request {
      Objects.requireNonNull(pendingId, "pendingId");
      Objects.requireNonNull(clientName, "clientName");
      allowedUpstreams = List.copyOf(allowedUpstreams);
      Objects.requireNonNull(base, "base");
    }
  }

  private final UpstreamCatalog catalog;
  /** The SAML discovery box (IdPs not listed, found by entity id or name at {@code saml2/sp/login?idp=}). */
  private final boolean samlSearchBox;

  public DiscoveryPage(UpstreamCatalog catalog, boolean samlSearchBox) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.samlSearchBox = samlSearchBox;
  }

  /** The upstreams a client with {@code allowed} (empty: no restriction) may sign in through. */
  public Future<List<LoginUpstream>> allowed(List<String> allowed) {
    return catalog.upstreams().map(all -> all.stream()
        .filter(u -> allowed.isEmpty() || allowed.contains(u.upstreamId())).toList());
  }

  /** Whether a client with {@code allowed} may sign in through the upstream {@code upstreamId}. */
  public static boolean permits(List<String> allowed, String upstreamId) {
    return allowed.isEmpty() || allowed.contains(upstreamId);
  }

  /** The page, or straight on to the one upstream the hint names (or the only one allowed). */
  public Future<Outcome> answer(Request r) {
    return allowed(r.allowedUpstreams()).map(upstreams -> {
      if (upstreams.isEmpty()) {
        throw new ErrorPage(403, "No way to sign in to this application",
            "This application may only be used with identity providers that are not available on this server. "
                + "Please tell the application's operators.");
      }
      String notice = null;
      if (r.hint() != null) {
        Optional<LoginUpstream> hinted = Input.isClean(r.hint(), MAX_KEY) ? upstreams.stream()
            .filter(u -> u.key().equals(r.hint()) || u.upstreamId().equals(r.hint())).findFirst() : Optional.empty();
        if (hinted.isPresent() && r.message() == null) {
          return go(r, hinted.get(), upstreams);
        }
        if (hinted.isEmpty()) {
          notice = "The application asked to sign you in through an identity provider that is not available for it "
              + "here. Please choose one below.";
        }
      }
      if (upstreams.size() == 1 && r.message() == null && r.query() == null && notice == null) {
        return go(r, upstreams.get(0), upstreams);
      }
      return show(r, upstreams, notice);
    });
  }

  private Outcome go(Request r, LoginUpstream u, List<LoginUpstream> all) {
    if (u.passwordForm()) {
      return new Show(200, Pages.loginForm(r.base() + "login", Pages.hidden("req", r.pendingId(), "csrf", r.csrf()),
          r.clientName(), u.displayName(), r.message()));
    }
    return new Go(r.base() + u.start(r.pendingId()), u);
  }

  private Outcome show(Request r, List<LoginUpstream> upstreams, String notice) {
    String query = r.query() == null ? "" : r.query().strip();
    boolean usable = Input.isClean(query, MAX_QUERY);
    String needle = usable ? query.toLowerCase(Locale.ROOT) : "";
    List<LoginUpstream> shown = new ArrayList<>();
    LoginUpstream password = null;
    LoginUpstream remembered = null;
    for (LoginUpstream u : upstreams) {
      if (!u.matches(needle)) {
        continue;
      }
      if (u.passwordForm()) {
        password = password == null ? u : password;
      } else if (u.key().equals(r.remembered())) {
        remembered = u;
      } else {
        shown.add(u);
      }
    }
    StringBuilder b = new StringBuilder();
    b.append("<p>Sign in to continue to <strong>").append(Pages.escape(r.clientName())).append("</strong>.</p>\n");
    if (r.message() != null) {
      b.append("<p class=\"msg\" role=\"alert\">").append(Pages.escape(r.message())).append("</p>\n");
    }
    if (notice != null) {
      b.append("<p class=\"msg\" role=\"status\" id=\"notice\">").append(Pages.escape(notice)).append("</p>\n");
    }
    if (!usable) {
      b.append("<p class=\"msg\" role=\"status\">The search text could not be used (at most ").append(MAX_QUERY)
          .append(" characters, no control characters); every identity provider is shown.</p>\n");
    }
    b.append("<form method=\"get\" action=\"").append(Pages.escape(r.base() + "discovery"))
        .append("\" role=\"search\" class=\"filter\">")
        .append(Pages.hidden("req", r.pendingId()))
        .append("<label for=\"q\">Find your identity provider (name or domain)</label>")
        .append("<input type=\"search\" id=\"q\" name=\"q\" value=\"").append(Pages.escape(usable ? query : ""))
        .append("\" maxlength=\"").append(MAX_QUERY).append("\" autocomplete=\"off\">")
        .append("<button type=\"submit\">Search</button></form>\n");
    if (remembered != null) {
      b.append("<h2>Your last choice</h2>\n<ul class=\"upstreams remembered\">").append(link(r, remembered))
          .append("</ul>\n");
    }
    if (!shown.isEmpty()) {
      b.append(remembered != null ? "<h2>Other identity providers</h2>\n" : "<h2>Identity providers</h2>\n");
      b.append("<ul class=\"upstreams\">");
      shown.forEach(u -> b.append(link(r, u)));
      b.append("</ul>\n");
    }
    if (shown.isEmpty() && remembered == null && password == null) {
      b.append("<p role=\"status\">No identity provider matches \u201c").append(Pages.escape(query))
          .append("\u201d. Try another name or domain, or <a href=\"")
          .append(Pages.escape(r.base() + "discovery?req=" + java.net.URLEncoder.encode(r.pendingId(),
              java.nio.charset.StandardCharsets.UTF_8)))
          .append("\">show them all</a>.</p>\n");
    }
    if (samlSearchBox) {
      b.append("""
          <form method="get" action="%s" class="discovery">
          %s
          <label for="idp">Or find your organisation (name or entity id)</label><input type="text" id="idp" name="idp" required>
          <button type="submit">Find</button>
          </form>
          """.formatted(Pages.escape(r.base() + "saml2/sp/login"), Pages.hidden("req", r.pendingId())));
    }
    if (password != null) {
      b.append("""
          <p class="small">Or with a demo account (%s):</p>
          <form method="post" action="%s">
          %s
          <label for="username">Username</label><input type="text" id="username" name="username" autocomplete="username" required>
          <label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" required>
          <button type="submit">Sign in</button>
          </form>
          """.formatted(Pages.escape(password.displayName()), Pages.escape(r.base() + "login"),
          Pages.hidden("req", r.pendingId(), "csrf", r.csrf())));
    }
    b.append("<style>ul.upstreams{padding-left:1.2rem}ul.upstreams li{margin:.4rem 0}a{color:#0645ad}"
        + "a:focus,button:focus,input:focus{outline:3px solid #1a5fb4;outline-offset:2px}"
        + "h2{font-size:1.1rem;margin-top:1.4rem}</style>\n");
    return new Show(200, Pages.document("Sign in", b.toString()));
  }

  private static String link(Request r, LoginUpstream u) {
    return "<li><a class=\"upstream\" href=\"" + Pages.escape(r.base() + u.start(r.pendingId())) + "\">Sign in with "
        + Pages.escape(u.displayName()) + "</a></li>";
  }
}
