package eu.panosc.aai.browser;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

/**
 * An auto-submitting HTML form (e.g. the SAML HTTP-POST binding, SAML Bindings §3.5): the fields as hidden inputs,
 * posted to {@code action} by one inline script that the Content-Security-Policy allows by its hash and nothing else;
 * {@code form-action} allows only the target's origin. Without scripts the person presses Continue.
 */
public final class AutoPost {
  private static final String SUBMIT_SCRIPT = "document.forms[0].submit();";
  /** The CSP source of the one script these pages run. */
  public static final String SCRIPT_HASH = "sha256-" + sha256(SUBMIT_SCRIPT);

  private AutoPost() {}

  /** The page posting {@code fields} (in order) to {@code action}; {@code title} names where the person is going. */
  public static String html(String title, String action, Map<String, String> fields) {
    StringBuilder hidden = new StringBuilder();
    fields.forEach((name, value) -> hidden.append(Pages.hidden(name, value)));
    return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>%s · PaNOSC</title></head>
        <body><form method="post" action="%s">%s
        <noscript><p>Your browser does not run scripts: press Continue.</p>
        <button type="submit">Continue</button></noscript></form>
        <script>%s</script></body></html>
        """.formatted(Pages.escape(title), Pages.escape(action), hidden, SUBMIT_SCRIPT);
  }

  /** Writes {@link #html} with a CSP that runs only its script and posts only to {@code action}'s origin. */
  public static void write(RoutingContext ctx, String title, String action, Map<String, String> fields) {
    URI target = URI.create(action);
    String origin = target.getScheme() + "://" + target.getRawAuthority();
    ctx.response().setStatusCode(200)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Content-Security-Policy", "default-src 'none'; script-src '" + SCRIPT_HASH + "'; form-action "
            + origin + "; frame-ancestors 'none'")
        .putHeader("Referrer-Policy", "no-referrer")
        .end(html(title, action, fields));
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
