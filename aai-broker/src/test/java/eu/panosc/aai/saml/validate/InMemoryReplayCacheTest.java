package eu.panosc.aai.saml.validate;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** The replay cache contract in memory: every instance of one test is the same process-wide cache. */
class InMemoryReplayCacheTest extends ReplayCacheContract {
  private static io.vertx.core.Vertx vertx;

  @org.junit.jupiter.api.BeforeAll
  static void startVertx() {
    vertx = io.vertx.core.Vertx.vertx();
  }

  @org.junit.jupiter.api.AfterAll
  static void stopVertx() {
    vertx.close().await();
  }

  @Override
  protected io.vertx.core.Vertx vertx() {
    return vertx;
  }

  private final Map<Clock, InMemoryReplayCache> caches = new HashMap<>();

  @Override
  protected ReplayCache newCache(Clock clock) {
    return caches.computeIfAbsent(clock, InMemoryReplayCache::new);
  }

  @Override
  protected boolean remembered(String assertionId) {
    return ((InMemoryReplayCache) cache).holds(IDP, assertionId);
  }
}
