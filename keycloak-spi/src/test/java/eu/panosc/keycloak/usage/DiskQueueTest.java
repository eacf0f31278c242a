package eu.panosc.keycloak.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskQueueTest {
  @TempDir Path dir;

  @Test
  void appendedLinesArePeekedInOrderAndAckedOnce() throws Exception {
    try (DiskQueue q = new DiskQueue(dir.resolve("r.ndjson"), 1 << 20)) {
      q.append("{\"a\":1}");
      q.append("{\"a\":2}");
      q.append("{\"a\":3}");
      DiskQueue.Batch first = q.peek(2, 1 << 16);
      assertThat(first.lines()).containsExactly("{\"a\":1}", "{\"a\":2}");
      q.ack(first);
      DiskQueue.Batch rest = q.peek(10, 1 << 16);
      assertThat(rest.lines()).containsExactly("{\"a\":3}");
      q.ack(rest);
      assertThat(q.peek(10, 1 << 16).isEmpty()).isTrue();
      assertThat(q.pendingBytes()).isZero();
      assertThat(Files.size(dir.resolve("r.ndjson"))).as("a drained queue is truncated").isZero();
    }
  }

  @Test
  void theAcknowledgedPrefixSurvivesAReopen() throws Exception {
    Path f = dir.resolve("r.ndjson");
    try (DiskQueue q = new DiskQueue(f, 1 << 20)) {
      q.append("one");
      q.append("two");
      q.append("three");
      q.ack(q.peek(1, 1 << 16));
    }
    try (DiskQueue q = new DiskQueue(f, 1 << 20)) {
      assertThat(q.peek(10, 1 << 16).lines()).containsExactly("two", "three");
    }
  }

  @Test
  void aTornLastLineIsCutAtOpenAndTheWholeLinesKept() throws Exception {
    Path f = dir.resolve("r.ndjson");
    Files.writeString(f, "{\"a\":1}\n{\"a\":2}\n{\"a\":", StandardCharsets.UTF_8);
    try (DiskQueue q = new DiskQueue(f, 1 << 20)) {
      assertThat(q.peek(10, 1 << 16).lines()).containsExactly("{\"a\":1}", "{\"a\":2}");
      q.append("{\"a\":3}");
      assertThat(q.peek(10, 1 << 16).lines()).containsExactly("{\"a\":1}", "{\"a\":2}", "{\"a\":3}");
    }
    assertThat(Files.readString(f)).isEqualTo("{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n");
  }

  @Test
  void aFileWithOnlyATornLineIsEmptyAfterOpen() throws Exception {
    Path f = dir.resolve("r.ndjson");
    Files.writeString(f, "{\"half", StandardCharsets.UTF_8);
    try (DiskQueue q = new DiskQueue(f, 1 << 20)) {
      assertThat(q.peek(10, 1 << 16).isEmpty()).isTrue();
      assertThat(Files.size(f)).isZero();
    }
  }

  @Test
  void aFullQueueRefusesAppendsUntilDrained() throws Exception {
    try (DiskQueue q = new DiskQueue(dir.resolve("r.ndjson"), 20)) {
      assertThat(q.append("123456789")).isTrue(); // 10 bytes
      assertThat(q.append("123456789")).isTrue(); // 20 bytes
      assertThat(q.append("x")).as("over the bound").isFalse();
      assertThat(q.peek(10, 1 << 16).lines()).containsExactly("123456789", "123456789");
      q.ack(q.peek(10, 1 << 16));
      assertThat(q.append("x")).as("room again after the drain").isTrue();
    }
  }

  @Test
  void anOffsetBeyondTheFileRestartsAtTheBeginning() throws Exception {
    // a crash after the drain truncated the file but before the offset file was reset
    Path f = dir.resolve("r.ndjson");
    Files.writeString(dir.resolve("r.ndjson.offset"), "400");
    Files.writeString(f, "fresh\n");
    try (DiskQueue q = new DiskQueue(f, 1 << 20)) {
      assertThat(q.peek(10, 1 << 16).lines()).containsExactly("fresh");
    }
  }

  @Test
  void anUnreadableOrMisalignedOffsetShipsEverythingAgain() throws Exception {
    Path f = dir.resolve("r.ndjson");
    Files.writeString(f, "one\ntwo\n");
    Files.writeString(dir.resolve("r.ndjson.offset"), "garbage");
    try (DiskQueue q = new DiskQueue(f, 1 << 20)) {
      assertThat(q.peek(10, 1 << 16).lines()).containsExactly("one", "two");
    }
    Files.writeString(dir.resolve("r.ndjson.offset"), "2");
    try (DiskQueue q = new DiskQueue(f, 1 << 20)) {
      assertThat(q.peek(10, 1 << 16).lines()).as("an offset inside a line").containsExactly("one", "two");
    }
  }

  @Test
  void aLineLongerThanTheByteBudgetIsStillPeekedWhole() throws Exception {
    try (DiskQueue q = new DiskQueue(dir.resolve("r.ndjson"), 1 << 20)) {
      String big = "x".repeat(5000);
      q.append(big);
      q.append("small");
      DiskQueue.Batch b = q.peek(10, 100);
      assertThat(b.lines()).containsExactly(big);
      q.ack(b);
      assertThat(q.peek(10, 100).lines()).containsExactly("small");
    }
  }

  @Test
  void lineBreaksInsideALineAreRefused() throws Exception {
    try (DiskQueue q = new DiskQueue(dir.resolve("r.ndjson"), 1 << 20)) {
      assertThatThrownBy(() -> q.append("a\nb")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("line breaks");
      assertThat(q.pendingBytes()).isZero();
    }
  }

  @Test
  void concurrentAppendsLoseNothing() throws Exception {
    try (DiskQueue q = new DiskQueue(dir.resolve("r.ndjson"), 1 << 22)) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      for (int t = 0; t < 4; t++) {
        int thread = t;
        pool.submit(() -> {
          for (int i = 0; i < 50; i++) {
            q.append("t" + thread + "-" + i);
          }
          return null;
        });
      }
      pool.shutdown();
      assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
      List<String> all = new ArrayList<>();
      for (DiskQueue.Batch b = q.peek(33, 1 << 16); !b.isEmpty(); b = q.peek(33, 1 << 16)) {
        all.addAll(b.lines());
        q.ack(b);
      }
      assertThat(all).hasSize(200).doesNotHaveDuplicates();
      assertThat(all.stream().filter(s -> s.startsWith("t2-")).toList()).hasSize(50);
    }
  }

  @Test
  void withPeriodicForcingAppendsAreReadableAtOnceAndSurviveAReopen() throws Exception {
    Path f = dir.resolve("r.ndjson");
    try (DiskQueue q = new DiskQueue(f, 1 << 20, false)) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      for (int t = 0; t < 4; t++) {
        int thread = t;
        pool.submit(() -> {
          for (int i = 0; i < 25; i++) {
            q.append("t" + thread + "-" + i);
          }
          return null;
        });
      }
      pool.shutdown();
      assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
      assertThat(q.peek(1000, 1 << 16).lines()).hasSize(100);
      q.force();
    }
    try (DiskQueue q = new DiskQueue(f, 1 << 20)) {
      assertThat(q.peek(1000, 1 << 16).lines()).hasSize(100).doesNotHaveDuplicates();
    }
  }

  @Test
  void appendingToAQueueWrittenByAnotherRunContinuesIt() throws Exception {
    Path f = dir.resolve("r.ndjson");
    Files.writeString(f, "old\n", StandardOpenOption.CREATE);
    try (DiskQueue q = new DiskQueue(f, 1 << 20)) {
      q.append("new");
      assertThat(q.peek(10, 1 << 16).lines()).containsExactly("old", "new");
    }
  }
}
