package eu.panosc.keycloak.usage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The usage records waiting for metrics-accounting: one {@link DiskQueue} per realm in a directory
 * ({@code <realm>.ndjson}, the realm name with every byte outside {@code A-Za-z0-9._-} written as {@code %XX}).
 * Queues left by an earlier run are found again at start.
 */
public final class UsageOutbox implements AutoCloseable {
  static final String SUFFIX = ".ndjson";

  private final Path directory;
  private final long maxBytesPerRealm;
  private final boolean forceEachAppend;
  private final Map<String, DiskQueue> queues = new ConcurrentHashMap<>();

  public UsageOutbox(Path directory, long maxBytesPerRealm) throws IOException {
    this(directory, maxBytesPerRealm, true);
  }

  /** {@code forceEachAppend} false: appends are forced to disk by {@link #forceAll()} only. */
  public UsageOutbox(Path directory, long maxBytesPerRealm, boolean forceEachAppend) throws IOException {
    this.directory = directory;
    this.maxBytesPerRealm = maxBytesPerRealm;
    this.forceEachAppend = forceEachAppend;
    Files.createDirectories(directory);
    try (Stream<Path> files = Files.list(directory)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).toList()) {
        String name = f.getFileName().toString();
        String realm = decode(name.substring(0, name.length() - SUFFIX.length()));
        if (realm != null) {
          queues.put(realm, new DiskQueue(f, maxBytesPerRealm, forceEachAppend));
        }
      }
    }
  }

  /** The realm's queue, opened on first use. */
  public DiskQueue queue(String realm) throws IOException {
    DiskQueue q = queues.get(realm);
    if (q != null) {
      return q;
    }
    synchronized (queues) {
      q = queues.get(realm);
      if (q == null) {
        q = new DiskQueue(directory.resolve(encode(realm) + SUFFIX), maxBytesPerRealm, forceEachAppend);
        queues.put(realm, q);
      }
      return q;
    }
  }

  /** Appends a record line to the realm's queue, forced to disk; false when that queue is full. */
  public boolean append(String realm, String line) throws IOException {
    return queue(realm).append(line);
  }

  /** Forces every queue's appended lines to disk. */
  public void forceAll() throws IOException {
    for (DiskQueue q : queues.values()) {
      q.force();
    }
  }

  /** The realms that have a queue (possibly empty). */
  public List<String> realms() {
    return new ArrayList<>(queues.keySet());
  }

  /** Where records refused by accounting as invalid are kept (never lost, never retried). */
  public Path rejectedFile(String realm) {
    return directory.resolve(encode(realm) + ".rejected");
  }

  static String encode(String realm) {
    StringBuilder out = new StringBuilder();
    for (byte b : realm.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
          || (c == '.' && out.length() > 0)) {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  static String decode(String name) {
    byte[] out = new byte[name.length()];
    int n = 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '%') {
        if (i + 2 >= name.length()) {
          return null;
        }
        try {
          out[n++] = (byte) Integer.parseInt(name.substring(i + 1, i + 3), 16);
        } catch (NumberFormatException e) {
          return null;
        }
        i += 2;
      } else {
        out[n++] = (byte) c;
      }
    }
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    for (DiskQueue q : queues.values()) {
      q.force();
      q.close();
    }
  }
}
