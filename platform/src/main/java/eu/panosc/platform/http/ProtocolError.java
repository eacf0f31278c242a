package eu.panosc.platform.http;

import io.vertx.ext.web.RoutingContext;

/**
 * A failure that a protocol endpoint renders in its protocol's own error format (an OAuth error
 * object, an AuthZEN 400, a SAML status). The failure handler calls {@link #render} instead of
 * writing problem+json.
 */
public interface ProtocolError {
  /** Writes the complete response; must not throw. */
  void render(RoutingContext ctx);
}
