package eu.panosc.aai.saml.metadata;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metadata from a local file, read and verified at construction (a file that cannot be read or is refused stops the
 * start), then kept current like URL metadata: read again when the file changes (its modification time or size, looked
 * at no more than every {@link #CHANGE_CHECK} by lookups), and as {@link RefreshPolicy} says from its
 * {@code cacheDuration} and {@code validUntil}. Reading happens on {@code executor}, never on the caller's thread after
 * the first load; lookups answer the copy held meanwhile. A signature is checked when a certificate is pinned. A
 * refused or unreadable new version keeps the last good copy until its {@code validUntil} (retried after the
 * policy's {@code min}); an entity past its {@code validUntil} is never answered.
 */
public final class FileMetadataSource implements IdpMetadataSource {
  private static final Logger LOG = LoggerFactory.getLogger(FileMetadataSource.class);
  /** Lookups look at the file's modification time and size at most this often. */
  static final Duration CHANGE_CHECK = Duration.ofSeconds(2);
  /** The refresh bounds when none are configured. */
  static final RefreshPolicy DEFAULT_POLICY = new RefreshPolicy(Duration.ofMinutes(5), Duration.ofHours(12));

  /** What identifies a version of the file without reading it. */
  private record Stamp(Instant modified, long size) {}

  private record Loaded(MetadataDocument document, Stamp stamp, Instant nextRefresh) {}

  private final Path file;
  private final Optional<X509Certificate> pinned;
  private final MetadataReader reader;
  private final RefreshPolicy policy;
  private final Clock clock;
  private final Executor executor;
  private volatile Loaded current;
  private volatile Instant lastCheck;
  private Future<MetadataDocument> inflight;
  private long reads;

  /** A file source with the default refresh bounds, reading again on the caller's thread (tests). */
  public FileMetadataSource(Path file, Optional<X509Certificate> pinned, int maxBytes, Clock clock)
      throws MetadataRefusedException {
    this(file, pinned, maxBytes, DEFAULT_POLICY, clock, Runnable::run);
  }

  public FileMetadataSource(Path file, Optional<X509Certificate> pinned, int maxBytes, RefreshPolicy policy,
      Clock clock, Executor executor) throws MetadataRefusedException {
    this.file = Objects.requireNonNull(file, "file");
    this.pinned = Objects.requireNonNull(pinned, "pinned");
    this.reader = new MetadataReader(maxBytes);
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.executor = Objects.requireNonNull(executor, "executor");
    Instant now = clock.instant();
    Stamp stamp = stamp();
    MetadataDocument d = reader.read(bytes(), pinned, now);
    this.current = new Loaded(d, stamp, policy.nextRefresh(now, d.validUntil(), d.cacheDuration()));
    this.lastCheck = now;
    reads = 1;
  }

  @Override
  public java.util.List<IdpMetadata> known(Instant now) {
    maybeReload(clock.instant());
    return current.document().valid(now);
  }

  @Override
  public Future<Optional<IdpMetadata>> lookup(String entityId) {
    Objects.requireNonNull(entityId, "entityId");
    Instant now = clock.instant();
    maybeReload(now);
    return Future.succeededFuture(current.document().find(entityId, now));
  }

  /** Starts a reload when one is due (time) or the file changed; never waits for it. */
  private void maybeReload(Instant now) {
    Loaded c = current;
    boolean due = !now.isBefore(c.nextRefresh());
    if (!due && now.isBefore(lastCheck.plus(CHANGE_CHECK))) {
      return;
    }
    lastCheck = now;
    boolean changed;
    try {
      changed = !stamp().equals(c.stamp());
    } catch (MetadataRefusedException e) {
      changed = true; // gone or unreadable: the reload says so
    }
    if (due || changed) {
      reload();
    }
  }

  /** Reads the file again (or joins the read under way) on the executor; answers the document held afterwards. */
  Future<MetadataDocument> reload() {
    Promise<MetadataDocument> promise;
    synchronized (this) {
      if (inflight != null) {
        return inflight;
      }
      promise = Promise.promise();
      inflight = promise.future();
      reads++;
    }
    try {
      executor.execute(() -> read(promise));
    } catch (RuntimeException e) {
      synchronized (this) {
        inflight = null;
      }
      promise.fail(e);
    }
    return promise.future();
  }

  private void read(Promise<MetadataDocument> promise) {
    Loaded before = current;
    Instant now = clock.instant();
    MetadataRefusedException refused = null;
    try {
      Stamp stamp = stamp();
      MetadataDocument d = reader.read(bytes(), pinned, now);
      current = new Loaded(d, stamp, policy.nextRefresh(now, d.validUntil(), d.cacheDuration()));
      LOG.info("SAML metadata file {} read again: {} IdPs, valid until {}", file, d.byEntityId().size(),
          d.validUntil());
      if (!d.duplicates().isEmpty()) {
        LOG.warn("SAML metadata file {} lists {} IdP entity ids more than once; they are left out: {}", file,
            d.duplicates().size(), MetadataReader.printable(String.join(" ", d.duplicates())));
      }
    } catch (MetadataRefusedException e) {
      refused = e;
    } catch (RuntimeException e) {
      refused = new MetadataRefusedException(MetadataRefusedException.Kind.MALFORMED, e.toString());
    }
    if (refused != null) {
      // the stamp of the refused version is kept, so it is not read again before the retry unless it changes again
      Stamp seen = before.stamp();
      try {
        seen = stamp();
      } catch (MetadataRefusedException e) {
        // gone: keep the old stamp
      }
      current = new Loaded(before.document(), seen, policy.retry(now));
      if (now.isBefore(before.document().validUntil())) {
        LOG.warn("SAML metadata file {} refused ({}: {}); keeping the copy valid until {}, retrying at {}", file,
            refused.kind(), refused.getMessage(), before.document().validUntil(), policy.retry(now));
      } else {
        LOG.error("SAML metadata file {} refused ({}: {}) and no valid copy is left: logins through its IdPs fail "
            + "until it is fixed", file, refused.kind(), refused.getMessage());
      }
    }
    synchronized (this) {
      inflight = null;
    }
    promise.complete(current.document());
  }

  private Stamp stamp() throws MetadataRefusedException {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return new Stamp(a.lastModifiedTime().toInstant(), a.size());
    } catch (IOException e) {
      throw unreadable(e);
    }
  }

  private byte[] bytes() throws MetadataRefusedException {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw unreadable(e);
    }
  }

  private MetadataRefusedException unreadable(IOException e) {
    return new MetadataRefusedException(MetadataRefusedException.Kind.UNAVAILABLE,
        "the metadata file " + file + " cannot be read: " + e.getClass().getSimpleName());
  }

  /** How many times the file was read (for tests). */
  synchronized long reads() {
    return reads;
  }
}
