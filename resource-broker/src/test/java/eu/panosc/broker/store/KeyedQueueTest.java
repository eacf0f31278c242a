package eu.panosc.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One key's work runs one at a time in the order asked; other keys do not wait; a failure does not block the line. */
class KeyedQueueTest {
  @Test
  void runWhenOneKeyThenOneAtATimeInOrderOtherKeysFreeAndFailuresDoNotBlock() {
    KeyedQueue q = new KeyedQueue();
    List<String> started = new ArrayList<>();
    Promise<String> first = Promise.promise();
    Promise<String> second = Promise.promise();
    Future<String> a1 = q.run("a", () -> {
      started.add("a1");
      return first.future();
    });
    Future<String> a2 = q.run("a", () -> {
      started.add("a2");
      return second.future();
    });
    Future<String> a3 = q.run("a", () -> {
      started.add("a3");
      return Future.succeededFuture("a3 done");
    });
    Future<String> b1 = q.run("b", () -> {
      started.add("b1");
      return Future.succeededFuture("b1 done");
    });
    assertThat(started).containsExactly("a1", "b1");
    assertThat(b1.result()).isEqualTo("b1 done");
    first.fail("refused"); // a failure ends its turn: the next one starts
    assertThat(a1.failed()).isTrue();
    assertThat(started).containsExactly("a1", "b1", "a2");
    assertThat(q.keys()).isEqualTo(1);
    second.complete("a2 done");
    assertThat(started).containsExactly("a1", "b1", "a2", "a3");
    assertThat(a2.result()).isEqualTo("a2 done");
    assertThat(a3.result()).isEqualTo("a3 done");
    assertThat(q.keys()).as("an empty line is forgotten").isZero();
  }

  @Test
  void runWhenTheWorkThrowsThenItsFutureFailsAndTheLineGoesOn() {
    KeyedQueue q = new KeyedQueue();
    Future<String> bad = q.run("a", () -> {
      throw new IllegalStateException("no");
    });
    assertThat(bad.failed()).isTrue();
    assertThat(bad.cause()).hasMessage("no");
    assertThat(q.run("a", () -> Future.succeededFuture("next")).result()).isEqualTo("next");
    assertThat(q.keys()).isZero();
  }
}
