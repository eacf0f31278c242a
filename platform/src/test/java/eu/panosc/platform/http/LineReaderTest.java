package eu.panosc.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LineReaderTest {
  /**
   * A request body held back while paused (as Vert.x buffers a request during token validation): on resume
   * it delivers every queued chunk and then the end, synchronously, unless the reader pauses it again.
   */
  static final class QueuedStream implements ReadStream<Buffer> {
    final Deque<Buffer> chunks = new ArrayDeque<>();
    boolean endQueued;
    boolean paused = true;
    boolean endDelivered;
    int resumes;
    Handler<Buffer> handler;
    Handler<Void> endHandler;
    Handler<Throwable> exceptionHandler;

    QueuedStream(String body, int chunkSize, boolean end) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < bytes.length; i += chunkSize) {
        chunks.add(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + chunkSize))));
      }
      endQueued = end;
    }

    void emit() {
      while (!paused && !chunks.isEmpty()) {
        handler.handle(chunks.poll());
      }
      if (!paused && chunks.isEmpty() && endQueued && !endDelivered) {
        endDelivered = true;
        endHandler.handle(null);
      }
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> h) {
      exceptionHandler = h;
      return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> h) {
      handler = h;
      return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
      paused = true;
      return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
      resumes++;
      paused = false;
      emit();
      return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
      return resume();
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> h) {
      endHandler = h;
      return this;
    }
  }

  private static String body(int lines) {
    return IntStream.range(0, lines).mapToObj(i -> "{\"n\":" + i + "}").collect(Collectors.joining("\n", "", "\n"));
  }

  @Test
  void readWhenWholeBodyAndEndArriveWhilePausedThenEveryLineDelivered() {
    QueuedStream stream = new QueuedStream(body(2500), 8192, true);
    List<String> lines = new ArrayList<>();
    Future<Long> result = new LineReader(stream, 1024).read(b -> {
      lines.add(b.toString());
      return null;
    });
    assertThat(result.succeeded()).isTrue();
    assertThat(result.result()).isEqualTo(2500L);
    assertThat(lines).hasSize(2500).startsWith("{\"n\":0}").endsWith("{\"n\":2499}");
  }

  @Test
  void readWhenHandlerWritesAsynchronouslyThenPausedUntilDoneAndNothingLost() {
    QueuedStream stream = new QueuedStream(body(2500), 1000, true);
    List<String> lines = new ArrayList<>();
    Deque<Promise<Void>> writes = new ArrayDeque<>();
    Future<Long> result = new LineReader(stream, 1024).read(b -> {
      lines.add(b.toString());
      if (lines.size() % 1000 == 0) {
        Promise<Void> write = Promise.promise();
        writes.add(write);
        return write.future();
      }
      return null;
    });
    assertThat(lines).hasSize(1000);
    assertThat(stream.paused).isTrue();
    assertThat(result.isComplete()).isFalse();
    writes.poll().complete();
    assertThat(lines).hasSize(2000);
    assertThat(result.isComplete()).isFalse();
    writes.poll().complete();
    assertThat(result.succeeded()).isTrue();
    assertThat(lines).hasSize(2500).endsWith("{\"n\":2499}");
  }

  @Test
  void readWhenLastLineHasNoNewlineOrLinesSplitAcrossChunksThenDeliveredWhole() {
    QueuedStream stream = new QueuedStream("alpha\r\nbeta\n\ngamma", 3, true);
    List<String> lines = new ArrayList<>();
    Future<Long> result = new LineReader(stream, 16).read(b -> {
      lines.add(b.toString());
      return null;
    });
    assertThat(result.result()).isEqualTo(4L);
    assertThat(lines).containsExactly("alpha\r", "beta", "", "gamma");
  }

  @Test
  void readWhenStreamNotEndedThenWaitsAndResumesForMore() {
    QueuedStream stream = new QueuedStream("a\nb", 10, false);
    List<String> lines = new ArrayList<>();
    Future<Long> result = new LineReader(stream, 16).read(b -> {
      lines.add(b.toString());
      return null;
    });
    assertThat(lines).containsExactly("a");
    assertThat(result.isComplete()).isFalse();
    stream.chunks.add(Buffer.buffer("c\n"));
    stream.endQueued = true;
    stream.emit();
    assertThat(result.result()).isEqualTo(2L);
    assertThat(lines).containsExactly("a", "bc");
  }

  @Test
  void readWhenLineTooLongThenFailsNamingItAndDropsTheRest() {
    String body = "short\n" + "x".repeat(40) + "\nafter\n";
    QueuedStream stream = new QueuedStream(body, 7, true);
    List<String> lines = new ArrayList<>();
    Future<Long> result = new LineReader(stream, 16).read(b -> {
      lines.add(b.toString());
      return null;
    });
    assertThat(result.failed()).isTrue();
    assertThat(result.cause()).isInstanceOf(LineReader.LineTooLongException.class);
    assertThat(((LineReader.LineTooLongException) result.cause()).line()).isEqualTo(2L);
    assertThat(lines).containsExactly("short");
    assertThat(stream.chunks).as("the rest of the body is read and dropped").isEmpty();
    assertThat(stream.endDelivered).isTrue();
  }

  @Test
  void readWhenManyShortLinesBufferedBeyondTheLimitThenNotMistakenForOneLongLine() {
    QueuedStream stream = new QueuedStream(body(200), 4096, true);
    Future<Long> result = new LineReader(stream, 16).read(b -> null);
    assertThat(result.result()).isEqualTo(200L);
  }

  @Test
  void readWhenHandlerFailsThenStopsWithThatCauseAndDrainsTheBody() {
    QueuedStream stream = new QueuedStream(body(50), 64, true);
    List<String> lines = new ArrayList<>();
    IllegalArgumentException bad = new IllegalArgumentException("bad line");
    Future<Long> result = new LineReader(stream, 1024).read(b -> {
      lines.add(b.toString());
      return lines.size() == 3 ? Future.failedFuture(bad) : null;
    });
    assertThat(result.cause()).isSameAs(bad);
    assertThat(lines).hasSize(3);
    assertThat(stream.endDelivered).isTrue();
  }

  @Test
  void readWhenStreamErrorsThenFailsWithIt() {
    QueuedStream stream = new QueuedStream("a\nb", 10, false);
    Future<Long> result = new LineReader(stream, 16).read(b -> null);
    RuntimeException reset = new RuntimeException("connection reset");
    stream.exceptionHandler.handle(reset);
    assertThat(result.cause()).isSameAs(reset);
  }
}
