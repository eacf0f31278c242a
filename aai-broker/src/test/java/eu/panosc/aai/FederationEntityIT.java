package eu.panosc.aai;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The aai-broker as an OpenID Federation entity: its entity configuration under the issuer, and the registry's
 * trust anchor listing, fetching and resolving it (both services in one process, as {@code panosc up} runs them).
 */
class FederationEntityIT {
  private static final String WELL_KNOWN = "/.well-known/openid-federation";

  @TempDir
  Path dataDir;

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Verifies the JWT's signature with the key its header names in {@code keys}; its claims. */
  private static JWTClaimsSet verify(String jwt, JWKSet keys, String typ) throws Exception {
    SignedJWT signed = SignedJWT.parse(jwt);
    assertThat(signed.getHeader().getType().getType()).isEqualTo(typ);
    JWK key = keys.getKeyByKeyId(signed.getHeader().getKeyID());
    assertThat(key).as("signed with a published key").isNotNull();
    assertThat(signed.verify(new ECDSAVerifier((ECKey) key))).isTrue();
    return signed.getJWTClaimsSet();
  }

  private static JWKSet ownKeys(String jwt) throws Exception {
    return JWKSet.parse(SignedJWT.parse(jwt).getJWTClaimsSet().getJSONObjectClaim("jwks"));
  }

  @Test
  void demoWhenConfigurationFetchedThenSignedByItsFederationKeysAndResolvableThroughTheRegistry() throws Exception {
    Platform platform = AaiPlatform.start(dataDir, true, Map.of());
    try {
      String aai = platform.baseUrl() + "/aai";
      String registry = platform.baseUrl() + "/registry";
      HttpResponse<String> answer = Http.get(aai + WELL_KNOWN);
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/entity-statement+jwt");
      assertThat(answer.headers().firstValue("Cache-Control")).hasValue("public, max-age=60");

      JWKSet federationKeys = ownKeys(answer.body());
      JWTClaimsSet ec = verify(answer.body(), federationKeys, "entity-statement+jwt");
      assertThat(ec.getIssuer()).isEqualTo(aai);
      assertThat(ec.getSubject()).isEqualTo(aai);
      assertThat(ec.getExpirationTime()).isAfter(ec.getIssueTime());
      assertThat(ec.getStringListClaim("authority_hints")).containsExactly(registry);
      assertThat(federationKeys.getKeys()).extracting(JWK::getKeyID).containsExactly("aai-broker-fed-1");
      assertThat(federationKeys.getKeys()).noneMatch(JWK::isPrivate);
      JWKSet tokenKeys = JWKSet.parse(Http.get(aai + "/jwks").body());
      assertThat(tokenKeys.getKeys()).as("token signing keys stay apart from the federation keys")
          .extracting(JWK::getKeyID).doesNotContainAnyElementsOf(List.of("aai-broker-fed-1"));

      JsonObject metadata = new JsonObject(ec.getJSONObjectClaim("metadata"));
      JsonObject discovery = new JsonObject(Http.get(aai + "/.well-known/openid-configuration").body());
      JsonObject provider = metadata.getJsonObject("openid_provider");
      assertThat(provider.getJsonArray("client_registration_types_supported")).isEqualTo(new JsonArray());
      provider.remove("client_registration_types_supported");
      assertThat(provider).as("openid_provider is the discovery document").isEqualTo(discovery);
      assertThat(metadata.getJsonObject("federation_entity").getString("organization_name")).isNotBlank();

      assertThat(new JsonArray(Http.get(registry + "/federation/list?entity_type=openid_provider").body()).getList())
          .containsExactly(aai);
      String taConfiguration = Http.get(registry + WELL_KNOWN).body();
      JWKSet taKeys = ownKeys(taConfiguration);
      HttpResponse<String> fetched = Http.get(registry + "/federation/fetch?sub=" + enc(aai));
      assertThat(fetched.statusCode()).as(fetched.body()).isEqualTo(200);
      JWTClaimsSet statement = verify(fetched.body(), taKeys, "entity-statement+jwt");
      assertThat(JWKSet.parse(statement.getJSONObjectClaim("jwks")).getKeys()).extracting(JWK::computeThumbprint)
          .containsExactlyElementsOf(federationKeys.getKeys().stream().map(k -> {
            try {
              return k.computeThumbprint();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }).toList());

      HttpResponse<String> resolved = Http.get(registry + "/federation/resolve?sub=" + enc(aai) + "&trust_anchor="
          + enc(registry));
      assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);
      assertThat(resolved.headers().firstValue("Content-Type")).hasValue("application/resolve-response+jwt");
      JWTClaimsSet result = verify(resolved.body(), taKeys, "resolve-response+jwt");
      List<String> chain = result.getStringListClaim("trust_chain");
      assertThat(chain).hasSize(3);
      assertThat(verify(chain.get(0), federationKeys, "entity-statement+jwt").getSubject())
          .as("the chain starts with the broker's own entity configuration").isEqualTo(aai);
      JsonObject resolvedMetadata = new JsonObject(result.getJSONObjectClaim("metadata"));
      assertThat(resolvedMetadata.getJsonObject("openid_provider").getString("token_endpoint"))
          .isEqualTo(discovery.getString("token_endpoint"));
      assertThat(resolvedMetadata.getJsonObject("openid_provider").getString("jwks_uri")).isEqualTo(aai + "/jwks");
    } finally {
      platform.stop().get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void configurationWhenRequestMalformedThenClearAnswerNever5xx() throws Exception {
    Platform platform = AaiPlatform.start(dataDir, true, Map.of());
    try {
      String aai = platform.baseUrl() + "/aai";
      HttpResponse<String> post = Http.send(HttpRequest.newBuilder(URI.create(aai + WELL_KNOWN))
          .POST(HttpRequest.BodyPublishers.ofString("x=1")).header("Content-Type", "application/x-www-form-urlencoded")
          .build());
      assertThat(post.statusCode()).isEqualTo(405);
      assertThat(post.headers().firstValue("Allow").orElse("")).contains("GET");

      HttpResponse<String> query = Http.get(aai + WELL_KNOWN + "?sub=x&sub=y&unknown");
      assertThat(query.statusCode()).as("the endpoint takes no parameters; a query is ignored").isEqualTo(200);
      assertThat(SignedJWT.parse(query.body()).getJWTClaimsSet().getSubject()).isEqualTo(aai);

      assertThat(Http.get(aai + WELL_KNOWN + "/x").statusCode()).isEqualTo(404);

      String registry = platform.baseUrl() + "/registry";
      HttpResponse<String> wrongAnchor = Http.get(registry + "/federation/resolve?sub=" + enc(aai) + "&trust_anchor="
          + enc("https://other-anchor.example"));
      assertThat(wrongAnchor.statusCode()).isBetween(400, 499);
      assertThat(new JsonObject(wrongAnchor.body()).getString("error")).isEqualTo("invalid_trust_anchor");
    } finally {
      platform.stop().get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void productionWhenStartedTwiceThenGeneratedFederationKeyKeptAndConfiguredTrustAnchorHinted() throws Exception {
    Map<String, String> config = Map.of("services.aai.trustAnchor", "https://ta.example/federation");
    Platform first = AaiPlatform.start(dataDir, false, config);
    String kid;
    try {
      String aai = first.baseUrl() + "/aai";
      String jwt = Http.get(aai + WELL_KNOWN).body();
      JWKSet keys = ownKeys(jwt);
      JWTClaimsSet ec = verify(jwt, keys, "entity-statement+jwt");
      assertThat(ec.getStringListClaim("authority_hints")).containsExactly("https://ta.example/federation");
      kid = SignedJWT.parse(jwt).getHeader().getKeyID();
      assertThat(kid).isNotEqualTo("aai-broker-fed-1");
      assertThat(keys.getKeys()).as("current and next key").hasSize(2);
      io.vertx.sqlclient.Pool sql = first.database().pool(first.vertx(), "aai");
      try {
        List<String> stored = new java.util.ArrayList<>();
        for (io.vertx.sqlclient.Row r : sql.query("SELECT kid, private_jwk, sealed_jwk FROM federation_key").execute()
            .await()) {
          assertThat(r.getString(1)).as("no plaintext private key at rest").isNull();
          assertThat(r.getString(2)).as("sealed under the key-encryption key").startsWith("pk1.");
          stored.add(r.getString(0));
        }
        assertThat(stored).as("the published federation keys are the ones in aai.federation_key")
            .containsExactlyInAnyOrderElementsOf(keys.getKeys().stream().map(JWK::getKeyID).toList());
      } finally {
        sql.close().await();
      }
      assertThat(new JsonArray(Http.get(first.baseUrl() + "/registry/federation/list").body()).getList())
          .as("outside demo mode the broker is not a subordinate until an operator registers it").doesNotContain(aai);
      HttpResponse<String> resolved = Http.get(first.baseUrl() + "/registry/federation/resolve?sub=" + enc(aai)
          + "&trust_anchor=" + enc(first.baseUrl() + "/registry"));
      assertThat(resolved.statusCode()).as("an http entity id is refused outside demo mode").isEqualTo(400);
      assertThat(new JsonObject(resolved.body()).getString("error")).isEqualTo("invalid_request");
    } finally {
      first.stop().get(60, TimeUnit.SECONDS);
    }
    Platform again = AaiPlatform.start(dataDir, false, config);
    try {
      String jwt = Http.get(again.baseUrl() + "/aai" + WELL_KNOWN).body();
      assertThat(SignedJWT.parse(jwt).getHeader().getKeyID()).as("the sealed key survives a restart").isEqualTo(kid);
      verify(jwt, ownKeys(jwt), "entity-statement+jwt");
    } finally {
      again.stop().get(60, TimeUnit.SECONDS);
    }
  }
}
