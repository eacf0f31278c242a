package eu.panosc.aai.saml.sp;

import io.vertx.core.Future;

/**
 * Told when a SAML login has started a broker session, so that Single Logout can find the session later (by its
 * {@code sid}) and name its subject to the IdP.
 */
@FunctionalInterface
public interface SamlSessionRecorder {
  /** The broker session {@code sid} was started by a login of {@code subject}; remember it until {@code sid} ends. */
  Future<Void> started(String sid, SamlSubject subject);

  /** Remembers nothing (no Single Logout). */
  SamlSessionRecorder NONE = (sid, subject) -> Future.succeededFuture();
}
