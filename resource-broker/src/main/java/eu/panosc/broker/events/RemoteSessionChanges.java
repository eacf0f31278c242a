package eu.panosc.broker.events;

import eu.panosc.broker.store.BrokerStore;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the id of a session another replica changed (from {@link eu.panosc.broker.store.SessionFeed}) into a
 * {@link SessionEvent} here: the session is read again and published unless this process already told that state
 * ({@link SessionEvents#publishIfNew}), so this replica's event-stream subscribers see it once.
 */
public final class RemoteSessionChanges implements Consumer<String> {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteSessionChanges.class);
  private final BrokerStore store;
  private final SessionEvents events;

  public RemoteSessionChanges(BrokerStore store, SessionEvents events) {
    this.store = Objects.requireNonNull(store, "store");
    this.events = Objects.requireNonNull(events, "events");
  }

  @Override
  public void accept(String sessionId) {
    store.get(sessionId).onSuccess(o -> o.ifPresent(events::publishIfNew))
        .onFailure(e -> LOG.warn("session {}: another replica's change could not be read ({})", sessionId,
            e.getMessage()));
  }
}
