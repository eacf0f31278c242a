package eu.panosc.aai;

import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;

/** How the store contracts look at a failed {@link Future}: the failure itself, unwrapped. */
public final class StoreFailures {
  private StoreFailures() {}

  /** The failure of {@code future} (null when it succeeded), waiting at most 30 seconds. */
  public static Throwable of(Future<?> future) throws Exception {
    Throwable t = future.toCompletionStage().toCompletableFuture().handle((v, e) -> e).get(30, TimeUnit.SECONDS);
    return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
  }
}
