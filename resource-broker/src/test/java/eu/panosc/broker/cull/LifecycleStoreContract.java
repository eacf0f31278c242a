package eu.panosc.broker.cull;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every {@link LifecycleStore} guarantees; each implementation runs it. */
abstract class LifecycleStoreContract {
  static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");

  abstract LifecycleStore store();

  /** A session id the store accepts (an existing session where the store checks that). */
  abstract String session();

  static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  static ActivityReport report(Instant kernel, Boolean busy, Instant desktop, Integer gpu) {
    return new ActivityReport(Optional.ofNullable(kernel), Optional.ofNullable(busy), Optional.ofNullable(desktop),
        Optional.ofNullable(gpu));
  }

  Activity activity(LifecycleStore s, String id) {
    return await(s.activity(List.of(id))).get(id);
  }

  @Test
  void registerWhenRepeatedThenTheFirstLimitStays() {
    LifecycleStore s = store();
    String id = session();
    await(s.register(id, Duration.ofDays(8), T0));
    await(s.register(id, Duration.ofDays(4), T0));
    Activity a = activity(s, id);
    assertThat(a.inactivity()).isEqualTo(Duration.ofDays(8));
    assertThat(a.kernel()).isEmpty();
    assertThat(a.kernelBusy()).isFalse();
    assertThat(a.reported()).isEmpty();
    assertThat(await(s.activity(List.of(session())))).isEmpty();
  }

  @Test
  void reportWhenMergedThenInstantsOnlyMoveForwardBusyMovesTheKernelAndSmallGpuUseDoesNotCount() {
    LifecycleStore s = store();
    String id = session();
    await(s.register(id, Duration.ofDays(4), T0));
    Instant t1 = T0.plus(Duration.ofHours(1));
    Instant t2 = T0.plus(Duration.ofHours(2));
    Instant t3 = T0.plus(Duration.ofHours(3));
    await(s.report(id, report(t1, false, t2, 40), t2));
    Activity a = activity(s, id);
    assertThat(a.kernel()).contains(t1);
    assertThat(a.desktop()).contains(t2);
    assertThat(a.gpu()).contains(t2);
    assertThat(a.reported()).contains(t2);
    // an older report never moves anything back; a GPU at the threshold is not in use
    await(s.report(id, report(T0, null, T0, ActivityReport.GPU_BUSY_PERCENT), t1));
    a = activity(s, id);
    assertThat(a.kernel()).contains(t1);
    assertThat(a.desktop()).contains(t2);
    assertThat(a.gpu()).contains(t2);
    assertThat(a.reported()).contains(t2);
    assertThat(a.kernelBusy()).isFalse();
    // busy now: the kernel is in use at the report's time
    await(s.report(id, report(T0, true, null, null), t3));
    a = activity(s, id);
    assertThat(a.kernel()).contains(t3);
    assertThat(a.kernelBusy()).isTrue();
    assertThat(a.lastActive(T0)).isEqualTo(t3);
    assertThat(a.inactivity()).isEqualTo(Duration.ofDays(4));
  }

  @Test
  void reportWhenNotRegisteredThenTheUsersDefaultLimit() {
    LifecycleStore s = store();
    String id = session();
    await(s.report(id, report(null, null, T0, null), T0));
    assertThat(activity(s, id).inactivity()).isEqualTo(Duration.ofDays(4));
    assertThat(activity(s, id).desktop()).contains(T0);
  }

  @Test
  void notifyWhenRepeatedThenOnceAndListedOldestFirst() {
    LifecycleStore s = store();
    String id = session();
    Instant due = T0.plus(Duration.ofDays(14));
    Notice w48 = new Notice(id, Notice.Kind.LIFETIME_WARNING, due, 48, T0.plus(Duration.ofDays(12)), "48");
    Notice w24 = new Notice(id, Notice.Kind.LIFETIME_WARNING, due, 24, T0.plus(Duration.ofDays(13)), "24");
    assertThat(await(s.notify(w24))).isTrue();
    assertThat(await(s.notify(w48))).isTrue();
    assertThat(await(s.notify(new Notice(id, Notice.Kind.LIFETIME_WARNING, due, 48, T0.plus(Duration.ofDays(13)),
        "again")))).isFalse();
    assertThat(await(s.notices(List.of(id, session())))).containsOnlyKeys(id);
    assertThat(await(s.notices(List.of(id))).get(id)).containsExactly(w48, w24);
    assertThat(await(s.notices(List.of()))).isEmpty();
  }
}
