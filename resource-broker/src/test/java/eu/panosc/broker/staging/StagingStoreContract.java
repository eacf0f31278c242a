package eu.panosc.broker.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every {@link StagingStore} guarantees; each implementation runs it. */
abstract class StagingStoreContract {
  static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");

  abstract StagingStore store();

  /** A session id the store accepts (an existing session where the store checks that). */
  abstract String session();

  static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void putWhenNewThenReadBackAndWhenAdvancedThenReplaced() {
    StagingStore s = store();
    String id = session();
    StagingProgress p = new StagingProgress(id, "eosc-cloud", "panosc-" + id + "-staging",
        StagingProgress.State.RUNNING, 3, 0, 3_000, 0, Optional.empty(), T0, T0);
    await(s.put(p));
    assertThat(await(s.get(id))).contains(p);
    StagingProgress failed = p.advanced(StagingProgress.State.FAILED, 2, 2_000, Optional.of("BackoffLimitExceeded"),
        T0.plus(5, ChronoUnit.MINUTES));
    await(s.put(failed));
    assertThat(await(s.get(id))).contains(failed);
  }

  @Test
  void getManyWhenSomeHaveProgressThenOnlyThose() {
    StagingStore s = store();
    String a = session();
    String b = session();
    String none = session();
    StagingProgress pa = new StagingProgress(a, "c", "j-a", StagingProgress.State.SUCCEEDED, 1, 1, 10, 10,
        Optional.empty(), T0, T0);
    StagingProgress pb = new StagingProgress(b, "c", "j-b", StagingProgress.State.RUNNING, 2, 1, 0, 0,
        Optional.empty(), T0, T0);
    await(s.put(pa));
    await(s.put(pb));
    assertThat(await(s.get(List.of(a, b, none)))).containsOnlyKeys(a, b).containsEntry(a, pa).containsEntry(b, pb);
    assertThat(await(s.get(List.of()))).isEmpty();
    assertThat(await(s.get(none))).isEmpty();
  }

  @Test
  void progressWhenInconsistentThenRefusedBeforeAnyStore() {
    assertThatThrownBy(() -> new StagingProgress("s", "c", "j", StagingProgress.State.RUNNING, 2, 3, 0, 0,
        Optional.empty(), T0, T0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3/2");
    assertThatThrownBy(() -> new StagingProgress("s", "c", "j", StagingProgress.State.RUNNING, 2, 1, 10, 11,
        Optional.empty(), T0, T0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("11/10");
  }
}
