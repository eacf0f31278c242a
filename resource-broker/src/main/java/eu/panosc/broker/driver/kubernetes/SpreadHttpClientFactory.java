package eu.panosc.broker.driver.kubernetes;

import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * Fabric8's Vert.x 5 HTTP client through the service's Vert.x, its connections on several event loops of their own
 * ({@code PoolOptions.setEventLoopSize}) instead of the event loop of whoever asked first. The create benchmark's
 * profile found every Kubernetes API exchange of a session start (the Pod, Secret and Service POSTs and their
 * answers) on the one event loop that also serves HTTP and the platform's database pools.
 */
final class SpreadHttpClientFactory extends Vertx5HttpClientFactory {
  private final int eventLoops;

  SpreadHttpClientFactory(Vertx vertx, int eventLoops) {
    super(vertx);
    if (eventLoops < 1) {
      throw new IllegalArgumentException("eventLoops must be at least 1, not " + eventLoops);
    }
    this.eventLoops = eventLoops;
  }

  /** A factory whose clients spread their connections over as many event loops as the machine has CPUs (at least 2). */
  static SpreadHttpClientFactory of(Vertx vertx) {
    return new SpreadHttpClientFactory(vertx, Math.max(2, Runtime.getRuntime().availableProcessors()));
  }

  int eventLoops() {
    return eventLoops;
  }

  @Override
  protected void additionalConfig(WebClientOptions web, WebSocketClientOptions webSockets, PoolOptions pool) {
    super.additionalConfig(web, webSockets, pool);
    pool.setEventLoopSize(eventLoops);
  }
}
