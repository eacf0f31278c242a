package eu.panosc.aai.browser;

import eu.panosc.aai.registry.RegisteredClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * The HTML the person sees: login form, consent screen and error pages. Every value is HTML-escaped;
 * pages are not cached and may not be framed.
 */
public final class Pages {
  public static final Map<String, String> SCOPE_TEXT = Map.of(
      "openid", "Confirm who you are (a pseudonymous identifier specific to this facility)",
      "profile", "Your name",
      "email", "Your e-mail address",
      "offline_access", "Stay signed in to the application while you are away (refresh tokens)");

  /** What a person sees after a wrong username or password (never saying which). */
  public static final String WRONG_LOGIN = "The username or password is not correct. Please try again.";

  private Pages() {}

  public static void write(RoutingContext ctx, int status, String html) {
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
        .putHeader("Referrer-Policy", "no-referrer")
        .end(html);
  }

  public static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static String page(String title, String body) {
    return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>%s · PaNOSC sign-in</title>
        <style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#222}
        .msg{background:#fde8e8;border:1px solid #e0a0a0;padding:.6rem;border-radius:4px}
        label{display:block;margin:.8rem 0 .2rem}input[type=text],input[type=password]{width:100%%;padding:.4rem}
        button{margin:1rem .5rem 0 0;padding:.5rem 1.2rem}.small{color:#666;font-size:.85rem}</style></head>
        <body><h1>%s</h1>
        %s
        </body></html>
        """.formatted(escape(title), escape(title), body);
  }

  public static String login(String pendingId, String csrf, String clientName, String connectorName, String message) {
    return loginForm("login", hidden("req", pendingId, "csrf", csrf), clientName, connectorName, message);
  }

  /** A way to sign in at an upstream identity provider: a link (relative to the page) and its label. */
  public record UpstreamLink(String href, String label) {}

  /**
   * The login page with links to upstream identity providers (e.g. UmbrellaID over SAML) above the password form
   * (present only when a password connector is, i.e. the demo users). {@code base} prefixes the form's relative
   * action: empty on pages served at the provider's root, {@code ../../} on pages answered at {@code saml2/sp/acs}.
   */
  public static String login(String base, String pendingId, String csrf, String clientName, String connectorName,
      String message, List<UpstreamLink> upstreams, boolean passwordForm) {
    return login(base, pendingId, csrf, clientName, connectorName, message, upstreams, passwordForm, false);
  }

  /**
   * As above; with {@code discoveryBox} a search box for identity providers that are not listed (an eduGAIN
   * aggregate, MDQ): the person types their organisation's name or entity id.
   */
  public static String login(String base, String pendingId, String csrf, String clientName, String connectorName,
      String message, List<UpstreamLink> upstreams, boolean passwordForm, boolean discoveryBox) {
    if (upstreams.isEmpty() && !discoveryBox) {
      return loginForm(base + "login", hidden("req", pendingId, "csrf", csrf), clientName, connectorName, message);
    }
    String msg = message == null ? "" : "<p class=\"msg\" role=\"alert\">" + escape(message) + "</p>";
    String form = passwordForm ? """
        <p class="small">Or with a demo account (%s):</p>
        <form method="post" action="%s">
        %s
        <label for="username">Username</label><input type="text" id="username" name="username" autocomplete="username" required>
        <label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" required>
        <button type="submit">Sign in</button>
        </form>""".formatted(escape(connectorName), escape(base + "login"), hidden("req", pendingId, "csrf", csrf))
        : "";
    return page("Sign in", """
        <p>Sign in to continue to <strong>%s</strong>.</p>
        %s
        %s
        %s
        %s
        """.formatted(escape(clientName), msg, upstreamList(upstreams),
        discoveryBox ? discoveryForm(base, pendingId, "") : "", form));
  }

  private static String upstreamList(List<UpstreamLink> upstreams) {
    if (upstreams.isEmpty()) {
      return "";
    }
    StringBuilder links = new StringBuilder("<ul class=\"upstreams\">");
    for (UpstreamLink u : upstreams) {
      links.append("<li><a class=\"upstream\" href=\"").append(escape(u.href())).append("\">Sign in with ")
          .append(escape(u.label())).append("</a></li>");
    }
    return links.append("</ul>").toString();
  }

  /** The discovery box: a GET form to {@code saml2/sp/login} with the pending request and the text typed. */
  private static String discoveryForm(String base, String pendingId, String query) {
    return """
        <form method="get" action="%s" class="discovery">
        %s
        <label for="idp">Or find your organisation (name or entity id)</label><input type="text" id="idp" name="idp" value="%s" required>
        <button type="submit">Find</button>
        </form>""".formatted(escape(base + "saml2/sp/login"), hidden("req", pendingId), escape(query));
  }

  /**
   * The discovery box's answer: the identity providers matching {@code query} as links, or (none) a page saying we
   * do not know it, with the box to try again.
   */
  public static String discovery(String base, String pendingId, String query, List<UpstreamLink> matches,
      boolean none) {
    String text = none
        ? "<p class=\"msg\" role=\"alert\">No identity provider we know matches \u201c" + escape(query)
            + "\u201d. Check the spelling, try your organisation's name, or go back and choose another way to sign "
            + "in.</p>"
        : "<p>Identity providers matching \u201c" + escape(query) + "\u201d:</p>";
    return page("Find your organisation", text + "\n" + upstreamList(matches) + "\n"
        + discoveryForm(base, pendingId, query));
  }

  /** The login form posting to {@code action} with these (already rendered) hidden fields. */
  public static String loginForm(String action, String hiddenFields, String clientName, String connectorName, String message) {
    String msg = message == null ? "" : "<p class=\"msg\" role=\"alert\">" + escape(message) + "</p>";
    return page("Sign in", """
        <p>Sign in to continue to <strong>%s</strong>.</p>
        %s
        <form method="post" action="%s">
        %s
        <label for="username">Username</label><input type="text" id="username" name="username" autocomplete="username" required autofocus>
        <label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" required>
        <button type="submit">Sign in</button>
        </form>
        <p class="small">%s</p>
        """.formatted(escape(clientName), msg, escape(action), hiddenFields, escape(connectorName)));
  }

  public static String consent(String pendingId, String csrf, RegisteredClient client, String userName, List<String> scopes) {
    return consent("consent", hidden("req", pendingId, "csrf", csrf), client, userName, scopes, "",
        "Your choice is remembered for these permissions.");
  }

  /**
   * The consent screen posting to {@code action}; {@code preamble} is HTML the caller escaped, {@code note} plain
   * text under the buttons.
   */
  public static String consent(String action, String hiddenFields, RegisteredClient client, String userName, List<String> scopes,
      String preamble, String note) {
    StringBuilder items = new StringBuilder();
    for (String s : scopes) {
      items.append("<li>").append(escape(SCOPE_TEXT.getOrDefault(s, "Use the service permission " + s)))
          .append(" <span class=\"small\">(").append(escape(s)).append(")</span></li>");
    }
    String facility = client.facility();
    return page("Allow access?", """
        <p>You are signed in as <strong>%s</strong>.</p>
        %s
        <p><strong>%s</strong>%s asks to:</p>
        <ul>%s</ul>
        <form method="post" action="%s">
        %s
        <button type="submit" name="decision" value="approve">Allow</button>
        <button type="submit" name="decision" value="deny">Deny</button>
        </form>
        <p class="small">Application id: %s. %s</p>
        """.formatted(escape(userName), preamble, escape(displayName(client)),
        facility == null ? "" : " (facility " + escape(facility) + ")", items, escape(action), hiddenFields,
        escape(client.clientId()), escape(note)));
  }

  /** Hidden form fields from name/value pairs, each on the form {@code <input type="hidden" name=".." value="..">}. */
  public static String hidden(String... nameValues) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i + 1 < nameValues.length; i += 2) {
      out.append("<input type=\"hidden\" name=\"").append(escape(nameValues[i])).append("\" value=\"")
          .append(escape(nameValues[i + 1])).append("\">");
    }
    return out.toString();
  }

  /**
   * The device flow's code entry page (RFC 8628 §3.3): {@code prefill} is the code from
   * {@code verification_uri_complete}, {@code message} what went wrong with the last code.
   */
  public static String deviceCode(String csrf, String prefill, String message) {
    String msg = message == null ? "" : "<p class=\"msg\" role=\"alert\">" + escape(message) + "</p>";
    return page("Sign in a device", """
        <p>Enter the code your device (for example <code>panosc login</code>) shows you.</p>
        %s
        <form method="post" action="device">
        %s
        <label for="user_code">Code</label><input type="text" id="user_code" name="user_code" value="%s" autocomplete="off" autocapitalize="characters" spellcheck="false" placeholder="XXXX-XXXX" required autofocus>
        <button type="submit">Continue</button>
        </form>
        <p class="small">Only enter a code that a device you are using right now shows you. Never enter a code someone sent you.</p>
        """.formatted(msg, hidden("step", "code", "csrf", csrf), escape(prefill)));
  }

  /**
   * RP-Initiated Logout 1.0 §2: asks the person whether to sign out (posting to {@code logout/confirm} with the
   * request's parameters as hidden fields).
   */
  public static String logoutConfirm(String hiddenFields, String userName, String clientName) {
    String who = clientName == null ? "" : "<p><strong>" + escape(clientName) + "</strong> asks you to sign out.</p>";
    return page("Sign out?", """
        <p>You are signed in to the PaNOSC federation as <strong>%s</strong>.</p>
        %s
        <p>Signing out ends your session here; the applications you used with it are told to sign you out too.</p>
        <form method="post" action="logout/confirm">
        %s
        <button type="submit" name="decision" value="logout">Sign out</button>
        <button type="submit" name="decision" value="stay">Stay signed in</button>
        </form>
        """.formatted(escape(userName), who, hiddenFields));
  }

  /**
   * The first-login registration page posting to {@code action}: the name (prefilled from the identity provider), the
   * e-mail address to confirm (an edited one is kept as unverified), and the federation's terms of use to accept
   * ({@code termsChanged}: the person accepted an earlier version); {@code message} says what was wrong.
   */
  public static String registration(String action, String hiddenFields, String clientName, String name, String email,
      String termsUrl, String termsVersion, boolean termsChanged, String message) {
    String msg = message == null ? "" : "<p class=\"msg\" role=\"alert\">" + escape(message) + "</p>";
    String intro = termsChanged
        ? "The federation's terms of use have changed since you last accepted them. Please read and accept the new "
            + "version to continue."
        : "This is your first sign-in to the PaNOSC federation. Please check your details and accept the terms of use.";
    return page("Welcome", """
        <p>%s</p>
        <p>You are signing in to <strong>%s</strong>.</p>
        %s
        <form method="post" action="%s">
        %s
        <label for="name">Name</label><input type="text" id="name" name="name" value="%s" autocomplete="name" required>
        <label for="email">E-mail address</label><input type="text" id="email" name="email" value="%s" autocomplete="email" required>
        <p class="small">This is the address your identity provider gave us. If you change it, it is kept as not yet verified.</p>
        <label><input type="checkbox" name="terms" value="accept" required> I accept the <a href="%s" rel="noopener" target="_blank">terms of use of the PaNOSC federation</a> (version %s).</label>
        <button type="submit">Continue</button>
        </form>
        """.formatted(escape(intro), escape(clientName), msg, escape(action), hiddenFields,
        escape(name == null ? "" : name), escape(email == null ? "" : email), escape(termsUrl), escape(termsVersion)));
  }

  /** A final page of the device flow (approved or denied). */
  public static String message(String title, String message) {
    return page(title, "<p>" + escape(message) + "</p>\n");
  }

  /** A final page with one link on (e.g. back to the application). */
  public static String message(String title, String message, String linkText, String href) {
    return page(title, "<p>" + escape(message) + "</p>\n<p><a href=\"" + escape(href) + "\">" + escape(linkText)
        + "</a></p>\n");
  }

  public static String error(String title, String message, String requestId) {
    return page(title, """
        <p>%s</p>
        <p class="small">If this keeps happening, tell the service desk this reference: %s</p>
        """.formatted(escape(message), escape(requestId)));
  }

  public static String displayName(RegisteredClient client) {
    String d = client.description();
    return d != null ? d : client.clientId();
  }

  /** A whole page (title, the body HTML the caller escaped) in the provider's page frame. */
  public static String document(String title, String body) {
    return page(title, body);
  }
}
