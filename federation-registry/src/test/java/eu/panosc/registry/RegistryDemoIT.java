package eu.panosc.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import eu.panosc.platform.demo.DemoFederation;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.LocalIssuer;
import eu.panosc.registry.saml.SamlFixtures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo federation is registered once in demo mode, exercises every published surface (OpenID Federation
 * list, fetch, resolve; SAML aggregate, MDQ, discovery) and is invisible to readers outside demo mode.
 */
class RegistryDemoIT {
  /** Facilities (6), clients (9), the OIDC and SAML upstreams (2), SAML entities (3) and clusters (7) of the fixture. */
  private static final int SEEDED = 27;

  @TempDir
  Path dataDir;

  /** The federation and SAML tests only read what the demo seeds: one demo registry serves both. */
  @RegisterExtension
  static final SharedRegistry shared = SharedRegistry.of(SharedRegistry.Kind.DEMO);

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static HttpResponse<byte[]> getBytes(String url) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The OpenID Federation entity ids the fixture gives its clients. */
  private static List<String> clientEntityIds(JsonObject fixture) {
    List<String> out = new ArrayList<>();
    fixture.getJsonArray("clients").forEach(c -> {
      JsonObject fed = ((JsonObject) c).getJsonObject("federation");
      if (fed != null) {
        out.add(fed.getString("entityId"));
      }
    });
    return out;
  }

  private static List<String> samlEntityIds(JsonObject fixture, String role) {
    return fixture.getJsonArray("samlEntities").stream().map(JsonObject.class::cast)
        .filter(e -> role == null || role.equals(e.getString("role"))).map(e -> e.getString("entityId")).toList();
  }

  private Platform start(LocalIssuer issuer, boolean demo) throws Exception {
    Path key = dataDir.resolve("saml-key.pem");
    Path cert = dataDir.resolve("saml-cert.pem");
    Files.writeString(key, SamlFixtures.resource("registry-key.pem"));
    Files.writeString(cert, SamlFixtures.resource("registry-cert.pem"));
    return RegistryPlatform.start(dataDir.resolve("var"), issuer, demo, Map.of(
        "services.registry.samlSigningKey", key.toString(), "services.registry.samlSigningCertificate", cert.toString()));
  }

  @Test
  void demoWhenStartedThenSeededOnceApprovedAndHiddenOutsideDemo() throws Exception {
    JsonObject fixture = DemoFederation.fixture();
    try (LocalIssuer issuer = LocalIssuer.start()) {
      Platform demo = start(issuer, true);
      String api = demo.baseUrl() + "/registry";
      String reader = issuer.token(api, "resource-broker", "registry:read");
      JsonObject scicat = new JsonObject(Http.getAuthorized(api + "/v1/clients/scicat-esrf", reader).body());
      assertThat(scicat.getString("state")).isEqualTo("approved");
      assertThat(scicat.getBoolean("demo")).isTrue();
      assertThat(scicat.getString("facility")).isEqualTo("esrf");
      assertThat(scicat.encode()).doesNotContain("scicat-esrf-demo-secret");
      assertThat(new JsonObject(Http.getAuthorized(api + "/v1/clusters", reader).body()).getJsonArray("items"))
          .hasSize(7);
      assertThat(new JsonObject(Http.getAuthorized(api + "/v1/saml-entities", reader).body()).getJsonArray("items"))
          .hasSize(fixture.getJsonArray("samlEntities").size());
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(new JsonArray(Http.get(api + "/discovery/idps.json").body())).isNotEmpty());
      demo.stop().get(60, TimeUnit.SECONDS);

      Platform again = start(issuer, true);
      String api2 = again.baseUrl() + "/registry";
      String admin2 = issuer.token(api2, "registry-admin", "registry:admin");
      assertThat(new JsonObject(Http.getAuthorized(api2 + "/admin/v1/audit?limit=1000", admin2).body())
          .getJsonArray("items")).as("a second demo start registers nothing again").hasSize(SEEDED);
      again.stop().get(60, TimeUnit.SECONDS);

      Platform production = start(issuer, false);
      String api3 = production.baseUrl() + "/registry";
      String reader3 = issuer.token(api3, "resource-broker", "registry:read");
      assertThat(Http.getAuthorized(api3 + "/v1/clients/scicat-esrf", reader3).statusCode()).isEqualTo(404);
      assertThat(new JsonObject(Http.getAuthorized(api3 + "/v1/facilities", reader3).body()).getJsonArray("items"))
          .isEmpty();
      assertThat(new JsonArray(Http.get(api3 + "/federation/list").body()).getList())
          .as("demo entities are not published outside demo mode").isEmpty();
      assertThat(Http.get(api3 + "/federation/fetch?sub=" + enc(clientEntityIds(fixture).get(0))).statusCode())
          .isEqualTo(404);
      assertThat(new JsonArray(Http.get(api3 + "/discovery/idps.json").body())).isEmpty();
      for (String entityId : samlEntityIds(fixture, null)) {
        assertThat(getBytes(api3 + "/mdq/entities/" + enc(entityId)).statusCode()).as(entityId).isEqualTo(404);
      }
      assertThat(new String(getBytes(api3 + "/mdq/entities").body(), StandardCharsets.UTF_8))
          .doesNotContain(samlEntityIds(fixture, null).get(0));
      production.stop().get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void demoWhenStartedThenFederationListFetchAndResolveServeItsEntitiesAndTheAaiBroker() throws Exception {
    JsonObject fixture = DemoFederation.fixture();
    LocalIssuer issuer = shared.issuer();
    Platform demo = shared.platform();
    String registry = demo.baseUrl() + "/registry";
    String configuration = Http.get(registry + "/.well-known/openid-federation").body();
    JWKSet taKeys = JWKSet.parse(SignedJWT.parse(configuration).getJWTClaimsSet().getJSONObjectClaim("jwks"));
    FederationIT.verify(configuration, taKeys, "entity-statement+jwt");

    List<String> entities = new ArrayList<>(clientEntityIds(fixture));
    assertThat(entities).as("the fixture gives facility services entity ids").hasSizeGreaterThanOrEqualTo(2);
    String aai = issuer.issuer();
    JsonArray listed = new JsonArray(Http.get(registry + "/federation/list").body());
    assertThat(listed.getList()).containsAll(entities).contains(aai);
    assertThat(new JsonArray(Http.get(registry + "/federation/list?entity_type=openid_provider").body()).getList())
        .containsExactly(aai);
    assertThat(new JsonArray(Http.get(registry + "/federation/list?entity_type=openid_relying_party").body())
        .getList()).containsExactlyInAnyOrderElementsOf(entities);

    for (String entityId : entities) {
      HttpResponse<String> fetched = Http.get(registry + "/federation/fetch?sub=" + enc(entityId));
      assertThat(fetched.statusCode()).as(entityId + ": " + fetched.body()).isEqualTo(200);
      JWTClaimsSet statement = FederationIT.verify(fetched.body(), taKeys, "entity-statement+jwt");
      assertThat(statement.getSubject()).isEqualTo(entityId);
      assertThat(statement.getIssuer()).isEqualTo(registry);
      assertThat(JWKSet.parse(statement.getJSONObjectClaim("jwks")).getKeys()).isNotEmpty();

      HttpResponse<String> resolved = Http.get(registry + "/federation/resolve?sub=" + enc(entityId)
          + "&trust_anchor=" + enc(registry));
      assertThat(resolved.statusCode()).as(entityId + ": " + resolved.body()).isEqualTo(200);
      JWTClaimsSet result = FederationIT.verify(resolved.body(), taKeys, "resolve-response+jwt");
      assertThat(new JsonObject(result.getJSONObjectClaim("metadata")).getJsonObject("openid_relying_party"))
          .as(entityId).isNotNull();
      assertThat(result.getListClaim("trust_chain")).hasSize(2);
    }
    JsonObject scicat = fixture.getJsonArray("clients").stream().map(JsonObject.class::cast)
        .filter(c -> "scicat-esrf".equals(c.getString("clientId"))).findFirst().orElseThrow();
    JWTClaimsSet scicatResolved = FederationIT.verify(Http.get(registry + "/federation/resolve?sub="
        + enc(scicat.getJsonObject("federation").getString("entityId")) + "&trust_anchor=" + enc(registry)).body(),
        taKeys, "resolve-response+jwt");
    assertThat(new JsonObject(scicatResolved.getJSONObjectClaim("metadata")).getJsonObject("openid_relying_party")
        .getJsonArray("redirect_uris")).isEqualTo(scicat.getJsonArray("redirectUris"));

    HttpResponse<String> aaiFetched = Http.get(registry + "/federation/fetch?sub=" + enc(aai));
    assertThat(aaiFetched.statusCode()).as(aaiFetched.body()).isEqualTo(200);
    JWTClaimsSet aaiStatement = FederationIT.verify(aaiFetched.body(), taKeys, "entity-statement+jwt");
    assertThat(aaiStatement.getSubject()).isEqualTo(aai);
    assertThat(JWKSet.parse(aaiStatement.getJSONObjectClaim("jwks")).getKeyByKeyId("aai-broker-fed-1")).isNotNull();
    assertThat(aaiStatement.getClaim("metadata")).as("the aai-broker hosts its own configuration").isNull();
    JsonObject op = new JsonObject(aaiStatement.getJSONObjectClaim("metadata_policy")).getJsonObject("openid_provider");
    assertThat(op.getJsonObject("issuer").getString("value")).isEqualTo(aai);
    assertThat(op.getJsonObject("jwks_uri").getString("value")).isEqualTo(aai + "/jwks");

    // This registry runs without the aai-broker (a stand-in issuer serves no entity configuration): resolving the
    // broker is a trust chain error naming the URL, not a server error. The aai-broker's ITs resolve it for real.
    HttpResponse<String> aaiResolved = Http.get(registry + "/federation/resolve?sub=" + enc(aai) + "&trust_anchor="
        + enc(registry));
    assertThat(aaiResolved.statusCode()).as(aaiResolved.body()).isEqualTo(400);
    assertThat(new JsonObject(aaiResolved.body()).getString("error")).isEqualTo("invalid_trust_chain");
    assertThat(new JsonObject(aaiResolved.body()).getString("error_description"))
        .contains(aai + "/.well-known/openid-federation");
  }

  @Test
  void demoWhenStartedThenSignedAggregateMdqAndDiscoveryCarryItsSamlEntities() throws Exception {
    JsonObject fixture = DemoFederation.fixture();
    PublicKey signer = SamlFixtures.certificate("registry").getPublicKey();
    Platform demo = shared.platform();
    String registry = demo.baseUrl() + "/registry";
    List<String> all = samlEntityIds(fixture, null);
    assertThat(all).as("the fixture has SAML entities").hasSizeGreaterThanOrEqualTo(2);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(new String(
        getBytes(registry + "/mdq/entities").body(), StandardCharsets.UTF_8)).contains(all.get(all.size() - 1)));

    HttpResponse<byte[]> aggregate = getBytes(registry + "/mdq/entities");
    assertThat(aggregate.statusCode()).isEqualTo(200);
    String xml = new String(aggregate.body(), StandardCharsets.UTF_8);
    for (String entityId : all) {
      assertThat(xml).contains("entityID=\"" + entityId + "\"");
    }
    assertThat(SamlFixtures.jdkVerifies(aggregate.body(), signer)).as("the aggregate's signature verifies").isTrue();

    for (String entityId : all) {
      HttpResponse<byte[]> one = getBytes(registry + "/mdq/entities/" + enc(entityId));
      assertThat(one.statusCode()).as(entityId).isEqualTo(200);
      assertThat(new String(one.body(), StandardCharsets.UTF_8)).contains("entityID=\"" + entityId + "\"");
      assertThat(SamlFixtures.jdkVerifies(one.body(), signer)).as(entityId + " verifies").isTrue();
    }

    JsonArray disco = new JsonArray(Http.get(registry + "/discovery/idps.json").body());
    assertThat(disco.stream().map(o -> ((JsonObject) o).getString("entityID")).toList())
        .containsExactlyInAnyOrderElementsOf(samlEntityIds(fixture, "idp"));
  }
}
