package eu.panosc.aai.user;

import io.vertx.core.Future;
import java.util.Optional;

/** A connector that checks a username and password itself (a form on our login page). */
public interface PasswordConnector extends UpstreamConnector {
  /** The identity, or empty when the username or password is wrong (which of the two is not told). */
  Future<Optional<UpstreamIdentity>> login(String username, String password);
}
