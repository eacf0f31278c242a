package eu.panosc.broker.store;

import eu.panosc.broker.model.Flavour;
import eu.panosc.broker.model.Image;
import eu.panosc.broker.model.Quota;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.model.Session;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A {@link BrokerStore} that counts the reads of one session and the updates it passes on (tests of round trips), and
 * can answer one read late.
 */
public final class CountingBrokerStore implements BrokerStore {
  private final BrokerStore store;
  public final AtomicInteger gets = new AtomicInteger();
  public final AtomicInteger updates = new AtomicInteger();
  /** When set, the next {@link #get} answers this instead of the store (a read that lands late), then it is cleared. */
  public volatile Future<Optional<Session>> nextGet;

  public CountingBrokerStore(BrokerStore store) {
    this.store = store;
  }

  @Override
  public Future<Void> putFlavour(Flavour f) {
    return store.putFlavour(f);
  }

  @Override
  public Future<List<Flavour>> flavours() {
    return store.flavours();
  }

  @Override
  public Future<Void> putImage(Image i) {
    return store.putImage(i);
  }

  @Override
  public Future<List<Image>> images() {
    return store.images();
  }

  @Override
  public Future<Session> create(Session s, Quota q) {
    return store.create(s, q);
  }

  @Override
  public Future<Optional<Session>> get(String id) {
    gets.incrementAndGet();
    Future<Optional<Session>> held = nextGet;
    if (held != null) {
      nextGet = null;
      return held;
    }
    return store.get(id);
  }

  @Override
  public Future<List<Session>> list(Optional<String> owner) {
    return store.list(owner);
  }

  @Override
  public Future<List<Session>> active() {
    return store.active();
  }

  @Override
  public Future<Optional<Session>> update(String id, UnaryOperator<Session> updater) {
    updates.incrementAndGet();
    return store.update(id, updater);
  }

  @Override
  public Future<Void> touch(Map<String, Instant> lastSeen) {
    return store.touch(lastSeen);
  }

  @Override
  public Future<Optional<Session>> reserve(String id, String cluster, Resources capacity,
      UnaryOperator<Session> placed) {
    return store.reserve(id, cluster, capacity, placed);
  }

  @Override
  public Future<Map<String, Resources>> usedByCluster() {
    return store.usedByCluster();
  }
}
