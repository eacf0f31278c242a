package eu.panosc.registry;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.demo.DemoFederation;
import eu.panosc.registry.oidfed.Subordinate;
import eu.panosc.registry.oidfed.SubordinateSource;
import eu.panosc.registry.saml.SamlEntity;
import eu.panosc.registry.saml.SamlMetadataParser;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DemoSubordinatesTest {
  private static final String ISSUER = "http://localhost:8080/aai";

  private static final SubordinateSource NONE = new SubordinateSource() {
    @Override
    public Future<List<Subordinate>> approved() {
      return Future.succeededFuture(List.of());
    }

    @Override
    public Future<Optional<Subordinate>> approved(String entityId) {
      return Future.succeededFuture(Optional.empty());
    }
  };

  @Test
  void aaiBrokerWhenBuiltThenHostsItsConfigurationWithPolicyPinningIssuerAndJwksUri() {
    Subordinate aai = DemoSubordinates.aaiBroker(ISSUER, ISSUER + "/jwks");
    assertThat(aai.entityId()).isEqualTo(ISSUER);
    assertThat(aai.entityTypes()).containsExactlyInAnyOrder("openid_provider", "federation_entity");
    assertThat(aai.hostsEntityConfiguration()).isTrue();
    JsonObject op = aai.metadataPolicy().getJsonObject("openid_provider");
    assertThat(op.getJsonObject("issuer").getString("value")).isEqualTo(ISSUER);
    assertThat(op.getJsonObject("jwks_uri").getString("value")).isEqualTo(ISSUER + "/jwks");
    assertThat(aai.constraints().getJsonArray("allowed_entity_types").getList()).containsExactly("openid_provider");
    assertThat(aai.jwks().getKeys()).isNotEmpty().noneMatch(k -> k.isPrivate());
  }

  @Test
  void aaiBrokerWhenBuiltThenItsKeyOnFileIsThePublicHalfOfTheFixtureSigningKey() throws Exception {
    Subordinate aai = DemoSubordinates.aaiBroker(ISSUER, ISSUER + "/jwks");
    com.nimbusds.jose.jwk.ECKey signing = com.nimbusds.jose.jwk.ECKey.parse(DemoFederation.fixture()
        .getJsonObject("federation").getJsonObject("aaiBroker").getJsonObject("signingKey").encode());
    assertThat(signing.isPrivate()).isTrue();
    assertThat(aai.jwks().getKeys()).singleElement().satisfies(k -> {
      assertThat(k.getKeyID()).isEqualTo(signing.getKeyID());
      assertThat(k.computeThumbprint()).isEqualTo(signing.toPublicJWK().computeThumbprint());
    });
  }

  @Test
  void approvedWhenRegistryHasNoneThenTheAaiBrokerIsListedAndFound() {
    DemoSubordinates source = new DemoSubordinates(NONE, ISSUER, ISSUER + "/jwks");
    assertThat(source.approved().result()).extracting(Subordinate::entityId).containsExactly(ISSUER);
    assertThat(source.approved(ISSUER).result()).isPresent();
    assertThat(source.approved("https://other.example").result()).isEmpty();
  }

  @Test
  void samlEntitiesWhenParsedThenEachFixtureEntityIsValidWithItsRole() throws Exception {
    SamlMetadataParser parser = new SamlMetadataParser(Clock.systemUTC());
    for (Object o : DemoFederation.fixture().getJsonArray("samlEntities")) {
      JsonObject fixture = (JsonObject) o;
      SamlEntity entity = parser.parse(DemoFederation.samlMetadata(fixture.getString("entityId"))
          .getBytes(StandardCharsets.UTF_8));
      assertThat(entity.entityId()).isEqualTo(fixture.getString("entityId"));
      assertThat(entity.roles()).extracting(r -> r.name().toLowerCase(java.util.Locale.ROOT))
          .anyMatch(r -> r.startsWith(fixture.getString("role")));
    }
  }
}
