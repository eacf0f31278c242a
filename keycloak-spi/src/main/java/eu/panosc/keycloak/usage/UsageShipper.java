package eu.panosc.keycloak.usage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Ships the outbox's queues to accounting in batches. Run it repeatedly (a single background thread): each run
 * drains every realm's queue until it is empty or a batch fails; after a failure it waits with exponential
 * backoff (with jitter, up to {@code maxBackoff}) before the next attempt. A batch accounting refuses as invalid
 * is appended to the realm's {@code .rejected} file and acknowledged, so one bad record cannot block the rest.
 */
public final class UsageShipper implements Runnable {
  private static final Logger LOG = Logger.getLogger(UsageShipper.class);

  private final UsageOutbox outbox;
  private final AccountingSink sink;
  private final int batchSize;
  private final Duration minBackoff;
  private final Duration maxBackoff;
  private final Clock clock;
  private int failures;
  private Instant nextAttempt = Instant.MIN;
  private volatile long shipped;
  private volatile long rejected;

  public UsageShipper(UsageOutbox outbox, AccountingSink sink, int batchSize, Duration minBackoff,
      Duration maxBackoff, Clock clock) {
    this.outbox = Objects.requireNonNull(outbox);
    this.sink = Objects.requireNonNull(sink);
    this.batchSize = batchSize;
    this.minBackoff = minBackoff;
    this.maxBackoff = maxBackoff;
    this.clock = clock;
  }

  @Override
  public synchronized void run() {
    if (clock.instant().isBefore(nextAttempt)) {
      return;
    }
    try {
      for (String realm : outbox.realms()) {
        if (!drain(realm)) {
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.errorf("usage outbox: %s", e.toString());
      backoff();
    }
  }

  /** Drains one realm; false when a batch could not be delivered (backoff set). */
  private boolean drain(String realm) throws IOException {
    DiskQueue queue = outbox.queue(realm);
    while (true) {
      DiskQueue.Batch batch = queue.peek(batchSize, batchSize * 4096);
      if (batch.isEmpty()) {
        return true;
      }
      AccountingSink.Result result = sink.send(batch.lines());
      switch (result.outcome()) {
        case ACCEPTED -> {
          queue.ack(batch);
          shipped += batch.lines().size();
          if (failures > 0) {
            LOG.infof("usage records: accounting reachable again, shipping realm %s", realm);
          }
          failures = 0;
        }
        case REJECTED -> {
          keepAside(realm, batch);
          queue.ack(batch);
          rejected += batch.lines().size();
          LOG.errorf("usage records: accounting refused a batch of %d from realm %s as invalid; kept in %s: %s",
              batch.lines().size(), realm, outbox.rejectedFile(realm), result.detail());
        }
        case RETRY -> {
          failures++;
          Duration wait = backoff();
          LOG.warnf("usage records: a batch of %d for realm %s not delivered (%s); %d bytes queued, retrying in %d ms",
              batch.lines().size(), realm, result.detail(), queue.pendingBytes(), wait.toMillis());
          return false;
        }
        default -> throw new IllegalStateException();
      }
    }
  }

  private Duration backoff() {
    long base = minBackoff.toMillis() << Math.min(Math.max(failures - 1, 0), 20);
    long capped = Math.min(base, maxBackoff.toMillis());
    long wait = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    nextAttempt = clock.instant().plusMillis(wait);
    return Duration.ofMillis(wait);
  }

  private void keepAside(String realm, DiskQueue.Batch batch) throws IOException {
    try (FileChannel ch = FileChannel.open(outbox.rejectedFile(realm), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      for (String line : batch.lines()) {
        ch.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
      }
      ch.force(true);
    }
  }

  /** Records acknowledged by accounting since start. */
  public long shipped() {
    return shipped;
  }

  /** Records refused by accounting as invalid since start. */
  public long rejected() {
    return rejected;
  }
}
