package eu.panosc.aai.saml.metadata;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metadata from a URL (an aggregate or one entity) signed under a pinned certificate. The document is parsed and
 * verified once per fetch and indexed by entity id, so a lookup is a hash-map read whatever the aggregate's size.
 * It is fetched again as {@link RefreshPolicy} says (in the background while the current copy is valid; concurrent
 * callers share one fetch). A refused or failed refresh keeps the last good copy until its {@code validUntil}; past
 * that, lookups fail rather than answer expired metadata.
 */
public final class UrlMetadataSource implements IdpMetadataSource {
  private static final Logger LOG = LoggerFactory.getLogger(UrlMetadataSource.class);

  private record Loaded(MetadataDocument document, Instant nextRefresh, Optional<String> etag) {}

  private record Result(MetadataDocument document, Optional<String> etag, boolean changed) {}

  private final URI url;
  private final X509Certificate pinned;
  private final MetadataFetcher fetcher;
  private final MetadataReader reader;
  private final int maxBytes;
  private final RefreshPolicy policy;
  private final Clock clock;
  private volatile Loaded current;
  private Future<MetadataDocument> inflight;
  private long fetches;

  public UrlMetadataSource(URI url, X509Certificate pinned, MetadataFetcher fetcher, int maxBytes,
      RefreshPolicy policy, Clock clock) {
    this.url = Objects.requireNonNull(url, "url");
    this.pinned = Objects.requireNonNull(pinned, "pinned");
    this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    this.reader = new MetadataReader(maxBytes);
    this.maxBytes = maxBytes;
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Future<Optional<IdpMetadata>> lookup(String entityId) {
    Objects.requireNonNull(entityId, "entityId");
    Instant now = clock.instant();
    Loaded c = current;
    if (c != null && now.isBefore(c.document().validUntil())) {
      if (!now.isBefore(c.nextRefresh())) {
        refresh();
      }
      return Future.succeededFuture(c.document().find(entityId, now));
    }
    return refresh().map(d -> d.find(entityId, clock.instant()));
  }

  @Override
  public java.util.List<IdpMetadata> known(Instant now) {
    Loaded c = current;
    return c == null ? java.util.List.of() : c.document().valid(now);
  }

  /** Fetches (or joins the fetch under way); answers the current document afterwards. */
  Future<MetadataDocument> refresh() {
    Promise<MetadataDocument> promise;
    synchronized (this) {
      if (inflight != null) {
        return inflight;
      }
      promise = Promise.promise();
      inflight = promise.future();
      fetches++;
    }
    Loaded held = current;
    Optional<String> etag = held != null && clock.instant().isBefore(held.document().validUntil()) ? held.etag()
        : Optional.empty();
    fetcher.fetch(url, maxBytes, etag).compose(f -> {
      switch (f.status()) {
        case NOT_FOUND:
          return Future.failedFuture(new MetadataRefusedException(MetadataRefusedException.Kind.UNAVAILABLE,
              "the metadata URL " + url + " answered 404"));
        case NOT_MODIFIED:
          if (held == null || etag.isEmpty()) {
            return Future.failedFuture(new MetadataRefusedException(MetadataRefusedException.Kind.UNAVAILABLE,
                "the metadata URL " + url + " answered 304 to an unconditional request"));
          }
          return Future.succeededFuture(new Result(held.document(), etag, false));
        default:
          try {
            return Future.succeededFuture(
                new Result(reader.read(f.body(), Optional.of(pinned), clock.instant()), f.etag(), true));
          } catch (MetadataRefusedException e) {
            return Future.failedFuture(e);
          }
      }
    }).onComplete(ar -> {
      Instant now = clock.instant();
      Loaded before = current;
      Throwable cause = null;
      if (ar.succeeded() && now.isBefore(ar.result().document().validUntil())) {
        MetadataDocument d = ar.result().document();
        current = new Loaded(d, policy.nextRefresh(now, d.validUntil(), d.cacheDuration()), ar.result().etag());
        if (ar.result().changed()) {
          LOG.info("SAML metadata from {} loaded: {} IdPs, valid until {}", url, d.byEntityId().size(),
              d.validUntil());
          if (!d.duplicates().isEmpty()) {
            LOG.warn("SAML metadata from {} lists {} IdP entity ids more than once; they are left out (ask the "
                + "publisher to fix it): {}", url, d.duplicates().size(),
                MetadataReader.printable(String.join(" ", d.duplicates())));
          }
        }
      } else {
        cause = ar.succeeded() ? new MetadataRefusedException(MetadataRefusedException.Kind.EXPIRED,
            "the unchanged metadata expired at " + ar.result().document().validUntil()) : ar.cause();
        String reason = cause instanceof MetadataRefusedException r ? r.kind() + ": " + r.getMessage()
            : cause.toString();
        if (before != null && now.isBefore(before.document().validUntil())) {
          current = new Loaded(before.document(), policy.retry(now), before.etag());
          LOG.warn("SAML metadata from {} refused ({}); keeping the copy valid until {}, retrying at {}", url, reason,
              before.document().validUntil(), policy.retry(now));
        } else {
          LOG.error("SAML metadata from {} refused ({}) and no valid copy is left: logins through it fail until it "
              + "is fixed (check the URL, the pinned certificate and the publisher's validUntil)", url, reason);
        }
      }
      synchronized (this) {
        inflight = null;
      }
      Loaded after = current;
      if (after != null && now.isBefore(after.document().validUntil())) {
        promise.complete(after.document());
      } else {
        promise.fail(cause);
      }
    });
    return promise.future();
  }

  /** How many fetches were started (for tests). */
  synchronized long fetches() {
    return fetches;
  }
}
