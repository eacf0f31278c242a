package eu.panosc.broker.events;

import eu.panosc.broker.model.Session;
import java.util.Objects;

/**
 * One change of a session (its creation, state, end, staging progress or warnings): {@code id} is what a stream
 * writes as the SSE id, {@code seq} orders events in this process; the session as it is after the change.
 */
public record SessionEvent(String id, long seq, SessionView view) {
  public SessionEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(view, "view");
  }

  public Session session() {
    return view.session();
  }
}
