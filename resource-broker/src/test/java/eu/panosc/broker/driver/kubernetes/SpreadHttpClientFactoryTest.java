package eu.panosc.broker.driver.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.Test;

/** The Kubernetes clients' connections go to event loops of their own. */
class SpreadHttpClientFactoryTest {
  @Test
  void additionalConfigWhenClientBuiltThenItsPoolUsesItsOwnEventLoops() {
    Vertx vertx = Vertx.vertx();
    try {
      PoolOptions pool = new PoolOptions();
      assertThat(pool.getEventLoopSize()).as("Vert.x default: the asking event loop").isZero();
      new SpreadHttpClientFactory(vertx, 3).additionalConfig(new WebClientOptions(), new WebSocketClientOptions(), pool);
      assertThat(pool.getEventLoopSize()).isEqualTo(3);
      assertThat(SpreadHttpClientFactory.of(vertx).eventLoops()).isGreaterThanOrEqualTo(2);
      assertThatThrownBy(() -> new SpreadHttpClientFactory(vertx, 0)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("at least 1");
    } finally {
      vertx.close();
    }
  }
}
