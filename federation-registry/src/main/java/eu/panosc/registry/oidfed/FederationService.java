package eu.panosc.registry.oidfed;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * The trust anchor's federation operations without HTTP types: entity configuration, fetch, list and
 * resolve. Trust Mark operations are on {@link TrustMarkIssuer}.
 *
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-8">OpenID Federation 1.0 §8, Federation Endpoints</a>
 */
public final class FederationService {
  private final TrustAnchorStatements statements;
  private final SubordinateSource source;
  private final TrustChainResolver resolver;
  private final TrustMarkIssuer trustMarks;
  private final EntityStatements signer;
  private final Clock clock;

  public FederationService(TrustAnchorStatements statements, SubordinateSource source, TrustChainResolver resolver,
      TrustMarkIssuer trustMarks, EntityStatements signer, Clock clock) {
    this.statements = Objects.requireNonNull(statements, "statements");
    this.source = Objects.requireNonNull(source, "source");
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.trustMarks = Objects.requireNonNull(trustMarks, "trustMarks");
    this.signer = Objects.requireNonNull(signer, "signer");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public TrustMarkIssuer trustMarks() {
    return trustMarks;
  }

  public String entityConfiguration() {
    return statements.entityConfiguration();
  }

  public Future<String> fetch(String sub) {
    return statements.subordinateStatement(source, sub);
  }

  /** Entity Identifiers of the approved Immediate Subordinates that pass every given filter. */
  // OIDF 1.0 §8.2.1: several entity_type values select subordinates of any of those types.
  public Future<List<String>> list(ListRequest request) {
    return source.approved().map(all -> all.stream()
        .filter(s -> request.entityTypes().isEmpty()
            || s.entityTypes().stream().anyMatch(request.entityTypes()::contains))
        .filter(s -> request.trustMarked() == null || !request.trustMarked() || !s.trustMarks().isEmpty())
        .filter(s -> request.trustMarkType() == null || s.trustMarks().contains(request.trustMarkType()))
        .filter(s -> request.intermediate() == null || s.intermediate() == request.intermediate())
        .map(Subordinate::entityId)
        .sorted()
        .toList());
  }

  /** The signed resolve response ({@code resolve-response+jwt}) for {@code request}. */
  public Future<String> resolve(ResolveRequest request) {
    String ta = statements.settings().entityId();
    if (request.trustAnchors().isEmpty()) {
      // OIDF 1.0 §8.3.1: trust_anchor is REQUIRED.
      return Future.failedFuture(FederationException.invalidRequest("The trust_anchor parameter is required."));
    }
    if (request.trustAnchors().stream().map(FederationService::trim).noneMatch(ta::equals)) {
      // OIDF 1.0 §8.9: invalid_trust_anchor, the Trust Anchor cannot be found or used.
      return Future.failedFuture(FederationException.invalidTrustAnchor(
          "This resolver only resolves to the trust anchor " + ta + "."));
    }
    return resolver.resolve(request.sub()).compose(chain -> trustMarks.activeTrustMarks(request.sub()).map(marks -> {
      JsonObject metadata = chain.metadata().copy();
      if (!request.entityTypes().isEmpty()) {
        metadata.fieldNames().removeIf(type -> !request.entityTypes().contains(type));
      }
      // OIDF 1.0 §8.3.2: exp corresponds to the Trust Chain's expiry; trust_chain subject first.
      JsonObject claims = new JsonObject()
          .put("iss", ta)
          .put("sub", request.sub())
          .put("iat", clock.instant().getEpochSecond())
          .put("exp", chain.expiresAt().getEpochSecond())
          .put("metadata", metadata)
          .put("trust_chain", new io.vertx.core.json.JsonArray(chain.trustChain()));
      if (!marks.isEmpty()) {
        claims.put("trust_marks", marks);
      }
      return signer.sign(FederationMediaTypes.RESOLVE_RESPONSE_TYP, claims);
    }));
  }

  private static String trim(String id) {
    String s = id;
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }
}
