package eu.panosc.broker.events;

import eu.panosc.broker.model.Flavour;
import eu.panosc.broker.model.Image;
import eu.panosc.broker.model.Quota;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.model.Session;
import eu.panosc.broker.store.BrokerStore;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * A {@link BrokerStore} decorator that publishes a {@link SessionEvent} when a session is created and whenever an
 * update changes its state or its end ({@code expiresAt}): every change the broker makes goes through the store, so
 * none is missed in this process.
 */
public final class EventingBrokerStore implements BrokerStore {
  private final BrokerStore delegate;
  private final SessionEvents events;

  public EventingBrokerStore(BrokerStore delegate, SessionEvents events) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.events = Objects.requireNonNull(events, "events");
  }

  @Override
  public Future<Void> putFlavour(Flavour flavour) {
    return delegate.putFlavour(flavour);
  }

  @Override
  public Future<List<Flavour>> flavours() {
    return delegate.flavours();
  }

  @Override
  public Future<Void> putImage(Image image) {
    return delegate.putImage(image);
  }

  @Override
  public Future<List<Image>> images() {
    return delegate.images();
  }

  @Override
  public Future<Session> create(Session session, Quota quota) {
    return delegate.create(session, quota).onSuccess(events::publish);
  }

  @Override
  public Future<Optional<Session>> get(String id) {
    return delegate.get(id);
  }

  @Override
  public Future<List<Session>> list(Optional<String> owner) {
    return delegate.list(owner);
  }

  @Override
  public Future<List<Session>> active() {
    return delegate.active();
  }

  @Override
  public Future<Optional<Session>> update(String id, UnaryOperator<Session> updater) {
    AtomicReference<Session> before = new AtomicReference<>();
    return delegate.update(id, current -> {
      before.set(current);
      return updater.apply(current);
    }).onSuccess(after -> after.ifPresent(s -> publishIfChanged(before.get(), s)));
  }

  @Override
  public Future<Map<String, Resources>> usedByCluster() {
    return delegate.usedByCluster();
  }

  private void publishIfChanged(Session before, Session after) {
    if (before == null || before.state() != after.state() || !before.expiresAt().equals(after.expiresAt())) {
      events.publish(after);
    }
  }

  @Override
  public Future<Void> touch(Map<String, Instant> lastSeen) {
    return delegate.touch(lastSeen);
  }

  @Override
  public Future<Optional<Session>> reserve(String id, String cluster, Resources capacity,
      UnaryOperator<Session> placed) {
    AtomicReference<Session> before = new AtomicReference<>();
    return delegate.reserve(id, cluster, capacity, current -> {
      before.set(current);
      return placed.apply(current);
    }).onSuccess(after -> after.ifPresent(s -> publishIfChanged(before.get(), s)));
  }
}
