package eu.panosc.pdp.policy;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.pdp.engine.EntitlementMapper;
import eu.panosc.pdp.engine.PolicyFunctions;
import eu.panosc.pdp.store.RelationCache;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link PolicyRegistry} with a Vert.x instance: policies compile on worker threads, refusals keep their reason. */
class PolicyRegistryWorkerTest {
  private static final String ESRF = """
      name: esrf-closed
      facility: esrf
      rules:
        - id: nobody
          when: "false"
      """;
  private final Vertx vertx = Vertx.vertx();
  private final RelationCache cache = new RelationCache();
  private final PolicyRegistry registry = new PolicyRegistry(new PolicyCompiler(new PolicyFunctions(cache,
      new EntitlementMapper(EntitlementMapper.DEFAULT_PATTERN, Set.of("eduteams.org")))),
      new InMemoryPolicyStore(), vertx);

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Runs {@code action} on an event loop, as the endpoints and feeds do, and waits for its result. */
  private <T> T onEventLoop(java.util.function.Supplier<Future<T>> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    Context loop = vertx.getOrCreateContext();
    loop.runOnContext(v -> action.get().onComplete(ar -> {
      if (ar.succeeded()) {
        result.complete(ar.result());
      } else {
        result.completeExceptionally(ar.cause());
      }
    }));
    return result.get(30, TimeUnit.SECONDS);
  }

  /** The failure of {@code action} run on an event loop. */
  private Throwable failureOf(java.util.function.Supplier<Future<Policy>> action) {
    try {
      onEventLoop(action);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      return e;
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void startAndSubmitWhenFromEventLoopThenCompiledOffTheLoopAndActive() throws Exception {
    onEventLoop(registry::start);
    assertThat(registry.forFacility("esrf").label()).isEqualTo("panosc-data@v1");

    // the compile is handed to a worker: submit returns on the event loop with its future still pending (compiling
    // inline, with this in-memory store, it would return completed)
    java.util.concurrent.atomic.AtomicBoolean pendingAtReturn = new java.util.concurrent.atomic.AtomicBoolean();
    Policy esrf = onEventLoop(() -> {
      Future<Policy> f = registry.submit("esrf.yaml", ESRF, "esrf");
      pendingAtReturn.set(!f.isComplete());
      return f;
    });
    assertThat(pendingAtReturn).isTrue();
    assertThat(esrf.facility()).isEqualTo("esrf");
    assertThat(registry.forFacility("esrf").label()).isEqualTo(esrf.label());
    assertThat(esrf.version()).isPositive();
  }

  @Test
  void submitWhenInvalidThenPolicyExceptionAndPreviousStays() throws Exception {
    onEventLoop(registry::start);
    assertThat(failureOf(() -> registry.submit("default.yaml", "name: broken\nrules: [\n", null)))
        .isInstanceOf(PolicyException.class);
    assertThat(registry.forFacility("esrf").label()).isEqualTo("panosc-data@v1");
  }

  @Test
  void submitWhenFileIsForAnotherFacilityThenRefusedNamingBoth() throws Exception {
    onEventLoop(registry::start);
    assertThat(failureOf(() -> registry.submit("ill.yaml", ESRF, "ill"))).isInstanceOf(PolicyException.class)
        .hasMessageContaining("'esrf'").hasMessageContaining("'ill'");
    assertThat(registry.forFacility("ill").facility()).isEqualTo(PolicyRegistry.DEFAULT);
  }

  @Test
  void checkWhenValidThenNotStored() throws Exception {
    onEventLoop(registry::start);
    Policy checked = onEventLoop(() -> registry.check("esrf.yaml", ESRF));
    assertThat(checked.facility()).isEqualTo("esrf");
    assertThat(registry.forFacility("esrf").facility()).isEqualTo(PolicyRegistry.DEFAULT);
    assertThat(onEventLoop(() -> registry.history("esrf"))).isEmpty();
  }
}
