package eu.panosc.aai.browser;

import eu.panosc.platform.http.ProtocolError;
import eu.panosc.platform.http.RequestIds;
import io.vertx.ext.web.RoutingContext;

/**
 * An error shown to the person in the browser as an HTML page, never as a redirect: used where sending
 * them back to the client would be unsafe (unknown client, redirect_uri not registered, RFC 6749 §4.1.2.1)
 * or impossible (expired login form).
 */
public final class ErrorPage extends RuntimeException implements ProtocolError {
  private final int status;
  private final String title;

  public ErrorPage(int status, String title, String message) {
    super(message, null, false, false);
    this.status = status;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  @Override
  public void render(RoutingContext ctx) {
    Pages.write(ctx, status, Pages.error(title, getMessage(), RequestIds.of(ctx)));
  }
}
