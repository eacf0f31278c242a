package eu.panosc.broker.events;

import eu.panosc.broker.model.Session;
import java.util.Objects;

/** One state change of a session (or its creation): {@code id} orders events of this process; the session after it. */
public record SessionEvent(String id, long seq, Session session) {
  public SessionEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(session, "session");
  }
}
