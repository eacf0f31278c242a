package eu.panosc.platform.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.streams.ReadStream;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reads a stream of {@code \n}-separated lines (NDJSON, CSV) with back-pressure: each line goes to a handler
 * that may answer a future (e.g. a database write); until it completes no further line is delivered and the
 * stream is paused. When the stream ends, every line still buffered is delivered, the last one also without
 * a trailing newline, before the result completes: nothing the client sent is left out.
 *
 * <p>Written because Vert.x's {@code RecordParser} (5.0.7) calls its end handler as soon as the stream has
 * ended, even while paused with lines still buffered, and after the end delivers at most one more line: a
 * request body that arrived whole while the request was paused (say, during token validation) was read as
 * its first line only.
 *
 * <p>Runs on the stream's context; one instance reads one stream once.
 *
 * <p>A request body is read with {@link #ofBody}: a client that sent {@code Expect: 100-continue} (curl does for
 * bodies over 1 MiB, and then waits a second before sending anyway) is told to go on when the reading starts, that
 * is after the route's checks (token, media type) have passed; a request refused before that gets its final answer
 * without the body being sent (RFC 9110 §10.1.1).
 */
public final class LineReader {
  /** A line longer than the limit (the delimiter not counted). */
  public static final class LineTooLongException extends RuntimeException {
    private final long line;

    LineTooLongException(long line, int max) {
      super("line " + line + " is longer than " + max + " bytes", null, false, false);
      this.line = line;
    }

    /** The 1-based number of the line that was too long. */
    public long line() {
      return line;
    }
  }

  private final ReadStream<Buffer> stream;
  private final int maxLine;
  /** Runs when the reading starts: answers a request's {@code Expect: 100-continue}. */
  private final Runnable starting;
  private final Promise<Long> result = Promise.promise();
  private Function<Buffer, Future<Void>> handler;
  private Buffer pending = Buffer.buffer();
  /** The first byte of {@link #pending} not yet delivered. */
  private int start;
  /** How many bytes from {@link #start} on are known to hold no newline. */
  private int scanned;
  private long lines;
  private boolean ended;
  private boolean busy;
  private boolean done;
  private boolean draining;

  public LineReader(ReadStream<Buffer> stream, int maxLine) {
    this(stream, maxLine, () -> { });
  }

  private LineReader(ReadStream<Buffer> stream, int maxLine, Runnable starting) {
    this.stream = Objects.requireNonNull(stream, "stream");
    if (maxLine < 1) {
      throw new IllegalArgumentException("maxLine must be positive");
    }
    this.maxLine = maxLine;
    this.starting = starting;
  }

  /**
   * A reader of {@code request}'s body that, when it starts reading, sends the interim {@code 100 Continue} the
   * client asked for with {@code Expect: 100-continue} (never to an HTTP/1.0 client, which cannot ask for it).
   */
  public static LineReader ofBody(HttpServerRequest request, int maxLine) {
    return new LineReader(request, maxLine, () -> {
      if (request.version() != HttpVersion.HTTP_1_0 && !request.isEnded()
          && request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true)) {
        request.response().writeContinue();
      }
    });
  }

  /**
   * Starts reading (resuming the stream). {@code lines} gets each line without its delimiter and may return
   * null or a future; a failed future or an exception stops the reading, the rest of the stream is read and
   * dropped, and the result fails with that cause. The result is the number of lines delivered; it fails with
   * {@link LineTooLongException} for a line longer than {@code maxLine} and with the stream's own error.
   */
  public Future<Long> read(Function<Buffer, Future<Void>> lines) {
    if (handler != null) {
      throw new IllegalStateException("already reading");
    }
    this.handler = Objects.requireNonNull(lines, "lines");
    stream.exceptionHandler(this::fail);
    stream.endHandler(v -> {
      ended = true;
      drain();
    });
    stream.handler(chunk -> {
      pending.appendBuffer(chunk);
      drain();
    });
    starting.run();
    drain();
    return result.future();
  }

  private void drain() {
    if (draining) {
      return; // the running loop sees what was added
    }
    draining = true;
    try {
      while (!busy && !done) {
        int newline = indexOfNewline();
        if (newline >= 0) {
          Buffer line = pending.getBuffer(start, newline);
          start = newline + 1;
          scanned = 0;
          deliver(line);
          continue;
        }
        scanned = pending.length() - start;
        if (scanned > maxLine) {
          fail(new LineTooLongException(lines + 1, maxLine));
          return;
        }
        if (ended) {
          if (scanned > 0) {
            Buffer last = pending.getBuffer(start, pending.length());
            start = pending.length();
            scanned = 0;
            deliver(last);
            continue;
          }
          done = true;
          result.complete(lines);
          return;
        }
        compact();
        int before = pending.length();
        stream.resume(); // may deliver buffered chunks and the end right here
        if (pending.length() == before && !ended) {
          return;
        }
      }
      if (busy && !done) {
        stream.pause();
      }
    } finally {
      draining = false;
    }
  }

  private int indexOfNewline() {
    int length = pending.length();
    for (int i = start + scanned; i < length; i++) {
      if (pending.getByte(i) == '\n') {
        return i;
      }
    }
    return -1;
  }

  private void compact() {
    if (start > 0) {
      pending = start == pending.length() ? Buffer.buffer() : pending.getBuffer(start, pending.length());
      start = 0;
    }
  }

  private void deliver(Buffer line) {
    lines++;
    if (line.length() > maxLine) {
      fail(new LineTooLongException(lines, maxLine));
      return;
    }
    Future<Void> next;
    try {
      next = handler.apply(line);
    } catch (RuntimeException e) {
      fail(e);
      return;
    }
    if (next == null || (next.isComplete() && next.succeeded())) {
      return;
    }
    if (next.isComplete()) {
      fail(next.cause());
      return;
    }
    busy = true;
    stream.pause();
    next.onComplete(ar -> {
      busy = false;
      if (ar.failed()) {
        fail(ar.cause());
      } else {
        drain();
      }
    });
  }

  /** Stops delivering; the rest of the stream is read and dropped so a client can finish sending. */
  private void fail(Throwable cause) {
    if (done) {
      return;
    }
    done = true;
    pending = Buffer.buffer();
    start = 0;
    scanned = 0;
    stream.exceptionHandler(e -> { });
    stream.handler(chunk -> { });
    stream.endHandler(v -> { });
    if (!ended) {
      stream.resume();
    }
    result.fail(cause);
  }
}
