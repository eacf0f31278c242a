package eu.panosc.broker.events;

import eu.panosc.broker.store.BrokerStore;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Reads sessions as {@link SessionView}s: with their staging progress and warnings, each read one query. */
public interface SessionViews {
  /** The views of those of {@code ids} that exist, in one read. */
  Future<Map<String, SessionView>> get(Collection<String> ids);

  /** The views of {@code owner}'s sessions (every session when empty), newest first, in one read. */
  Future<List<SessionView>> list(Optional<String> owner);

  /** Views without staging or warnings, from {@code store} (the in-memory store, tests). */
  static SessionViews plain(BrokerStore store) {
    Objects.requireNonNull(store, "store");
    return new SessionViews() {
      @Override
      public Future<Map<String, SessionView>> get(Collection<String> ids) {
        Future<Map<String, SessionView>> out = Future.succeededFuture(new LinkedHashMap<>());
        for (String id : ids) {
          out = out.compose(m -> store.get(id).map(o -> {
            o.ifPresent(s -> m.put(id, SessionView.of(s)));
            return m;
          }));
        }
        return out;
      }

      @Override
      public Future<List<SessionView>> list(Optional<String> owner) {
        return store.list(owner).map(l -> l.stream().map(SessionView::of).toList());
      }
    };
  }
}
