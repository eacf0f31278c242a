package eu.panosc.aai.logout;

import eu.panosc.aai.registry.RegisteredClient;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import eu.panosc.aai.token.JwtSigner;
import eu.panosc.aai.user.PairwiseSubjects;
import eu.panosc.aai.registry.RegistryClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenID Connect Back-Channel Logout 1.0: when a browser session ends, every client that got tokens in it and
 * registered a {@code backchannelLogoutUri} receives a logout token ({@code typ: logout+jwt}: {@code iss},
 * {@code aud} = the client id, {@code iat}, {@code exp} two minutes later, {@code jti}, the client's pairwise
 * {@code sub}, {@code sid}, the back-channel logout event; never a {@code nonce}) as the form-encoded
 * {@code logout_token}. Deliveries come from the {@link LogoutOutbox} (written in the transaction that ended the
 * session): a worker on every replica claims due rows every {@code pollInterval} (and at once after a logout of this
 * replica), signs a fresh token per attempt, and posts it with a timeout. A connection failure, a timeout or a 5xx
 * answer is tried again later, the pause doubling from {@code retryDelay} up to five minutes, until
 * {@code attempts} are spent; a 2xx or a 4xx (the client refused the token, §2.8) ends the delivery. Rows survive
 * restarts, and claims use {@code SKIP LOCKED} and a lease, so replicas never deliver one row at the same time.
 * Failures are logged with the client id and the target host, never with the token.
 *
 * @see <a href="https://openid.net/specs/openid-connect-backchannel-1_0.html">Back-Channel Logout 1.0</a>
 */
public final class BackChannelLogout {
  private static final Logger LOG = LoggerFactory.getLogger(BackChannelLogout.class);
  public static final String EVENT = "http://schemas.openid.net/event/backchannel-logout";
  public static final JOSEObjectType TYPE = new JOSEObjectType("logout+jwt");
  /** Logout tokens are short-lived (§2.4 recommends at most two minutes). */
  static final Duration TOKEN_LIFETIME = Duration.ofMinutes(2);
  /** The longest pause between two attempts. */
  static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(5);
  /** Deliveries claimed per poll. */
  static final int BATCH = 50;
  static final String METER = "panosc_aai_backchannel_logout_total";

  private final Vertx vertx;
  private final LogoutOutbox outbox;
  private final RegistryClient registry;
  private final PairwiseSubjects subjects;
  private final JwtSigner signer;
  private final String issuer;
  private final Clock clock;
  private final Duration timeout;
  private final int attempts;
  private final Duration retryDelay;
  private final WebClient web;
  private final Map<String, Counter> outcomes;
  private final AtomicBoolean polling = new AtomicBoolean();
  private final AtomicBoolean again = new AtomicBoolean();
  private volatile boolean stopped;
  private final java.util.Queue<DeliveryWatch> watches = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private long timer = -1;

  /**
   * @param timeout how long one delivery may take (connect and answer)
   * @param attempts deliveries per client at most (1 = no retry)
   * @param retryDelay pause before the second attempt; doubled before each further one
   */
  public BackChannelLogout(Vertx vertx, LogoutOutbox outbox, RegistryClient registry, PairwiseSubjects subjects,
      JwtSigner signer, String issuer, Clock clock, Duration timeout, int attempts, Duration retryDelay,
      MeterRegistry meters) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.outbox = Objects.requireNonNull(outbox, "outbox");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.subjects = Objects.requireNonNull(subjects, "subjects");
    this.signer = Objects.requireNonNull(signer, "signer");
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.retryDelay = Objects.requireNonNull(retryDelay, "retryDelay");
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1");
    }
    this.attempts = attempts;
    this.web = WebClient.create(vertx, new WebClientOptions().setConnectTimeout((int) timeout.toMillis())
        .setFollowRedirects(false).setIdleTimeout(30));
    this.outcomes = Map.of("delivered", meters.counter(METER, "outcome", "delivered"),
        "refused", meters.counter(METER, "outcome", "refused"),
        "failed", meters.counter(METER, "outcome", "failed"));
  }

  /** The logout token for {@code client} about {@code userId}'s session {@code sid}. */
  public String logoutToken(RegisteredClient client, String userId, String sid) {
    Instant now = clock.instant();
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).audience(client.clientId())
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(TOKEN_LIFETIME)))
        .jwtID(UUID.randomUUID().toString())
        .subject(subjects.subject(PairwiseSubjects.sectorOf(client), userId))
        .claim("events", Map.of(EVENT, Map.of()));
    if (sid != null) {
      claims.claim("sid", sid);
    }
    return signer.sign(TYPE, claims.build(), client);
  }

  /**
   * Starts recording the first delivery outcome of every delivery for the sessions {@code sids} made by this replica
   * (an IdP-initiated SAML logout answers PartialLogout when a facility was not reached). Call before ending the
   * sessions, so that no outcome is missed; {@link DeliveryWatch#allDelivered} then waits for them.
   */
  public DeliveryWatch watch(java.util.Collection<String> sids) {
    DeliveryWatch w = new DeliveryWatch(Set.copyOf(sids));
    watches.add(w);
    return w;
  }

  /** Outcomes of the deliveries for some sessions, as this replica makes them. */
  public final class DeliveryWatch {
    private final Set<String> sids;
    private final java.util.concurrent.atomic.AtomicInteger reached = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger missed = new java.util.concurrent.atomic.AtomicInteger();
    private volatile Runnable changed = () -> {};

    private DeliveryWatch(Set<String> sids) {
      this.sids = sids;
    }

    private void report(String sid, boolean ok) {
      if (sids.contains(sid)) {
        (ok ? reached : missed).incrementAndGet();
        changed.run();
      }
    }

    /**
     * True once {@code expected} deliveries have reached their clients (a 2xx, or a client without a back-channel
     * URI: nobody to tell); false as soon as one was refused or failed, or when {@code within} has passed first (a
     * slow client, or a delivery another replica claimed). Stops watching either way.
     */
    public Future<Boolean> allDelivered(int expected, Duration within) {
      io.vertx.core.Promise<Boolean> done = io.vertx.core.Promise.promise();
      Runnable check = () -> {
        if (missed.get() > 0) {
          done.tryComplete(false);
        } else if (reached.get() >= expected) {
          done.tryComplete(true);
        }
      };
      changed = check;
      check.run();
      long t = vertx.setTimer(Math.max(1, within.toMillis()), id -> done.tryComplete(false));
      return done.future().onComplete(ar -> {
        vertx.cancelTimer(t);
        watches.remove(this);
      });
    }
  }

  private void report(String sid, boolean ok) {
    for (DeliveryWatch w : watches) {
      w.report(sid, ok);
    }
  }

  /** Polls the outbox every {@code interval} from now on (deliveries left by an earlier run go out first). */
  public void start(Duration interval) {
    timer = vertx.setPeriodic(1, Math.max(10, interval.toMillis()), t -> poll());
  }

  /** Delivers what is due now, without waiting for the next poll (after a logout on this replica). */
  public void poll() {
    if (stopped) {
      return;
    }
    if (!polling.compareAndSet(false, true)) {
      again.set(true);
      return;
    }
    // the lease outlasts a delivery, so no other replica claims the row while this one is still at it
    outbox.claim(BATCH, timeout.multipliedBy(2).plusSeconds(5))
        .compose(batch -> Future.join(batch.stream().map(this::deliver).toList()).map(batch.size()))
        .onComplete(ar -> {
          polling.set(false);
          if (ar.failed()) {
            LOG.warn("back-channel logout outbox could not be read: {}", ar.cause().toString());
          } else if (ar.result() == BATCH || again.getAndSet(false)) {
            vertx.runOnContext(v -> poll());
          }
        });
  }

  private Future<Void> deliver(LogoutOutbox.Delivery d) {
    return registry.client(d.clientId()).compose(found -> {
      RegisteredClient client = found.orElse(null);
      String uri = client == null ? null : client.backchannelLogoutUri();
      if (uri == null) {
        report(d.sid(), true);
        return outbox.done(d.id());
      }
      String token;
      URI target;
      try {
        target = URI.create(uri);
        token = logoutToken(client, d.userId(), d.sid());
      } catch (RuntimeException e) {
        LOG.warn("back-channel logout to client {} failed: the logout token could not be made ({})", d.clientId(),
            e.getClass().getSimpleName());
        outcomes.get("failed").increment();
        report(d.sid(), false);
        return outbox.done(d.id());
      }
      return post(d, target, token);
    }, e -> {
      LOG.warn("back-channel logout to client {} waits: the registry could not be read ({})", d.clientId(),
          e.toString());
      return retry(d, null, "registry unavailable");
    });
  }

  private Future<Void> post(LogoutOutbox.Delivery d, URI uri, String token) {
    return web.postAbs(uri.toString()).timeout(timeout.toMillis())
        .sendForm(MultiMap.caseInsensitiveMultiMap().add("logout_token", token))
        .transform(ar -> {
          int status = ar.succeeded() ? ar.result().statusCode() : -1;
          if (status == 200 || status == 204) {
            LOG.debug("back-channel logout delivered to client {} ({})", d.clientId(), uri.getHost());
            outcomes.get("delivered").increment();
            report(d.sid(), true);
            return outbox.done(d.id());
          }
          String why = ar.succeeded() ? "HTTP " + status : ar.cause().getClass().getSimpleName();
          if (status >= 400 && status < 500) {
            // §2.8: the client could not validate the token or log out; sending it again would not help
            LOG.warn("back-channel logout to client {} ({}) refused: {}", d.clientId(), uri.getHost(), why);
            outcomes.get("refused").increment();
            report(d.sid(), false);
            return outbox.done(d.id());
          }
          return retry(d, uri, why);
        });
  }

  private Future<Void> retry(LogoutOutbox.Delivery d, URI uri, String why) {
    report(d.sid(), false);
    String host = uri == null ? "-" : uri.getHost();
    if (d.attempt() >= attempts) {
      LOG.warn("back-channel logout to client {} ({}) failed after {} attempts: {}", d.clientId(), host,
          d.attempt(), why);
      outcomes.get("failed").increment();
      return outbox.done(d.id());
    }
    long millis = retryDelay.toMillis() << Math.min(20, d.attempt() - 1);
    Duration delay = Duration.ofMillis(Math.max(1, Math.min(millis, MAX_RETRY_DELAY.toMillis())));
    LOG.info("back-channel logout to client {} ({}) failed ({}); retrying in {} ms", d.clientId(), host, why,
        delay.toMillis());
    return outbox.retryLater(d.id(), delay, why);
  }

  public void close() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    web.close();
  }
}
