package eu.panosc.broker.session;

import eu.panosc.broker.model.Session;

/** A new session and its access secret, which is shown to its owner this once and stored only as a hash. */
public record Created(Session session, String accessSecret) {
  @Override
  public String toString() {
    return "Created[" + session.id() + "]";
  }
}
