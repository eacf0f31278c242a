package eu.panosc.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.LocalIssuer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry as OpenID Federation trust anchor, end to end: a facility's relying party hosting its
 * own entity configuration is registered, approved, fetched, listed, resolved with the registry's
 * metadata policy applied, given a trust mark, suspended; the trust anchor's keys survive a restart.
 */
class FederationIT {
  @TempDir
  Path dataDir;

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static JWTClaimsSet verify(String jwt, JWKSet keys, String type) throws Exception {
    SignedJWT signed = SignedJWT.parse(jwt);
    assertThat(signed.getHeader().getType().getType()).isEqualTo(type);
    ECKey key = (ECKey) keys.getKeyByKeyId(signed.getHeader().getKeyID());
    assertThat(key).as("signed with a published trust anchor key").isNotNull();
    assertThat(signed.verify(new ECDSAVerifier(key))).isTrue();
    return signed.getJWTClaimsSet();
  }

  @Test
  void federationWhenLeafRegisteredAndApprovedThenFetchListResolveAndTrustMarksWork() throws Exception {
    ECKey leafKey = new ECKeyGenerator(Curve.P_256).keyID("leaf-1").generate();
    HttpServer leafServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    String leaf = "http://127.0.0.1:" + leafServer.getAddress().getPort() + "/scicat";
    try (LocalIssuer issuer = LocalIssuer.start()) {
      Platform platform = RegistryPlatform.start(dataDir, issuer, true);
      String registry = platform.baseUrl() + "/registry";
      String admin = issuer.token(registry, "registry-admin", "registry:admin");
      try {
        // the leaf publishes its own entity configuration naming the registry as its authority
        Date now = new Date();
        SignedJWT ec = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256)
            .type(new JOSEObjectType("entity-statement+jwt")).keyID("leaf-1").build(),
            new JWTClaimsSet.Builder().issuer(leaf).subject(leaf).issueTime(now)
                .expirationTime(new Date(now.getTime() + 3_600_000))
                .claim("jwks", new JWKSet(leafKey.toPublicJWK()).toJSONObject())
                .claim("authority_hints", List.of(registry))
                // hostile: it claims more than the registry vetted (issue 9, item 16)
                .claim("metadata", Map.of("openid_relying_party", Map.of("client_name", "SciCat at ESRF",
                    "redirect_uris", List.of("http://attacker.example/cb"),
                    "grant_types", List.of("authorization_code", "refresh_token", "implicit"),
                    "response_types", List.of("code", "token"),
                    "token_endpoint_auth_method", "none",
                    "jwks_uri", "https://attacker.example/jwks"),
                    "openid_provider", Map.of("issuer", leaf, "authorization_endpoint", "https://attacker.example/a")))
                .build());
        ec.sign(new ECDSASigner(leafKey));
        byte[] ecBytes = ec.serialize().getBytes(StandardCharsets.US_ASCII);
        leafServer.createContext("/scicat/.well-known/openid-federation", x -> {
          x.getResponseHeaders().add("Content-Type", "application/entity-statement+jwt");
          x.sendResponseHeaders(200, ecBytes.length);
          x.getResponseBody().write(ecBytes);
          x.close();
        });
        leafServer.start();

        JsonObject client = new JsonObject().put("clientId", "scicat-fed").put("facility", "esrf")
            .put("type", "confidential").put("grantTypes", new JsonArray().add("authorization_code").add("refresh_token"))
            .put("redirectUris", new JsonArray().add("https://scicat.esrf.example/cb"))
            .put("scopes", new JsonArray().add("openid"))
            .put("federation", new JsonObject().put("entityId", leaf).put("hostsEntityConfiguration", true)
                .put("jwks", new JsonObject(new JWKSet(leafKey.toPublicJWK()).toString()))
                .put("metadataPolicy", new JsonObject().put("openid_relying_party", new JsonObject()
                    .put("grant_types", new JsonObject().put("subset_of",
                        new JsonArray().add("authorization_code").add("refresh_token")))
                    .put("contacts", new JsonObject().put("add", new JsonArray().add("security@esrf.example"))))));
        HttpResponse<String> created = Http.sendJson("POST", registry + "/admin/v1/clients", admin, client.encode());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(Http.get(registry + "/federation/list").body()).as("pending members are not published")
            .doesNotContain(leaf);
        Http.sendJson("POST", registry + "/admin/v1/clients/scicat-fed/approve", admin, null);

        HttpResponse<String> configuration = Http.get(registry + "/.well-known/openid-federation");
        assertThat(configuration.headers().firstValue("Content-Type")).hasValue("application/entity-statement+jwt");
        JWKSet taKeys = JWKSet.parse(SignedJWT.parse(configuration.body()).getJWTClaimsSet().getJSONObjectClaim("jwks"));
        JWTClaimsSet taClaims = verify(configuration.body(), taKeys, "entity-statement+jwt");
        assertThat(taClaims.getIssuer()).isEqualTo(registry).isEqualTo(taClaims.getSubject());

        JsonArray listed = new JsonArray(Http.get(registry + "/federation/list?entity_type=openid_relying_party").body());
        assertThat(listed.getList()).contains(leaf);

        HttpResponse<String> fetched = Http.get(registry + "/federation/fetch?sub=" + enc(leaf));
        JWTClaimsSet statement = verify(fetched.body(), taKeys, "entity-statement+jwt");
        assertThat(statement.getIssuer()).isEqualTo(registry);
        assertThat(statement.getSubject()).isEqualTo(leaf);
        assertThat(JWKSet.parse(statement.getJSONObjectClaim("jwks")).getKeyByKeyId("leaf-1")).isNotNull();

        HttpResponse<String> resolved = Http.get(registry + "/federation/resolve?sub=" + enc(leaf) + "&trust_anchor="
            + enc(registry));
        assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);
        assertThat(resolved.headers().firstValue("Content-Type")).hasValue("application/resolve-response+jwt");
        JWTClaimsSet result = verify(resolved.body(), taKeys, "resolve-response+jwt");
        JsonObject resolvedMetadata = new JsonObject(result.getJSONObjectClaim("metadata"));
        JsonObject rp = resolvedMetadata.getJsonObject("openid_relying_party");
        assertThat(rp.getJsonArray("redirect_uris").getList()).as("the registered redirect URI, not the leaf's own")
            .containsExactly("https://scicat.esrf.example/cb");
        assertThat(rp.getJsonArray("grant_types").getList()).as("the registered grant types")
            .containsExactly("authorization_code", "refresh_token");
        assertThat(rp.getJsonArray("response_types").getList()).containsExactly("code");
        assertThat(rp.getString("token_endpoint_auth_method")).isEqualTo("client_secret_basic");
        assertThat(rp.containsKey("jwks_uri")).as("keys only as registered").isFalse();
        assertThat(rp.getString("client_name")).isEqualTo("SciCat at ESRF");
        assertThat(rp.getJsonArray("contacts").getList()).containsExactly("security@esrf.example");
        assertThat(resolvedMetadata.containsKey("openid_provider")).as("an entity type the registry never vetted")
            .isFalse();
        JWTClaimsSet fetchedAgain = verify(Http.get(registry + "/federation/fetch?sub=" + enc(leaf)).body(), taKeys,
            "entity-statement+jwt");
        assertThat(new JsonObject(fetchedAgain.getJSONObjectClaim("metadata_policy"))
            .getJsonObject("openid_relying_party").getJsonObject("redirect_uris").getJsonArray("value").getList())
            .as("the subordinate statement pins the registered redirect URIs")
            .containsExactly("https://scicat.esrf.example/cb");
        List<Object> chain = result.getListClaim("trust_chain");
        assertThat(chain).hasSize(3);
        assertThat(SignedJWT.parse((String) chain.get(0)).getJWTClaimsSet().getIssuer()).isEqualTo(leaf);
        assertThat(result.getExpirationTime()).isBeforeOrEqualTo(new Date(now.getTime() + 3_600_000));

        HttpResponse<String> mark = Http.sendJson("POST", registry + "/admin/v1/trust-marks", admin,
            new JsonObject().put("sub", leaf).put("type", "https://refeds.org/sirtfi").encode());
        assertThat(mark.statusCode()).as(mark.body()).isEqualTo(201);
        String trustMark = new JsonObject(mark.body()).getString("trustMark");
        JWTClaimsSet markClaims = verify(trustMark, taKeys, "trust-mark+jwt");
        assertThat(markClaims.getSubject()).isEqualTo(leaf);
        assertThat(markClaims.getStringClaim("trust_mark_type")).isEqualTo("https://refeds.org/sirtfi");
        assertThat(status(registry, trustMark, taKeys)).isEqualTo("active");
        assertThat(new JsonArray(Http.get(registry + "/federation/list?trust_marked=true&trust_mark_type="
            + enc("https://refeds.org/sirtfi")).body()).getList()).containsExactly(leaf);
        HttpResponse<String> badMark = Http.sendJson("POST", registry + "/admin/v1/trust-marks", admin,
            new JsonObject().put("sub", "https://unknown.example").put("type", "https://refeds.org/sirtfi").encode());
        assertThat(badMark.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(badMark.body()).encode()).contains("/sub");
        HttpResponse<String> unknownType = Http.sendJson("POST", registry + "/admin/v1/trust-marks", admin,
            new JsonObject().put("sub", leaf).put("type", "https://other.example/mark").encode());
        assertThat(unknownType.statusCode()).isEqualTo(400);
        assertThat(unknownType.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(unknownType.body()).contains("/type").contains("https://refeds.org/sirtfi");
        HttpResponse<String> badDays = Http.sendJson("POST", registry + "/admin/v1/trust-marks", admin,
            new JsonObject().put("sub", leaf).put("type", "https://refeds.org/sirtfi").put("lifetimeDays", 0).encode());
        assertThat(badDays.statusCode()).isEqualTo(400);
        assertThat(badDays.body()).contains("/lifetimeDays");
        HttpResponse<String> unknownMark = Http.sendJson("POST", registry + "/admin/v1/trust-marks/no-such-mark/revoke",
            admin, null);
        assertThat(unknownMark.statusCode()).isEqualTo(404);
        assertThat(unknownMark.body()).contains("no trust mark 'no-such-mark'");
        String markId = new JsonObject(mark.body()).getString("id");
        assertThat(Http.sendJson("POST", registry + "/admin/v1/trust-marks/" + markId + "/revoke", admin, null)
            .statusCode()).isEqualTo(204);
        assertThat(status(registry, trustMark, taKeys)).isEqualTo("revoked");

        Http.sendJson("POST", registry + "/admin/v1/clients/scicat-fed/suspend", admin, null);
        HttpResponse<String> gone = Http.get(registry + "/federation/fetch?sub=" + enc(leaf));
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(new JsonObject(gone.body()).getString("error")).isEqualTo("not_found");
        assertThat(new JsonArray(Http.get(registry + "/federation/list").body()).getList()).doesNotContain(leaf);
      } finally {
        platform.stop().get(60, TimeUnit.SECONDS);
        leafServer.stop(0);
      }

      Platform again = RegistryPlatform.start(dataDir, issuer, true);
      try {
        String registry2 = again.baseUrl() + "/registry";
        String body = Http.get(registry2 + "/.well-known/openid-federation").body();
        JWKSet keys2 = JWKSet.parse(SignedJWT.parse(body).getJWTClaimsSet().getJSONObjectClaim("jwks"));
        assertThat(keys2.getKeys().stream().map(k -> k.getKeyID()).collect(Collectors.toSet()))
            .as("the trust anchor keeps its keys across a restart").isNotEmpty();
        verify(body, keys2, "entity-statement+jwt");
      } finally {
        again.stop().get(60, TimeUnit.SECONDS);
      }
    }
  }

  private static String status(String registry, String trustMark, JWKSet taKeys) throws Exception {
    HttpResponse<String> r = Http.send(HttpRequest.newBuilder(java.net.URI.create(registry + "/federation/trust_mark_status"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("trust_mark=" + enc(trustMark))).build());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return verify(r.body(), taKeys, "trust-mark-status-response+jwt").getStringClaim("status");
  }
}
