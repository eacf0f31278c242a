package eu.panosc.registry.oidfed;

import eu.panosc.platform.keys.SigningKeys;
import eu.panosc.registry.oidfed.TrustMarkStore.TrustMarkRecord;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Issues the trust anchor's Trust Marks ({@code trust-mark+jwt}) and answers the Trust Mark status,
 * Trust Marked Entities listing and Trust Mark endpoints.
 *
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-7">OpenID Federation 1.0 §7, Trust Marks</a>
 */
public final class TrustMarkIssuer {
  private final String issuer;
  private final EntityStatements signer;
  private final SigningKeys keys;
  private final TrustMarkStore store;
  private final Clock clock;

  public TrustMarkIssuer(String issuer, EntityStatements signer, SigningKeys keys, TrustMarkStore store,
      Clock clock) {
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.signer = Objects.requireNonNull(signer, "signer");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Issues a Trust Mark of {@code type} to {@code sub}.
   *
   * @param lifetime null for a Trust Mark without {@code exp}
   * @param logoUri optional {@code logo_uri}
   * @param ref optional {@code ref}
   */
  // OIDF 1.0 §7.1: claims iss, sub, trust_mark_type, iat; exp, logo_uri, ref optional.
  public Future<TrustMarkRecord> issue(String sub, String type, Duration lifetime, String logoUri, String ref) {
    Objects.requireNonNull(sub, "sub");
    Objects.requireNonNull(type, "type");
    Instant now = clock.instant();
    Instant exp = lifetime == null ? null : now.plus(lifetime);
    JsonObject claims = new JsonObject()
        .put("iss", issuer)
        .put("sub", sub)
        .put("trust_mark_type", type)
        .put("iat", now.getEpochSecond());
    if (exp != null) {
      claims.put("exp", exp.getEpochSecond());
    }
    if (logoUri != null) {
      claims.put("logo_uri", logoUri);
    }
    if (ref != null) {
      claims.put("ref", ref);
    }
    String jwt = signer.sign(FederationMediaTypes.TRUST_MARK_TYP, claims);
    TrustMarkRecord record = new TrustMarkRecord(UUID.randomUUID().toString(), type, sub,
        Instant.ofEpochSecond(now.getEpochSecond()), exp == null ? null : Instant.ofEpochSecond(exp.getEpochSecond()),
        jwt, null);
    return store.save(record).map(record);
  }

  public Future<Boolean> revoke(String id) {
    return store.revoke(id, clock.instant());
  }

  /**
   * The signed Trust Mark Status Response for {@code trustMark}: {@code active}, {@code expired},
   * {@code revoked} or {@code invalid}; not_found (404) when the mark is not one this issuer knows.
   */
  // OIDF 1.0 §8.4.2: a signed trust-mark-status-response+jwt with iss, iat, trust_mark, status.
  public Future<String> status(String trustMark) {
    if (trustMark == null || trustMark.isBlank()) {
      return Future.failedFuture(FederationException.invalidRequest("The trust_mark parameter is required."));
    }
    EntityStatement parsed;
    try {
      parsed = EntityStatement.parse(trustMark);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(FederationException.invalidRequest("trust_mark is not a signed JWT."));
    }
    if (!issuer.equals(parsed.iss())) {
      // OIDF 1.0 §8.4.2: an unknown Trust Mark is answered with 404.
      return Future.failedFuture(FederationException.notFound("This issuer did not issue that Trust Mark."));
    }
    return store.findByJwt(parsed.jwt()).compose(found -> {
      Instant now = clock.instant();
      String status;
      if (found.isPresent()) {
        TrustMarkRecord r = found.get();
        status = r.revokedAt() != null ? "revoked"
            : r.expiresAt() != null && !r.expiresAt().isAfter(now) ? "expired" : "active";
      } else if (!parsed.verifiesWith(keys.publishedKeys())
          || !FederationMediaTypes.TRUST_MARK_TYP.equals(parsed.typ())) {
        status = "invalid";
      } else {
        return Future.failedFuture(FederationException.notFound("This issuer does not know that Trust Mark."));
      }
      JsonObject claims = new JsonObject()
          .put("iss", issuer)
          .put("iat", now.getEpochSecond())
          .put("trust_mark", parsed.jwt())
          .put("status", status);
      return Future.succeededFuture(signer.sign(FederationMediaTypes.TRUST_MARK_STATUS_RESPONSE_TYP, claims));
    });
  }

  /** Entity Identifiers with an active Trust Mark of {@code type} (optionally only {@code sub}). */
  // OIDF 1.0 §8.5: trust_mark_type is REQUIRED.
  public Future<List<String>> trustMarkedEntities(String type, String sub) {
    if (type == null || type.isBlank()) {
      return Future.failedFuture(FederationException.invalidRequest("The trust_mark_type parameter is required."));
    }
    return store.list(type, sub).map(records -> {
      Instant now = clock.instant();
      return List.copyOf(records.stream().filter(r -> r.activeAt(now)).map(TrustMarkRecord::sub)
          .collect(java.util.stream.Collectors.toCollection(LinkedHashSet::new)));
    });
  }

  /** The newest active Trust Mark of {@code type} for {@code sub}; not_found (404) when there is none. */
  // OIDF 1.0 §8.6: trust_mark_type and sub are REQUIRED; 404 when the entity does not have it.
  public Future<String> trustMark(String type, String sub) {
    if (type == null || type.isBlank() || sub == null || sub.isBlank()) {
      return Future.failedFuture(FederationException.invalidRequest(
          "The trust_mark_type and sub parameters are required."));
    }
    return store.list(type, sub).compose(records -> {
      Instant now = clock.instant();
      return records.stream().filter(r -> r.activeAt(now)).findFirst()
          .map(r -> Future.succeededFuture(r.jwt()))
          .orElseGet(() -> Future.failedFuture(
              FederationException.notFound(sub + " has no active Trust Mark of type " + type + ".")));
    });
  }

  /** The active Trust Marks of {@code sub} as {@code [{trust_mark_type, trust_mark}]}, for resolve responses. */
  public Future<JsonArray> activeTrustMarks(String sub) {
    return store.list(null, sub).map(records -> {
      Instant now = clock.instant();
      JsonArray out = new JsonArray();
      records.stream().filter(r -> r.activeAt(now))
          .forEach(r -> out.add(new JsonObject().put("trust_mark_type", r.type()).put("trust_mark", r.jwt())));
      return out;
    });
  }
}
