package eu.panosc.aai.saml.metadata;

import eu.panosc.platform.input.Input;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MDQ client ({@code GET {base}/entities/{url-encoded entityID}}), so a large federation is never loaded whole: each
 * answer is verified under the pinned signing certificate of the responder (the federation-registry's), cached per
 * entity as {@link RefreshPolicy} says and refreshed in the background; a 404 is remembered for {@code negativeTtl};
 * concurrent lookups of one entity share one fetch; a failed refresh keeps the last good copy until its
 * {@code validUntil}. At most {@code maxEntries} entities are cached (past that, expired and negative entries are
 * dropped first, then everything).
 *
 * @see <a href="https://datatracker.ietf.org/doc/html/draft-young-md-query-saml">SAML profile for MDQ</a>
 */
public final class MdqMetadataSource implements IdpMetadataSource {
  private static final Logger LOG = LoggerFactory.getLogger(MdqMetadataSource.class);
  /** Entity ids longer than this are not looked up (SAML caps entityID at 1024 characters). */
  static final int MAX_ENTITY_ID = 1024;

  /** A cached answer: metadata, or none (a 404) until {@code nextRefresh}. */
  private record Entry(Optional<IdpMetadata> metadata, Instant nextRefresh, Optional<String> etag) {}

  private final URI base;
  private final X509Certificate pinned;
  private final MetadataFetcher fetcher;
  private final MetadataReader reader;
  private final int maxBytes;
  private final RefreshPolicy policy;
  private final Duration negativeTtl;
  private final int maxEntries;
  private final Clock clock;
  private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Future<Optional<IdpMetadata>>> inflight = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong fetches = new java.util.concurrent.atomic.AtomicLong();

  /** @param base the MDQ base URL, such as {@code https://panosc.example/registry/mdq} */
  public MdqMetadataSource(URI base, X509Certificate pinned, MetadataFetcher fetcher, int maxBytes,
      RefreshPolicy policy, Duration negativeTtl, int maxEntries, Clock clock) {
    this.base = URI.create(Objects.requireNonNull(base, "base").toString().replaceAll("/+$", ""));
    this.pinned = Objects.requireNonNull(pinned, "pinned");
    this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    this.reader = new MetadataReader(maxBytes);
    this.maxBytes = maxBytes;
    this.policy = Objects.requireNonNull(policy, "policy");
    this.negativeTtl = Objects.requireNonNull(negativeTtl, "negativeTtl");
    this.maxEntries = maxEntries;
    this.clock = Objects.requireNonNull(clock, "clock");
    if (negativeTtl.isNegative() || maxEntries < 1) {
      throw new IllegalArgumentException("negativeTtl must not be negative and maxEntries must be positive");
    }
  }

  @Override
  public Future<Optional<IdpMetadata>> lookup(String entityId) {
    Objects.requireNonNull(entityId, "entityId");
    if (entityId.isEmpty() || !Input.isClean(entityId, MAX_ENTITY_ID) || entityId.chars().anyMatch(c -> c == ' ')) {
      return Future.succeededFuture(Optional.empty());
    }
    Instant now = clock.instant();
    Entry e = cache.get(entityId);
    if (e != null) {
      boolean due = !now.isBefore(e.nextRefresh());
      if (e.metadata().isEmpty() && !due) {
        return Future.succeededFuture(Optional.empty());
      }
      if (e.metadata().isPresent() && e.metadata().get().validAt(now)) {
        if (due) {
          fetch(entityId);
        }
        return Future.succeededFuture(e.metadata());
      }
    }
    return fetch(entityId);
  }

  @Override
  public java.util.List<IdpMetadata> known(Instant now) {
    return cache.values().stream().flatMap(e -> e.metadata().stream()).filter(m -> m.validAt(now)).toList();
  }

  /** The document URL of {@code entityId}. */
  URI urlOf(String entityId) {
    return URI.create(base + "/entities/" + URLEncoder.encode(entityId, StandardCharsets.UTF_8).replace("+", "%20"));
  }

  private Future<Optional<IdpMetadata>> fetch(String entityId) {
    Promise<Optional<IdpMetadata>> promise = Promise.promise();
    Future<Optional<IdpMetadata>> joined = inflight.putIfAbsent(entityId, promise.future());
    if (joined != null) {
      return joined;
    }
    fetches.incrementAndGet();
    URI url = urlOf(entityId);
    Entry held = cache.get(entityId);
    Optional<IdpMetadata> heldMetadata = held == null ? Optional.empty()
        : held.metadata().filter(m -> m.validAt(clock.instant()));
    Optional<String> etag = heldMetadata.isPresent() ? held.etag() : Optional.empty();
    fetcher.fetch(url, maxBytes, etag).compose(f -> {
      switch (f.status()) {
        case NOT_FOUND:
          return Future.succeededFuture(new Entry(Optional.empty(), Instant.MIN, Optional.empty()));
        case NOT_MODIFIED:
          if (heldMetadata.isEmpty()) {
            return Future.failedFuture(new MetadataRefusedException(MetadataRefusedException.Kind.UNAVAILABLE,
                "the MDQ responder answered 304 to an unconditional request"));
          }
          return Future.succeededFuture(new Entry(heldMetadata, Instant.MIN, etag));
        default:
          try {
            MetadataDocument d = reader.read(f.body(), Optional.of(pinned), clock.instant());
            IdpMetadata m = d.byEntityId().get(entityId);
            if (m == null) {
              return Future.failedFuture(new MetadataRefusedException(MetadataRefusedException.Kind.MALFORMED,
                  "the MDQ answer for " + MetadataReader.printable(entityId) + " has no IdP of that entityID"));
            }
            return Future.succeededFuture(new Entry(Optional.of(m), Instant.MIN, f.etag()));
          } catch (MetadataRefusedException ex) {
            return Future.failedFuture(ex);
          }
      }
    }).onComplete(ar -> {
      Instant now = clock.instant();
      Entry before = cache.get(entityId);
      Optional<IdpMetadata> answer;
      Throwable failure = null;
      if (ar.succeeded() && ar.result().metadata().map(m -> m.validAt(now)).orElse(true)) {
        answer = ar.result().metadata();
        Instant next = answer.map(m -> policy.nextRefresh(now, m.validUntil(), m.cacheDuration()))
            .orElse(now.plus(negativeTtl));
        put(entityId, new Entry(answer, next, ar.result().etag()));
      } else {
        Throwable cause = ar.succeeded() ? new MetadataRefusedException(MetadataRefusedException.Kind.EXPIRED,
            "the unchanged MDQ metadata expired") : ar.cause();
        String reason = cause instanceof MetadataRefusedException r ? r.kind() + ": " + r.getMessage()
            : cause.toString();
        if (before != null && before.metadata().isPresent() && before.metadata().get().validAt(now)) {
          answer = before.metadata();
          cache.put(entityId, new Entry(answer, policy.retry(now), before.etag()));
          LOG.warn("MDQ metadata for {} from {} refused ({}); keeping the copy valid until {}",
              MetadataReader.printable(entityId), url, reason, answer.get().validUntil());
        } else {
          answer = Optional.empty();
          failure = cause;
          cache.remove(entityId);
          LOG.error("MDQ metadata for {} from {} refused ({}) and no valid copy is left: logins through this IdP "
              + "fail until it is fixed (check the MDQ URL, the pinned registry certificate and clocks)",
              MetadataReader.printable(entityId), url, reason);
        }
      }
      inflight.remove(entityId, promise.future());
      if (failure == null) {
        promise.complete(answer);
      } else {
        promise.fail(failure);
      }
    });
    return promise.future();
  }

  private void put(String entityId, Entry entry) {
    if (cache.size() >= maxEntries && !cache.containsKey(entityId)) {
      Instant now = clock.instant();
      cache.entrySet().removeIf(x -> x.getValue().metadata().isEmpty()
          || !x.getValue().metadata().get().validAt(now));
      if (cache.size() >= maxEntries) {
        cache.clear();
      }
    }
    cache.put(entityId, entry);
  }

  /** How many fetches were started (for tests). */
  long fetches() {
    return fetches.get();
  }
}
