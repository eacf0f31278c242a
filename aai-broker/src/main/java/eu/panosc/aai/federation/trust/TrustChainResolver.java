package eu.panosc.aai.federation.trust;

import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Trust in an entity through OpenID Federation 1.0 (§10): its entity configuration fetched, a path of superiors
 * followed through {@code authority_hints} to the trust anchor (each superior's entity configuration and its fetch
 * endpoint's statement about the one below), every signature checked (an entity configuration by the keys its
 * superior's statement gives for it, each subordinate statement by its issuer's own keys, the trust anchor's
 * configuration by the anchor's configured keys, or its own when none are configured), every statement within
 * {@code iat}/{@code exp}; then the metadata of {@code entityType}: the leaf's, overridden by its immediate superior's
 * {@code metadata} (§6.1.4.1), with the chain's merged metadata policy applied. A result is kept until the chain's
 * earliest {@code exp}. Loops and paths longer than {@link #MAX_PATH} statements are refused; a failure is a
 * {@link TrustChainException} and nothing is kept.
 */
public final class TrustChainResolver {
  /** At most this many superiors between the leaf and the trust anchor, the anchor included. */
  public static final int MAX_PATH = 4;

  /** A trust anchor: its Entity Identifier and, if configured out of band, its keys. */
  public record TrustAnchor(String entityId, Optional<JWKSet> keys) {
    public TrustAnchor {
      Objects.requireNonNull(entityId, "entityId");
      Objects.requireNonNull(keys, "keys");
    }
  }

  /**
   * A resolved chain.
   *
   * @param metadata the entity's metadata of the asked entity type, policy applied
   * @param expiresAt the earliest {@code exp} of the chain's statements
   * @param path the entity identifiers from the leaf to the trust anchor
   */
  public record Resolved(JsonObject metadata, Instant expiresAt, List<String> path) {
    public Resolved {
      Objects.requireNonNull(metadata, "metadata");
      Objects.requireNonNull(expiresAt, "expiresAt");
      path = List.copyOf(path);
    }
  }

  /** The cache's key: the anchor with the keys configured for it (other keys, another answer). */
  private record Key(String entityId, String anchor, String anchorKeys, String entityType) {}

  private final StatementFetcher fetcher;
  private final Clock clock;
  private final Duration skew;
  private final Map<Key, Resolved> cache = new ConcurrentHashMap<>();

  public TrustChainResolver(StatementFetcher fetcher, Clock clock, Duration skew) {
    this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.skew = Objects.requireNonNull(skew, "skew");
  }

  /** The metadata of {@code entityType} (e.g. {@code openid_provider}) of {@code entityId} trusted via {@code anchor}. */
  public Future<Resolved> resolve(String entityId, TrustAnchor anchor, String entityType) {
    Key key = new Key(entityId, anchor.entityId(), anchor.keys().map(k -> k.toPublicJWKSet().toString()).orElse(""),
        entityType);
    Resolved cached = cache.get(key);
    Instant now = clock.instant();
    if (cached != null && now.isBefore(cached.expiresAt())) {
      return Future.succeededFuture(cached);
    }
    cache.remove(key);
    if (!entityId(entityId) || !entityId(anchor.entityId())) {
      return Future.failedFuture(new TrustChainException(TrustChainException.Reason.MALFORMED,
          "an Entity Identifier is an https URL without query or fragment"));
    }
    if (entityId.equals(anchor.entityId())) {
      return Future.failedFuture(new TrustChainException(TrustChainException.Reason.NO_PATH,
          "the entity is the trust anchor itself"));
    }
    String what = "the entity configuration of " + entityId;
    return fetcher.entityConfiguration(entityId).compose(jwt -> {
      EntityStatement leaf = EntityStatement.parse(jwt, what);
      checkConfiguration(leaf, entityId, what);
      Set<String> visited = new HashSet<>(Set.of(entityId));
      return up(leaf, anchor, visited, 0).map(above -> {
        List<EntityStatement> chain = new ArrayList<>();
        chain.add(leaf);
        chain.addAll(above);
        Resolved r = result(chain, entityType);
        cache.put(key, r);
        return r;
      });
    });
  }

  /** Forgets every resolved chain. */
  public void clear() {
    cache.clear();
  }

  /**
   * The statements above {@code current} (whose own signature is still unchecked): the superior's statement about it,
   * and so on up to the trust anchor's entity configuration; {@code current}'s signature checked with the keys the
   * statement about it gives.
   */
  private Future<List<EntityStatement>> up(EntityStatement current, TrustAnchor anchor, Set<String> visited,
      int depth) {
    List<String> hints = current.authorityHints();
    if (hints.isEmpty()) {
      return Future.failedFuture(new TrustChainException(TrustChainException.Reason.NO_PATH, current.sub()
          + " names no superior (authority_hints), and is not the trust anchor " + anchor.entityId()));
    }
    if (depth >= MAX_PATH) {
      return Future.failedFuture(new TrustChainException(TrustChainException.Reason.TOO_LONG, "no path from "
          + current.sub() + " reaches the trust anchor within " + MAX_PATH + " superiors"));
    }
    return tryHints(current, anchor, visited, depth, hints, 0, null);
  }

  private Future<List<EntityStatement>> tryHints(EntityStatement current, TrustAnchor anchor, Set<String> visited,
      int depth, List<String> hints, int index, Throwable last) {
    if (index >= hints.size()) {
      return Future.failedFuture(last);
    }
    return via(current, hints.get(index), anchor, visited, depth)
        .recover(e -> tryHints(current, anchor, visited, depth, hints, index + 1, pick(last, e)));
  }

  /** The more telling of two failures: one on a path that went further than not reaching the anchor. */
  private static Throwable pick(Throwable last, Throwable now) {
    if (last instanceof TrustChainException l && now instanceof TrustChainException n
        && n.reason() == TrustChainException.Reason.NO_PATH && l.reason() != TrustChainException.Reason.NO_PATH) {
      return last;
    }
    return now;
  }

  private Future<List<EntityStatement>> via(EntityStatement current, String superior, TrustAnchor anchor,
      Set<String> visited, int depth) {
    if (visited.contains(superior)) {
      return Future.failedFuture(new TrustChainException(TrustChainException.Reason.LOOP, "the authority_hints of "
          + current.sub() + " loop back to " + superior));
    }
    if (!entityId(superior)) {
      return Future.failedFuture(new TrustChainException(TrustChainException.Reason.MALFORMED, current.sub()
          + " names a superior that is no Entity Identifier"));
    }
    Set<String> next = new HashSet<>(visited);
    next.add(superior);
    String ecWhat = "the entity configuration of " + superior;
    return fetcher.entityConfiguration(superior).compose(jwt -> {
      EntityStatement superiorEc = EntityStatement.parse(jwt, ecWhat);
      checkConfiguration(superiorEc, superior, ecWhat);
      boolean isAnchor = superior.equals(anchor.entityId());
      if (isAnchor) {
        // the anchor's configuration: by its configured keys, or (none configured) its own, already checked
        anchor.keys().ifPresent(keys -> superiorEc.verify(keys, ecWhat + " (the trust anchor's configured keys)"));
      }
      Object endpoint = superiorEc.metadata().getJsonObject("federation_entity", new JsonObject())
          .getValue("federation_fetch_endpoint");
      if (!(endpoint instanceof String fetch) || !url(fetch)) {
        return Future.failedFuture(new TrustChainException(TrustChainException.Reason.MALFORMED, superior
            + " publishes no usable federation_fetch_endpoint"));
      }
      String ssWhat = "the statement of " + superior + " about " + current.sub();
      return fetcher.subordinateStatement(fetch, current.sub()).compose(ssJwt -> {
        EntityStatement statement = EntityStatement.parse(ssJwt, ssWhat);
        if (!superior.equals(statement.iss()) || !current.sub().equals(statement.sub())) {
          throw new TrustChainException(TrustChainException.Reason.MALFORMED, ssWhat + " names another iss or sub");
        }
        statement.verify(superiorEc.jwks(), ssWhat);
        statement.checkTime(clock.instant(), skew, ssWhat);
        current.verify(statement.jwks(), "the entity configuration of " + current.sub()
            + " (keys given by " + superior + ")");
        if (isAnchor) {
          return Future.succeededFuture(List.of(statement, superiorEc));
        }
        return up(superiorEc, anchor, next, depth + 1).map(rest -> {
          List<EntityStatement> out = new ArrayList<>();
          out.add(statement);
          out.addAll(rest);
          return out;
        });
      });
    });
  }

  /** §3.1: an entity configuration is self-issued about {@code entityId}, self-signed and within its validity. */
  private void checkConfiguration(EntityStatement ec, String entityId, String what) {
    if (!ec.selfIssued() || !entityId.equals(ec.iss())) {
      throw new TrustChainException(TrustChainException.Reason.MALFORMED, what + " is not issued by and about "
          + entityId);
    }
    ec.verify(ec.jwks(), what + " (its own keys)");
    ec.checkTime(clock.instant(), skew, what);
  }

  /** Metadata and expiry of {@code chain} (leaf first, trust anchor's configuration last). */
  private Resolved result(List<EntityStatement> chain, String entityType) {
    EntityStatement leaf = chain.get(0);
    Object own = leaf.metadata().getValue(entityType);
    if (!(own instanceof JsonObject ownMetadata)) {
      throw new TrustChainException(TrustChainException.Reason.POLICY, leaf.sub() + " has no " + entityType
          + " metadata");
    }
    JsonObject metadata = ownMetadata.copy();
    // §6.1.4.1: metadata in the immediate superior's statement overrides the subject's own, parameter by parameter
    if (chain.get(1).metadata().getValue(entityType) instanceof JsonObject override) {
      metadata.mergeIn(override);
    }
    List<JsonObject> policies = new ArrayList<>();
    // subordinate statements are chain[1..n-2]; the trust anchor's statement (the one just below its configuration)
    // comes first in the merge
    for (int i = chain.size() - 2; i >= 1; i--) {
      policies.add(chain.get(i).metadataPolicy());
    }
    JsonObject applied = MetadataPolicy.merge(entityType, policies).apply(metadata);
    Instant exp = chain.stream().map(EntityStatement::expiresAt).min(Instant::compareTo).orElseThrow();
    List<String> path = new ArrayList<>(List.of(leaf.sub()));
    chain.subList(1, chain.size() - 1).forEach(s -> path.add(s.iss()));
    return new Resolved(applied, exp, path);
  }

  private static boolean entityId(String s) {
    if (!url(s)) {
      return false;
    }
    URI u = URI.create(s);
    return u.getRawQuery() == null;
  }

  /** An https URL without fragment; plain http only on a loopback host (an in-test federation). */
  private static boolean url(String s) {
    try {
      URI u = new URI(s);
      return u.getHost() != null && u.getRawFragment() == null && u.getRawUserInfo() == null
          && ("https".equals(u.getScheme()) || "http".equals(u.getScheme()) && loopback(u.getHost()));
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  private static boolean loopback(String host) {
    return "127.0.0.1".equals(host) || "[::1]".equals(host) || "localhost".equals(host);
  }
}
