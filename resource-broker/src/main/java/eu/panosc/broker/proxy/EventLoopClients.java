package eu.panosc.broker.proxy;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The proxy's upstream HTTP clients, one per event loop: a proxied request is received on the event loop of its
 * caller's connection, and its upstream exchange runs on a kept-alive connection of that same event loop (a client
 * creates its connections on the event loop that asks, so a client only one event loop asks keeps them all there).
 * One client shared by every event loop hands requests to connections of other event loops: a thread wake-up per hop,
 * which on a busy machine waits for a CPU. Off an event loop (tests, workers) one shared client serves.
 */
public final class EventLoopClients implements Supplier<HttpClient> {
  private final Supplier<HttpClient> factory;
  private final Map<Thread, HttpClient> byLoop = new ConcurrentHashMap<>();
  private volatile HttpClient shared;
  private volatile boolean closed;

  /** {@code factory} makes one client (same options for each); called at most once per event loop, plus once. */
  public EventLoopClients(Supplier<HttpClient> factory) {
    this.factory = Objects.requireNonNull(factory, "factory");
  }

  /** The client of the calling event loop (made at its first call), or the shared one off an event loop. */
  @Override
  public HttpClient get() {
    if (closed) {
      throw new IllegalStateException("the proxy's upstream clients are closed");
    }
    if (Context.isOnEventLoopThread()) {
      return byLoop.computeIfAbsent(Thread.currentThread(), t -> factory.get());
    }
    HttpClient s = shared;
    if (s == null) {
      synchronized (this) {
        if (shared == null) {
          shared = factory.get();
        }
        s = shared;
      }
    }
    return s;
  }

  /** How many clients exist (one per event loop that asked, plus the shared one once asked for). */
  public int size() {
    return byLoop.size() + (shared == null ? 0 : 1);
  }

  /** Closes every client made. */
  public Future<Void> close() {
    closed = true;
    List<Future<Void>> all = new ArrayList<>();
    byLoop.values().forEach(c -> all.add(c.close()));
    byLoop.clear();
    synchronized (this) {
      if (shared != null) {
        all.add(shared.close());
        shared = null;
      }
    }
    return Future.join(all).mapEmpty();
  }
}
