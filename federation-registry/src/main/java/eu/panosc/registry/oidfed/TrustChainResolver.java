package eu.panosc.registry.oidfed;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds and validates Trust Chains from a subject up to this trust anchor and resolves its metadata.
 *
 * <ul>
 *   <li>An approved subordinate that hosts its entity configuration: chain = [its entity configuration,
 *       our subordinate statement, our entity configuration]. The configuration must be self-signed,
 *       signed by a key registered on file, name us in {@code authority_hints} and be within its
 *       validity.</li>
 *   <li>An approved subordinate that hosts none: chain = [our subordinate statement (which carries the
 *       registry's metadata on file), our entity configuration]. This chain does not start with an entity
 *       configuration, as §4 expects; it is the registry's attestation, and the choice is deliberate.</li>
 *   <li>Any other subject is resolved through {@code authority_hints} that lead, via Intermediates'
 *       fetch endpoints, to an approved intermediate; this is tried only when one exists.</li>
 * </ul>
 *
 * <p>Results are cached until the chain's expiry or until {@link #invalidate}/{@link #invalidateAll}.
 *
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-10.2">OpenID Federation 1.0 §10.2, Validating a Trust Chain</a>
 */
public final class TrustChainResolver {
  /** The longest path of statements walked above the subject (loops and abuse guard). */
  public static final int MAX_DEPTH = 5;

  private final TrustAnchorStatements trustAnchor;
  private final SubordinateSource source;
  private final MetadataPolicyEngine policies;
  private final EntityStatementFetcher fetcher;
  private final Clock clock;
  private final Duration clockSkew;
  private final boolean requireHttps;
  private final Map<String, ResolvedChain> cache = new ConcurrentHashMap<>();

  public TrustChainResolver(TrustAnchorStatements trustAnchor, SubordinateSource source,
      MetadataPolicyEngine policies, EntityStatementFetcher fetcher, Clock clock, Duration clockSkew,
      boolean requireHttps) {
    this.trustAnchor = Objects.requireNonNull(trustAnchor, "trustAnchor");
    this.source = Objects.requireNonNull(source, "source");
    this.policies = Objects.requireNonNull(policies, "policies");
    this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
    this.requireHttps = requireHttps;
  }

  /** Drops cached chains that contain a statement by or about {@code entityId}. */
  public void invalidate(String entityId) {
    cache.values().removeIf(c -> c.entityIds().contains(entityId));
  }

  public void invalidateAll() {
    cache.clear();
  }

  /** The validated chain and Resolved Metadata for {@code sub}; fails with a {@link FederationException}. */
  public Future<ResolvedChain> resolve(String sub) {
    ResolvedChain cached = cache.get(sub);
    if (cached != null && cached.expiresAt().isAfter(clock.instant())) {
      return Future.succeededFuture(cached);
    }
    return build(sub).onSuccess(chain -> cache.put(sub, chain));
  }

  private String taId() {
    return trustAnchor.settings().entityId();
  }

  private Future<ResolvedChain> build(String sub) {
    if (!validEntityId(sub)) {
      return Future.failedFuture(FederationException.invalidRequest("sub is not a valid Entity Identifier."));
    }
    if (sub.equals(taId())) {
      return Future.failedFuture(FederationException.invalidSubject(
          "The trust anchor is not resolved by itself; fetch its entity configuration."));
    }
    return source.approved(sub).compose(found -> {
      if (found.isPresent() && !found.get().hostsEntityConfiguration()) {
        Subordinate s = found.get();
        List<EntityStatement> chain = List.of(EntityStatement.parse(trustAnchor.subordinateStatement(s)),
            EntityStatement.parse(trustAnchor.entityConfiguration()));
        return Future.succeededFuture(finish(sub, chain, chain.get(0).metadata()));
      }
      Future<Boolean> reachable = found.isPresent() ? Future.succeededFuture(true)
          : source.approved().map(all -> all.stream().anyMatch(Subordinate::intermediate));
      return reachable.compose(ok -> {
        if (!ok) {
          // OIDF 1.0 §8.9: invalid_subject, the endpoint cannot serve the requested subject.
          return Future.failedFuture(FederationException.invalidSubject(
              sub + " is not a subordinate of this trust anchor."));
        }
        return fetcher.entityConfiguration(sub).compose(jwt -> {
          EntityStatement ec = parse(jwt, "the entity configuration of " + sub);
          checkEntityConfiguration(ec, sub);
          Set<String> visited = new HashSet<>(Set.of(sub));
          return pathUp(ec, found, visited, 0).map(path -> {
            List<EntityStatement> chain = new ArrayList<>();
            chain.add(ec);
            chain.addAll(path);
            JsonObject metadata = ec.metadata().copy();
            // OIDF 1.0 §6.1.4.1: metadata in the Immediate Superior's statement overrides the subject's.
            overlay(metadata, chain.get(1).metadata());
            return finish(sub, chain, metadata);
          });
        });
      });
    });
  }

  /**
   * The statements above {@code current}: the statement about it from its superior, up to and including
   * our entity configuration.
   */
  private Future<List<EntityStatement>> pathUp(EntityStatement current, Optional<Subordinate> approved,
      Set<String> visited, int depth) {
    List<String> hints = current.authorityHints();
    if (approved.isPresent()) {
      // A direct subordinate must name this trust anchor (OIDF 1.0 §3.1.1, authority_hints).
      if (!hints.contains(taId())) {
        return Future.failedFuture(FederationException.invalidTrustChain(
            "The authority_hints of " + current.sub() + " do not name the trust anchor " + taId() + "."));
      }
      EntityStatement statement = EntityStatement.parse(trustAnchor.subordinateStatement(approved.get()));
      checkSignedBySuperior(current, statement);
      return Future.succeededFuture(List.of(statement, EntityStatement.parse(trustAnchor.entityConfiguration())));
    }
    if (hints.isEmpty()) {
      return Future.failedFuture(FederationException.invalidTrustChain(
          current.sub() + " has no authority_hints that lead to " + taId() + "."));
    }
    for (String hint : hints) {
      if (visited.contains(hint)) {
        // OIDF 1.0 §10.1: loops in authority_hints must be detected and the path abandoned.
        return Future.failedFuture(FederationException.invalidTrustChain(
            "The authority_hints loop back to " + hint + "."));
      }
    }
    if (depth >= MAX_DEPTH) {
      return Future.failedFuture(FederationException.invalidTrustChain(
          "No path to the trust anchor within " + MAX_DEPTH + " statements."));
    }
    return tryHint(current, hints, 0, visited, depth, null);
  }

  private Future<List<EntityStatement>> tryHint(EntityStatement current, List<String> hints, int index,
      Set<String> visited, int depth, Throwable last) {
    if (index >= hints.size()) {
      return Future.failedFuture(last);
    }
    String hint = hints.get(index);
    return viaSuperior(current, hint, visited, depth)
        .recover(err -> tryHint(current, hints, index + 1, visited, depth, err));
  }

  private Future<List<EntityStatement>> viaSuperior(EntityStatement current, String superior, Set<String> visited,
      int depth) {
    if (superior.equals(taId())) {
      return Future.failedFuture(FederationException.invalidTrustChain(
          current.sub() + " names the trust anchor but is not an approved subordinate."));
    }
    if (!validEntityId(superior)) {
      return Future.failedFuture(FederationException.invalidTrustChain("Invalid authority hint " + superior + "."));
    }
    Set<String> next = new HashSet<>(visited);
    next.add(superior);
    return source.approved(superior).compose(approved -> fetcher.entityConfiguration(superior).compose(jwt -> {
      EntityStatement superiorEc = parse(jwt, "the entity configuration of " + superior);
      checkEntityConfiguration(superiorEc, superior);
      return pathUp(superiorEc, approved, next, depth + 1).compose(rest -> {
        String fetchEndpoint = superiorEc.metadata().getJsonObject("federation_entity", new JsonObject())
            .getString("federation_fetch_endpoint");
        if (fetchEndpoint == null || !validUrl(fetchEndpoint)) {
          return Future.failedFuture(FederationException.invalidTrustChain(
              superior + " publishes no federation_fetch_endpoint."));
        }
        return fetcher.subordinateStatement(fetchEndpoint, current.sub()).map(ssJwt -> {
          EntityStatement statement = parse(ssJwt, "the statement of " + superior + " about " + current.sub());
          checkStatement(statement);
          if (!superior.equals(statement.iss()) || !current.sub().equals(statement.sub())) {
            throw FederationException.invalidTrustChain("The statement from " + superior
                + " has the wrong iss or sub.");
          }
          if (!statement.verifiesWith(superiorEc.jwks())) {
            throw FederationException.invalidTrustChain("The statement from " + superior
                + " is not signed by its keys.");
          }
          checkSignedBySuperior(current, statement);
          List<EntityStatement> path = new ArrayList<>();
          path.add(statement);
          path.addAll(rest);
          return path;
        });
      });
    }));
  }

  /** ES[j] verifies with ES[j+1].jwks, and the key it used is the same key there (by thumbprint). */
  private static void checkSignedBySuperior(EntityStatement subject, EntityStatement statementAboutIt) {
    JWK own = subject.signingKeyIn(subject.jwks());
    JWK registered = subject.signingKeyIn(statementAboutIt.jwks());
    if (!subject.verifiesWith(statementAboutIt.jwks()) || own == null || !sameKey(own, registered)) {
      // OIDF 1.0 §10.2: the signature of ES[j] must validate with a key in ES[j+1]["jwks"].
      throw FederationException.invalidTrustChain("The entity configuration of " + subject.sub()
          + " is not signed by a key registered for it.");
    }
  }

  private static boolean sameKey(JWK a, JWK b) {
    try {
      return b != null && a.computeThumbprint().equals(b.computeThumbprint());
    } catch (Exception e) {
      return false;
    }
  }

  /** typ, iss == sub == expected, self-signed, and the common statement checks. */
  private void checkEntityConfiguration(EntityStatement ec, String expected) {
    checkStatement(ec);
    // OIDF 1.0 §10.2: for ES[0], iss == sub, and it validates with a key in its own jwks.
    if (!expected.equals(ec.iss()) || !expected.equals(ec.sub())) {
      throw FederationException.invalidTrustChain("The entity configuration of " + expected
          + " must have iss == sub == its Entity Identifier.");
    }
    JWKSet own = ec.jwks();
    if (own == null || own.getKeys().isEmpty() || !ec.verifiesWith(own)) {
      throw FederationException.invalidTrustChain("The entity configuration of " + expected
          + " is not signed by a key in its own jwks.");
    }
  }

  /** Required claims, typ, iat not in the future, exp in the future, crit and metadata_policy_crit understood. */
  private void checkStatement(EntityStatement es) {
    Instant now = clock.instant();
    String who = es.iss() + " about " + es.sub();
    // OIDF 1.0 §3.2.1: entity statements are explicitly typed entity-statement+jwt.
    if (!FederationMediaTypes.ENTITY_STATEMENT_TYP.equals(es.typ())) {
      throw FederationException.invalidTrustChain("The statement by " + who + " is not typed "
          + FederationMediaTypes.ENTITY_STATEMENT_TYP + ".");
    }
    if (es.iss() == null || es.sub() == null || es.iat() == null || es.exp() == null || es.jwks() == null) {
      throw FederationException.invalidTrustChain("The statement by " + who + " lacks a required claim.");
    }
    // OIDF 1.0 §10.2: iat in the past, exp in the future.
    if (es.iat().isAfter(now.plus(clockSkew))) {
      throw FederationException.invalidTrustChain("The statement by " + who + " is issued in the future.");
    }
    if (!es.exp().isAfter(now.minus(clockSkew))) {
      throw FederationException.invalidTrustChain("The statement by " + who + " has expired.");
    }
    try {
      EntityStatements.checkCrit(es.claims(), Set.of());
      EntityStatements.checkPolicyCrit(es.claims());
    } catch (IllegalArgumentException e) {
      // OIDF 1.0 §3.1: a statement with crit claims that are not understood MUST be rejected.
      throw FederationException.invalidTrustChain("The statement by " + who + " is rejected: " + e.getMessage());
    }
  }

  private EntityStatement parse(String jwt, String what) {
    try {
      return EntityStatement.parse(jwt);
    } catch (IllegalArgumentException e) {
      throw FederationException.invalidTrustChain(what + " is not a signed JWT.");
    }
  }

  /** Validates times and constraints, combines and applies policies, computes the expiry. */
  private ResolvedChain finish(String sub, List<EntityStatement> chain, JsonObject subjectMetadata) {
    chain.forEach(this::checkStatement);
    int last = chain.size() - 1;
    boolean startsWithConfiguration = chain.get(0).iss().equals(chain.get(0).sub());
    int firstSubordinateStatement = startsWithConfiguration ? 1 : 0;
    JsonObject metadata = subjectMetadata.copy();
    List<JsonObject> policyList = new ArrayList<>();
    for (int j = last - 1; j >= firstSubordinateStatement; j--) {
      policyList.add(chain.get(j).metadataPolicy());
    }
    for (int j = firstSubordinateStatement; j < last; j++) {
      // Intermediates between the issuer of ES[j] and the subject.
      int intermediatesBelow = j - firstSubordinateStatement;
      applyConstraints(chain.get(j).constraints(), intermediatesBelow, chain.subList(0, j + 1), metadata);
    }
    JsonObject resolved;
    try {
      resolved = policies.apply(policies.combineAll(policyList), metadata);
    } catch (RuntimeException e) {
      // OIDF 1.0 §6.1.4: a policy error makes the Trust Chain invalid; §8.9 names invalid_metadata.
      throw FederationException.invalidMetadata("The metadata policies of the chain for " + sub
          + " cannot be applied: " + e.getMessage(), e);
    }
    Instant exp = chain.stream().map(EntityStatement::exp).min(Instant::compareTo).orElseThrow();
    Set<String> ids = new LinkedHashSet<>();
    chain.forEach(es -> {
      ids.add(es.iss());
      ids.add(es.sub());
    });
    return new ResolvedChain(sub, chain.stream().map(EntityStatement::jwt).toList(), resolved, exp, ids);
  }

  // OIDF 1.0 §6.2: max_path_length, naming_constraints and allowed_entity_types.
  private static void applyConstraints(JsonObject constraints, int intermediatesBelow,
      List<EntityStatement> below, JsonObject metadata) {
    if (constraints.isEmpty()) {
      return;
    }
    Integer max = constraints.getValue("max_path_length") instanceof Number n ? n.intValue() : null;
    if (max != null && intermediatesBelow > max) {
      throw FederationException.invalidTrustChain("The chain exceeds max_path_length " + max + ".");
    }
    JsonObject naming = constraints.getJsonObject("naming_constraints");
    if (naming != null) {
      for (EntityStatement es : below) {
        String host = host(es.sub());
        JsonArray permitted = naming.getJsonArray("permitted");
        JsonArray excluded = naming.getJsonArray("excluded");
        if (permitted != null && permitted.stream().noneMatch(p -> nameMatches(String.valueOf(p), host))) {
          throw FederationException.invalidTrustChain(es.sub() + " is outside the permitted naming constraints.");
        }
        if (excluded != null && excluded.stream().anyMatch(p -> nameMatches(String.valueOf(p), host))) {
          throw FederationException.invalidTrustChain(es.sub() + " is excluded by the naming constraints.");
        }
      }
    }
    JsonArray allowed = constraints.getJsonArray("allowed_entity_types");
    if (allowed != null) {
      // Entity types not allowed are removed from the subject's metadata; federation_entity is always allowed.
      for (String type : Set.copyOf(metadata.fieldNames())) {
        if (!"federation_entity".equals(type) && !allowed.contains(type)) {
          metadata.remove(type);
        }
      }
    }
  }

  /** RFC 5280 §4.2.1.10 style: ".example.org" matches subdomains, "example.org" the host itself. */
  private static boolean nameMatches(String constraint, String host) {
    if (host == null) {
      return false;
    }
    String c = constraint.toLowerCase();
    return c.startsWith(".") ? host.endsWith(c) : host.equals(c);
  }

  private static String host(String url) {
    try {
      String h = URI.create(url).getHost();
      return h == null ? null : h.toLowerCase();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static void overlay(JsonObject metadata, JsonObject superiorMetadata) {
    for (String type : superiorMetadata.fieldNames()) {
      if (superiorMetadata.getValue(type) instanceof JsonObject params) {
        JsonObject target = metadata.getJsonObject(type);
        if (target == null) {
          metadata.put(type, params.copy());
        } else {
          params.forEach(e -> target.put(e.getKey(), e.getValue()));
        }
      }
    }
  }

  private boolean validEntityId(String id) {
    return id != null && validUrl(id) && URI.create(id).getRawQuery() == null && URI.create(id).getRawFragment() == null;
  }

  private boolean validUrl(String url) {
    try {
      URI u = URI.create(url);
      String scheme = u.getScheme();
      boolean schemeOk = "https".equals(scheme) || (!requireHttps && "http".equals(scheme));
      return schemeOk && u.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
