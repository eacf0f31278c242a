package eu.panosc.pdp.subject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves a facility's pairwise subject id to the canonical user id through the aai-broker, with a cache:
 * resolved ids for {@code cacheTtl}, unknown ones for {@code negativeTtl}, at most {@code cacheSize}
 * entries (least recently used dropped first). Concurrent lookups of one id share one call. Never fails:
 * the {@link Resolution} says why an id could not be resolved, and the caller denies.
 */
public final class SubjectResolver {
  public static final String METER = "panosc_pdp_subject_resolutions_total";
  private static final Logger LOG = LoggerFactory.getLogger(SubjectResolver.class);

  /** A resolved canonical id, or the HTTP-like status and message saying why there is none. */
  public record Resolution(String user, int status, String message) {
    static Resolution of(String user) {
      return new Resolution(user, 0, null);
    }

    public boolean resolved() {
      return user != null;
    }
  }

  private record Key(String facility, String sub) {}

  private record Cached(Optional<String> user, Instant expires) {}

  private final AaiClient client;
  private final AaiSettings settings;
  private final Clock clock;
  private final Map<Key, Cached> cache;
  private final Map<Key, Future<Resolution>> pending = new HashMap<>();
  private final Counter cached;
  private final Counter resolved;
  private final Counter unknown;
  private final Counter failed;
  private final Counter disabled;

  /** {@code client} may be null when no credentials are configured: then every lookup is refused. */
  public SubjectResolver(AaiClient client, AaiSettings settings, Clock clock, MeterRegistry meters) {
    this.client = client;
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    int max = settings.cacheSize();
    this.cache = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, Cached> eldest) {
        return size() > max;
      }
    };
    this.cached = meters.counter(METER, "outcome", "cached");
    this.resolved = meters.counter(METER, "outcome", "resolved");
    this.unknown = meters.counter(METER, "outcome", "unknown");
    this.failed = meters.counter(METER, "outcome", "error");
    this.disabled = meters.counter(METER, "outcome", "disabled");
  }

  /** The canonical id behind {@code sub} at {@code facility}. */
  public Future<Resolution> resolve(String facility, String sub) {
    if (client == null) {
      disabled.increment();
      return Future.succeededFuture(new Resolution(null, 503, "pairwise subject ids cannot be resolved: this PDP has"
          + " no aai-broker client credentials (services.pdp.aai.clientId and clientSecret)"));
    }
    Key key = new Key(facility, sub);
    Instant now = clock.instant();
    Promise<Resolution> promise;
    synchronized (this) {
      Cached e = cache.get(key);
      if (e != null && now.isBefore(e.expires())) {
        cached.increment();
        return Future.succeededFuture(e.user().map(Resolution::of).orElseGet(() -> unknownAt(facility)));
      }
      Future<Resolution> inFlight = pending.get(key);
      if (inFlight != null) {
        return onCallersContext(inFlight);
      }
      promise = Promise.promise();
      pending.put(key, promise.future());
    }
    client.resolve(facility, sub).map(user -> {
      Duration ttl = user.isPresent() ? settings.cacheTtl() : settings.negativeTtl();
      synchronized (this) {
        cache.put(key, new Cached(user, clock.instant().plus(ttl)));
      }
      (user.isPresent() ? resolved : unknown).increment();
      return user.map(Resolution::of).orElseGet(() -> unknownAt(facility));
    }).recover(e -> {
      failed.increment();
      LOG.warn("pairwise subject resolution failed, denying: {}", e.getMessage());
      return Future.succeededFuture(new Resolution(null, 503, "the pairwise subject id could not be resolved: "
          + (e instanceof AaiUnavailableException ? e.getMessage() : "the aai-broker did not answer")));
    }).onComplete(ar -> {
      synchronized (this) {
        pending.remove(key);
      }
      promise.complete(ar.result());
    });
    return promise.future();
  }

  /** A lookup started by a request of another event loop completes there; hop back to ours. */
  private static <T> Future<T> onCallersContext(Future<T> f) {
    Context context = Vertx.currentContext();
    if (context == null) {
      return f;
    }
    Promise<T> p = Promise.promise();
    f.onComplete(ar -> context.runOnContext(v -> p.handle(ar)));
    return p.future();
  }

  private static Resolution unknownAt(String facility) {
    return new Resolution(null, 404, "subject.id is not a pairwise subject id the aai-broker issued at facility "
        + facility);
  }
}
