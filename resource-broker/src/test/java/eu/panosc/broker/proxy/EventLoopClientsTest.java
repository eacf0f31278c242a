package eu.panosc.broker.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One upstream client per event loop (made once, on first use there), one shared off the event loops. */
class EventLoopClientsTest {
  final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));

  @AfterEach
  void close() {
    vertx.close().await();
  }

  static <T> T on(Context c, java.util.concurrent.Callable<T> work) {
    io.vertx.core.Promise<T> p = io.vertx.core.Promise.promise();
    c.runOnContext(v -> {
      try {
        p.complete(work.call());
      } catch (Exception e) {
        p.fail(e);
      }
    });
    return p.future().await();
  }

  @Test
  void getWhenTwoEventLoopsThenEachItsOwnClientKeptAndOneSharedOffTheLoops() {
    AtomicInteger made = new AtomicInteger();
    EventLoopClients clients = new EventLoopClients(() -> {
      made.incrementAndGet();
      return vertx.createHttpClient();
    });
    // two verticle instances: two contexts on two event loops
    java.util.List<Context> contexts = new java.util.concurrent.CopyOnWriteArrayList<>();
    vertx.deployVerticle(() -> new io.vertx.core.VerticleBase() {
      @Override
      public Future<?> start() {
        contexts.add(context);
        return Future.succeededFuture();
      }
    }, new io.vertx.core.DeploymentOptions().setInstances(2)).await();
    Context a = contexts.get(0);
    Context b = contexts.get(1);
    assertThat(on(a, () -> Thread.currentThread())).isNotEqualTo(on(b, () -> Thread.currentThread()));
    HttpClient ofA = on(a, clients::get);
    HttpClient ofB = on(b, clients::get);
    assertThat(on(a, clients::get)).isSameAs(ofA);
    assertThat(ofB).isNotSameAs(ofA);
    HttpClient shared = clients.get(); // the test's thread is no event loop
    assertThat(shared).isNotSameAs(ofA).isNotSameAs(ofB).isSameAs(clients.get());
    assertThat(made.get()).isEqualTo(3);
    assertThat(clients.size()).isEqualTo(3);
    Future<Void> closed = clients.close();
    closed.await();
    assertThat(closed.succeeded()).isTrue();
    assertThat(clients.size()).isZero();
    assertThatThrownBy(clients::get).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }
}
