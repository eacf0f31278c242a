package eu.panosc.aai.logout;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import eu.panosc.aai.token.JwtSigner;
import eu.panosc.aai.user.PairwiseSubjects;
import eu.panosc.registry.RegistryClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenID Connect Back-Channel Logout 1.0: when a browser session ends, every client that got tokens in it and
 * registered a {@code backchannelLogoutUri} receives a logout token ({@code typ: logout+jwt}: {@code iss},
 * {@code aud} = the client id, {@code iat}, {@code exp} two minutes later, {@code jti}, the client's pairwise
 * {@code sub}, {@code sid}, the back-channel logout event; never a {@code nonce}) as the form-encoded
 * {@code logout_token}. Deliveries run in the background, each with a timeout; a connection failure, a timeout or
 * a 5xx answer is retried a bounded number of times with a growing pause, a 4xx is final (the client refused the
 * token). Failures are logged with the client id and the target host, never with the token.
 *
 * @see <a href="https://openid.net/specs/openid-connect-backchannel-1_0.html">Back-Channel Logout 1.0</a>
 */
public final class BackChannelLogout {
  private static final Logger LOG = LoggerFactory.getLogger(BackChannelLogout.class);
  public static final String EVENT = "http://schemas.openid.net/event/backchannel-logout";
  public static final JOSEObjectType TYPE = new JOSEObjectType("logout+jwt");
  /** Logout tokens are short-lived (§2.4 recommends at most two minutes). */
  static final Duration TOKEN_LIFETIME = Duration.ofMinutes(2);
  static final String METER = "panosc_aai_backchannel_logout_total";

  private final Vertx vertx;
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

  /**
   * @param timeout how long one delivery may take (connect and answer)
   * @param attempts deliveries per client at most (1 = no retry)
   * @param retryDelay pause before the second attempt; doubled before each further one
   */
  public BackChannelLogout(Vertx vertx, RegistryClient registry, PairwiseSubjects subjects, JwtSigner signer,
      String issuer, Clock clock, Duration timeout, int attempts, Duration retryDelay, MeterRegistry meters) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
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

  /** The logout token for {@code client} (its registry document) about {@code userId}'s session {@code sid}. */
  public String logoutToken(JsonObject client, String userId, String sid) {
    Instant now = clock.instant();
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).audience(client.getString("clientId"))
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
   * Tells every client of {@code clientIds} with a registered {@code backchannelLogoutUri} that the session
   * {@code sid} of {@code userId} ended. Returns at once; deliveries continue in the background and never fail
   * the caller.
   */
  public void notify(String sid, String userId, List<String> clientIds) {
    for (String clientId : clientIds) {
      registry.get("clients", clientId).onComplete(ar -> {
        if (ar.failed()) {
          LOG.warn("back-channel logout to client {} skipped: the registry could not be read ({})", clientId,
              ar.cause().toString());
          outcomes.get("failed").increment();
          return;
        }
        JsonObject client = ar.result().orElse(null);
        String uri = client == null ? null : client.getString("backchannelLogoutUri");
        if (uri == null) {
          return;
        }
        String token;
        try {
          token = logoutToken(client, userId, sid);
        } catch (RuntimeException e) {
          LOG.warn("back-channel logout to client {} failed: the logout token could not be signed ({})", clientId,
              e.toString());
          outcomes.get("failed").increment();
          return;
        }
        deliver(clientId, URI.create(uri), token, 1);
      });
    }
  }

  private void deliver(String clientId, URI uri, String token, int attempt) {
    web.postAbs(uri.toString()).timeout(timeout.toMillis())
        .sendForm(MultiMap.caseInsensitiveMultiMap().add("logout_token", token))
        .onComplete(ar -> {
          int status = ar.succeeded() ? ar.result().statusCode() : -1;
          if (status == 200 || status == 204) {
            LOG.debug("back-channel logout delivered to client {} ({})", clientId, uri.getHost());
            outcomes.get("delivered").increment();
            return;
          }
          String why = ar.succeeded() ? "HTTP " + status : ar.cause().getClass().getSimpleName();
          if (status >= 400 && status < 500) {
            // §2.8: the client could not validate the token or log out; sending it again would not help
            LOG.warn("back-channel logout to client {} ({}) refused: {}", clientId, uri.getHost(), why);
            outcomes.get("refused").increment();
            return;
          }
          if (attempt >= attempts) {
            LOG.warn("back-channel logout to client {} ({}) failed after {} attempts: {}", clientId, uri.getHost(),
                attempt, why);
            outcomes.get("failed").increment();
            return;
          }
          long delay = retryDelay.toMillis() << (attempt - 1);
          LOG.info("back-channel logout to client {} ({}) failed ({}); retrying in {} ms", clientId, uri.getHost(),
              why, delay);
          vertx.setTimer(Math.max(1, delay), t -> deliver(clientId, uri, token, attempt + 1));
        });
  }

  public void close() {
    web.close();
  }
}
