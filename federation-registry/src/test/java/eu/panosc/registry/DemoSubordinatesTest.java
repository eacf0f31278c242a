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
  void aaiBrokerWhenBuiltThenOpenIdProviderMetadataUnderTheIssuerWithPublicKeysOnly() {
    Subordinate aai = DemoSubordinates.aaiBroker(ISSUER, ISSUER + "/jwks");
    assertThat(aai.entityId()).isEqualTo(ISSUER);
    assertThat(aai.entityTypes()).containsExactlyInAnyOrder("openid_provider", "federation_entity");
    assertThat(aai.hostsEntityConfiguration()).isFalse();
    JsonObject op = aai.metadata().getJsonObject("openid_provider");
    assertThat(op.getString("issuer")).isEqualTo(ISSUER);
    assertThat(op.getString("jwks_uri")).isEqualTo(ISSUER + "/jwks");
    assertThat(op.getString("token_endpoint")).isEqualTo(ISSUER + "/token");
    assertThat(aai.jwks().getKeys()).isNotEmpty().noneMatch(k -> k.isPrivate());
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
