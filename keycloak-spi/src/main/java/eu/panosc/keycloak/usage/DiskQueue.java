package eu.panosc.keycloak.usage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A bounded, append-only queue of lines in one file, fsync'd on every append, with the shipped prefix kept in a
 * side file. Crash safety: a line whose append did not finish (no trailing newline) is cut at the next open, since
 * its append never returned; the side file is replaced atomically, so a crash repeats at most the last batch
 * (duplicates are harmless downstream: idempotency keys). When everything is shipped the file is truncated.
 *
 * <p>Group commit: appends write under the queue's lock, then force outside it; one {@code force} covers every line
 * written before it, so concurrent appenders share one disk flush instead of queueing for one each. With
 * {@code forceEachAppend} false an append returns once written (in the page cache: a Keycloak crash loses nothing,
 * an OS crash or power loss what was not forced yet) and {@link #force()} is called periodically instead.
 */
public final class DiskQueue implements AutoCloseable {
  private static final byte NL = '\n';

  private final Path data;
  private final Path offsetFile;
  private final long maxBytes;
  private final FileChannel channel;
  private final boolean forceEachAppend;
  private final Object forceLock = new Object();
  private long size;
  private long offset;
  /** Bytes ever appended by this instance (guarded by this). */
  private long appended;
  /** Of those, how many are known forced to disk. */
  private volatile long forced;

  /** A run of whole lines from {@code start} up to {@code end} (exclusive, byte offsets). */
  public record Batch(List<String> lines, long end) {
    public Batch {
      lines = List.copyOf(lines);
    }

    public boolean isEmpty() {
      return lines.isEmpty();
    }
  }

  /** Opens (creating if needed) the queue stored as {@code data} and {@code data + ".offset"}. */
  public DiskQueue(Path data, long maxBytes) throws IOException {
    this(data, maxBytes, true);
  }

  /** As above; {@code forceEachAppend} false: appends are forced by {@link #force()} calls only. */
  public DiskQueue(Path data, long maxBytes, boolean forceEachAppend) throws IOException {
    this.forceEachAppend = forceEachAppend;
    this.data = Objects.requireNonNull(data);
    this.offsetFile = data.resolveSibling(data.getFileName() + ".offset");
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be positive");
    }
    this.maxBytes = maxBytes;
    Files.createDirectories(data.toAbsolutePath().getParent());
    this.channel = FileChannel.open(data, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    this.size = lastLineEnd(channel);
    if (size < channel.size()) {
      channel.truncate(size); // a torn last line: its append never returned
      channel.force(true);
    }
    this.offset = readOffset();
  }

  private static long lastLineEnd(FileChannel ch) throws IOException {
    long pos = ch.size();
    ByteBuffer one = ByteBuffer.allocate(8192);
    while (pos > 0) {
      int n = (int) Math.min(one.capacity(), pos);
      one.clear().limit(n);
      ch.read(one, pos - n);
      for (int i = n - 1; i >= 0; i--) {
        if (one.get(i) == NL) {
          return pos - n + i + 1;
        }
      }
      pos -= n;
    }
    return 0;
  }

  private long readOffset() throws IOException {
    long stored = 0;
    if (Files.exists(offsetFile)) {
      try {
        stored = Long.parseLong(Files.readString(offsetFile, StandardCharsets.US_ASCII).trim());
      } catch (NumberFormatException e) {
        stored = 0; // unreadable: ship everything again (duplicates are harmless)
      }
    }
    if (stored < 0 || stored > size) {
      return 0; // the file was truncated after a full drain and the crash came before the offset was reset
    }
    if (stored > 0) {
      ByteBuffer b = ByteBuffer.allocate(1);
      channel.read(b, stored - 1);
      if (b.get(0) != NL) {
        return 0;
      }
    }
    return stored;
  }

  /**
   * Appends one line (without newline) and, unless the queue forces periodically, forces it to disk before
   * returning. Returns false, appending nothing, when the queue would grow past its bound.
   */
  public boolean append(String line) throws IOException {
    if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("a queued line must not contain line breaks");
    }
    byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
    long mine;
    synchronized (this) {
      if (size + bytes.length > maxBytes) {
        return false;
      }
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      long pos = size;
      while (buf.hasRemaining()) {
        pos += channel.write(buf, pos);
      }
      size = pos;
      appended += bytes.length;
      mine = appended;
    }
    if (forceEachAppend) {
      forceUpTo(mine);
    }
    return true;
  }

  /** Forces every line appended so far to disk (one flush for all waiting appenders). */
  public void force() throws IOException {
    long target;
    synchronized (this) {
      target = appended;
    }
    forceUpTo(target);
  }

  private void forceUpTo(long upTo) throws IOException {
    if (forced >= upTo) {
      return;
    }
    synchronized (forceLock) {
      if (forced >= upTo) {
        return; // an appender that came first forced our line too
      }
      long target;
      synchronized (this) {
        target = appended;
      }
      channel.force(false);
      forced = target;
    }
  }

  /** Up to {@code maxLines} lines (and about {@code maxBytes} bytes) not yet acknowledged, oldest first. */
  public synchronized Batch peek(int maxLines, int maxBytes) throws IOException {
    List<String> lines = new ArrayList<>();
    long pos = offset;
    int want = (int) Math.min(Math.max(maxBytes, 1), size - offset);
    if (want <= 0 || maxLines <= 0) {
      return new Batch(lines, offset);
    }
    ByteBuffer buf = ByteBuffer.allocate(want);
    while (buf.hasRemaining()) {
      int n = channel.read(buf, offset + buf.position());
      if (n < 0) {
        break;
      }
    }
    byte[] bytes = buf.array();
    int start = 0;
    for (int i = 0; i < buf.position() && lines.size() < maxLines; i++) {
      if (bytes[i] == NL) {
        lines.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
        start = i + 1;
        pos = offset + start;
      }
    }
    if (lines.isEmpty() && size > offset) {
      // one line longer than maxBytes: read it whole
      long end = offset;
      ByteBuffer one = ByteBuffer.allocate(1);
      while (end < size) {
        one.clear();
        channel.read(one, end++);
        if (one.get(0) == NL) {
          break;
        }
      }
      ByteBuffer line = ByteBuffer.allocate((int) (end - offset));
      channel.read(line, offset);
      lines.add(new String(line.array(), 0, line.capacity() - 1, StandardCharsets.UTF_8));
      pos = end;
    }
    return new Batch(lines, pos);
  }

  /** Marks the lines up to {@code batch.end()} as shipped; truncates the file when nothing is left. */
  public synchronized void ack(Batch batch) throws IOException {
    if (batch.end() <= offset) {
      return;
    }
    if (batch.end() > size) {
      throw new IllegalStateException("acknowledging beyond the queue's end");
    }
    if (batch.end() == size) {
      channel.truncate(0);
      channel.force(true);
      size = 0;
      offset = 0;
    } else {
      offset = batch.end();
    }
    writeOffset(offset);
  }

  private void writeOffset(long value) throws IOException {
    Path tmp = offsetFile.resolveSibling(offsetFile.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(ByteBuffer.wrap(Long.toString(value).getBytes(StandardCharsets.US_ASCII)));
      ch.force(true);
    }
    try {
      Files.move(tmp, offsetFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, offsetFile, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Bytes of lines not yet acknowledged. */
  public synchronized long pendingBytes() {
    return size - offset;
  }

  public Path path() {
    return data;
  }

  @Override
  public synchronized void close() throws IOException {
    channel.close();
  }
}
