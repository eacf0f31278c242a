package eu.panosc.aai.federation.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import eu.panosc.aai.federation.trust.Federation.Entity;
import eu.panosc.aai.federation.trust.TrustChainException.Reason;
import eu.panosc.aai.federation.trust.TrustChainResolver.TrustAnchor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Trust chains of an upstream OP (OpenID Federation 1.0 §10) over a made-up federation served from memory (no real
 * federation runs here): trust anchor, intermediate, OP. A good chain with the merged metadata policy applied and cached
 * until its earliest {@code exp}; a bad signature, an expired statement, policy conflicts and violations, a loop and a
 * path too long each refused with their reason.
 */
class TrustChainResolverTest {
  private static final String TA = "https://ta.example.org";
  private static final String INT = "https://int.example.org";
  private static final String OP = "https://op.example.org";
  private static final Entity ta = Federation.entity(TA);
  private static final Entity intermediate = Federation.entity(INT);
  private static final Entity op = Federation.entity(OP);

  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  };
  private Federation federation;
  private TrustChainResolver resolver;

  static JsonObject opMetadata() {
    return new JsonObject().put("openid_provider", new JsonObject().put("issuer", OP)
        .put("authorization_endpoint", OP + "/auth").put("token_endpoint", OP + "/token")
        .put("jwks_uri", OP + "/jwks")
        .put("token_endpoint_auth_methods_supported", new JsonArray().add("private_key_jwt")
            .add("client_secret_basic").add("client_secret_jwt"))
        .put("scopes_supported", new JsonArray().add("openid").add("profile"))
        .put("id_token_signing_alg_values_supported", new JsonArray().add("ES256").add("RS256").add("HS256"))
        .put("subject_types_supported", new JsonArray().add("pairwise")));
  }

  static JsonObject policy(String parameter, String operator, Object operand) {
    return new JsonObject().put("openid_provider", new JsonObject().put(parameter,
        new JsonObject().put(operator, operand)));
  }

  @BeforeEach
  void goodFederation() {
    federation = new Federation();
    resolver = new TrustChainResolver(federation.fetcher(), clock, Duration.ofSeconds(30));
    federation.configuration(ta, List.of(), Federation.superiorMetadata(TA), 86400);
    federation.configuration(intermediate, List.of(TA), Federation.superiorMetadata(INT), 86400);
    federation.configuration(op, List.of(INT), opMetadata(), 86400);
    JsonObject taPolicy = new JsonObject().put("openid_provider", new JsonObject()
        .put("token_endpoint_auth_methods_supported", new JsonObject().put("subset_of", new JsonArray()
            .add("private_key_jwt").add("client_secret_basic")))
        .put("scopes_supported", new JsonObject().put("superset_of", new JsonArray().add("openid")))
        .put("jwks_uri", new JsonObject().put("essential", true))
        .put("contacts", new JsonObject().put("add", new JsonArray().add("ta@example.org"))));
    federation.statement(ta, INT, intermediate.publicJwks(), taPolicy, 7200);
    JsonObject intPolicy = new JsonObject().put("openid_provider", new JsonObject()
        .put("id_token_signing_alg_values_supported", new JsonObject().put("subset_of", new JsonArray().add("ES256")
            .add("RS256")))
        .put("contacts", new JsonObject().put("add", new JsonArray().add("int@example.org")))
        .put("client_registration_types_supported", new JsonObject().put("default", new JsonArray()
            .add("automatic")))
        .put("subject_types_supported", new JsonObject().put("value", new JsonArray().add("pairwise"))));
    federation.statement(intermediate, OP, op.publicJwks(), intPolicy, 3600);
  }

  private TrustChainResolver.Resolved resolve() {
    return resolver.resolve(OP, new TrustAnchor(TA, Optional.empty()), "openid_provider").await();
  }

  private void refused(Reason reason, String message) {
    assertThatThrownBy(this::resolve).isInstanceOfSatisfying(TrustChainException.class, e -> {
      assertThat(e.reason()).isEqualTo(reason);
      assertThat(e.getMessage()).contains(message);
    });
  }

  @Test
  void resolveWhenGoodChainThenPolicyMergedFromTheAnchorDownAppliedAndExpiryTheEarliest() {
    TrustChainResolver.Resolved r = resolve();

    JsonObject m = r.metadata();
    assertThat(m.getJsonArray("token_endpoint_auth_methods_supported")).containsExactly("private_key_jwt",
        "client_secret_basic");
    assertThat(m.getJsonArray("id_token_signing_alg_values_supported")).containsExactly("ES256", "RS256");
    assertThat(m.getJsonArray("contacts")).containsExactly("ta@example.org", "int@example.org");
    assertThat(m.getJsonArray("client_registration_types_supported")).containsExactly("automatic");
    assertThat(m.getString("token_endpoint")).isEqualTo(OP + "/token");
    assertThat(r.path()).containsExactly(OP, INT, TA);
    // the intermediate's statement about the OP expires first (1 h)
    assertThat(r.expiresAt()).isBetween(now.get().plusSeconds(3590), now.get().plusSeconds(3610));
  }

  @Test
  void resolveWhenCachedThenNotFetchedAgainUntilTheChainExpires() {
    resolve();
    int fetched = federation.fetches.get();
    resolve();
    assertThat(federation.fetches.get()).isEqualTo(fetched);

    now.set(now.get().plusSeconds(3700));
    federation.statement(intermediate, OP, op.publicJwks(), null, 86400 + 7200);
    federation.configuration(op, List.of(INT), opMetadata(), 86400 + 7200);
    federation.configuration(intermediate, List.of(TA), Federation.superiorMetadata(INT), 86400 + 7200);
    federation.configuration(ta, List.of(), Federation.superiorMetadata(TA), 86400 + 7200);
    federation.statement(ta, INT, intermediate.publicJwks(), null, 86400 + 7200);
    resolve();
    assertThat(federation.fetches.get()).isGreaterThan(fetched);
  }

  @Test
  void resolveWhenTheAnchorsKeysAreConfiguredThenItsConfigurationMustVerifyWithThem() {
    assertThat(resolver.resolve(OP, new TrustAnchor(TA, Optional.of(ta.publicJwks())), "openid_provider").await()
        .path()).endsWith(TA);
    Entity impostor = Federation.entity(TA);
    assertThatThrownBy(() -> resolver.resolve(OP, new TrustAnchor(TA, Optional.of(new JWKSet(
        impostor.key().toPublicJWK()))), "openid_provider").await())
        .isInstanceOfSatisfying(TrustChainException.class, e -> assertThat(e.reason()).isEqualTo(Reason.SIGNATURE));
  }

  @Test
  void resolveWhenTheOpsConfigurationIsSignedByAKeyItsSuperiorDoesNotVouchForThenSignature() {
    Entity forged = Federation.entity(OP);
    federation.configuration(forged, List.of(INT), opMetadata(), 86400);

    refused(Reason.SIGNATURE, "keys given by " + INT);
  }

  @Test
  void resolveWhenASubordinateStatementIsNotSignedByItsIssuerThenSignature() {
    Entity forged = Federation.entity(INT);
    federation.statement(new Entity(INT, forged.key()), OP, op.publicJwks(), null, 3600);

    refused(Reason.SIGNATURE, "the statement of " + INT);
  }

  @Test
  void resolveWhenAStatementExpiredThenExpired() {
    federation.statement(intermediate, OP, op.publicJwks(), null, -120);

    refused(Reason.EXPIRED, "expired");
  }

  @Test
  void resolveWhenTheSuperiorsValuesDifferThenPolicyConflict() {
    federation.statement(ta, INT, intermediate.publicJwks(), policy("subject_types_supported", "value",
        new JsonArray().add("public")), 7200);

    refused(Reason.POLICY, "subject_types_supported");
  }

  @Test
  void resolveWhenMetadataViolatesThePolicyThenPolicyNamingTheParameter() {
    federation.statement(ta, INT, intermediate.publicJwks(), policy("scopes_supported", "superset_of",
        new JsonArray().add("openid").add("eduperson_entitlement")), 7200);
    refused(Reason.POLICY, "scopes_supported");

    federation.statement(ta, INT, intermediate.publicJwks(), policy("end_session_endpoint", "essential", true), 7200);
    refused(Reason.POLICY, "essential but absent");

    federation.statement(ta, INT, intermediate.publicJwks(), policy("token_endpoint", "one_of",
        new JsonArray().add("https://elsewhere.example/token")), 7200);
    refused(Reason.POLICY, "not one of");
  }

  @Test
  void resolveWhenOperatorsCannotBeCombinedOrUnknownThenPolicy() {
    federation.statement(ta, INT, intermediate.publicJwks(), new JsonObject().put("openid_provider",
        new JsonObject().put("id_token_signing_alg_values_supported", new JsonObject().put("one_of",
            new JsonArray().add("ES256")))), 7200);
    refused(Reason.POLICY, "cannot be combined with subset_of");

    federation.statement(ta, INT, intermediate.publicJwks(), policy("contacts", "subset_of",
        new JsonArray().add("ta@example.org")), 7200);
    refused(Reason.POLICY, "outside subset_of");

    federation.statement(ta, INT, intermediate.publicJwks(), policy("scopes_supported", "regexp", "open.*"), 7200);
    refused(Reason.POLICY, "not a standard operator");
  }

  @Test
  void resolveWhenAuthorityHintsLoopThenLoop() {
    Entity other = Federation.entity("https://other.example.org");
    federation.configuration(intermediate, List.of(other.id()), Federation.superiorMetadata(INT), 86400);
    federation.configuration(other, List.of(INT), Federation.superiorMetadata(other.id()), 86400);
    federation.statement(other, INT, intermediate.publicJwks(), null, 3600);

    refused(Reason.LOOP, "loop back to " + INT);
  }

  @Test
  void resolveWhenThePathIsTooLongThenTooLong() {
    String below = OP;
    ECKey belowKey = op.key();
    // OP -> i1 -> i2 -> ... -> i6 -> TA
    Entity previous = null;
    for (int i = 1; i <= 6; i++) {
      Entity e = Federation.entity("https://i" + i + ".example.org");
      if (previous == null) {
        federation.configuration(op, List.of(e.id()), opMetadata(), 86400);
      } else {
        federation.configuration(previous, List.of(e.id()), Federation.superiorMetadata(previous.id()), 86400);
      }
      federation.statement(e, below, new JWKSet(belowKey.toPublicJWK()), null, 3600);
      below = e.id();
      belowKey = e.key();
      previous = e;
    }
    federation.configuration(previous, List.of(TA), Federation.superiorMetadata(previous.id()), 86400);
    federation.statement(ta, previous.id(), previous.publicJwks(), null, 3600);

    refused(Reason.TOO_LONG, "within " + TrustChainResolver.MAX_PATH);
  }

  @Test
  void resolveWhenNoPathOrNoMetadataThenRefused() {
    federation.configuration(op, List.of(), opMetadata(), 86400);
    refused(Reason.NO_PATH, "names no superior");

    federation.configuration(op, List.of(INT), new JsonObject(), 86400);
    refused(Reason.POLICY, "no openid_provider metadata");
  }
}
