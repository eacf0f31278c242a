package eu.panosc.registry.saml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eu.panosc.platform.service.Platform;
import eu.panosc.registry.SharedRegistry;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.LocalIssuer;
import eu.panosc.registry.RegistryPlatform;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SAML entities through the admin API to MDQ and the signed aggregate, over HTTP, with the
 * signatures checked by the JDK's own XML signature API.
 */
class SamlPublishingIT {
  @TempDir
  Path dir;

  /** Tests 1 and 2 need no registry of their own (they publish SPs and one IdP of their own ids, suspended again). */
  @RegisterExtension
  static final SharedRegistry shared = SharedRegistry.of(SharedRegistry.Kind.PLAIN);

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static HttpResponse<byte[]> getBytes(String url, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
    headers.forEach(b::header);
    return HttpClient.newHttpClient().send(b.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void samlWhenEntitiesApprovedThenMdqAggregateAndDiscoveryPublishThemSigned() throws Exception {
    String api = shared.api();
    String admin = shared.issuer().token(api, "registry-admin", "registry:admin");
    String idpId = "https://idp.umbrellaid.example/idp";
    String spId = "https://scicat.esrf.example/sp";
    HttpResponse<String> dtd = Http.sendJson("POST", api + "/admin/v1/saml-entities", admin, new JsonObject()
        .put("metadata", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>")
        .encode());
    assertThat(dtd.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(dtd.body()).getJsonArray("errors").getJsonObject(0).getString("reason"))
        .contains("DTD");
    assertThat(dtd.body()).doesNotContain("root:");

    for (String xml : new String[] {SamlFixtures.idp(idpId), SamlFixtures.sp(spId)}) {
      HttpResponse<String> created = Http.sendJson("POST", api + "/admin/v1/saml-entities", admin,
          new JsonObject().put("metadata", xml).encode());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }
    HttpResponse<String> duplicate = Http.sendJson("POST", api + "/admin/v1/saml-entities", admin,
        new JsonObject().put("metadata", SamlFixtures.sp(spId)).encode());
    assertThat(duplicate.statusCode()).isEqualTo(409);
    assertThat(getBytes(api + "/mdq/entities/" + enc(idpId), Map.of()).statusCode())
        .as("pending entities are not published").isEqualTo(404);

    Http.sendJson("POST", api + "/admin/v1/saml-entities/" + enc(idpId) + "/approve", admin, null);
    Http.sendJson("POST", api + "/admin/v1/saml-entities/" + enc(spId) + "/approve", admin, null);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(getBytes(api + "/mdq/entities/" + enc(spId), Map.of()).statusCode()).isEqualTo(200));

    HttpResponse<byte[]> byId = getBytes(api + "/mdq/entities/" + enc(idpId), Map.of());
    assertThat(byId.statusCode()).isEqualTo(200);
    assertThat(byId.headers().firstValue("Content-Type")).hasValue("application/samlmetadata+xml");
    assertThat(byId.headers().firstValue("Cache-Control")).isPresent();
    String etag = byId.headers().firstValue("ETag").orElseThrow();
    var publicKey = SamlFixtures.certificate("registry").getPublicKey();
    assertThat(SamlFixtures.jdkVerifies(byId.body(), publicKey)).isTrue();

    HttpResponse<byte[]> bySha1 = getBytes(api + "/mdq/entities/" + enc(SamlEntity.sha1Id(idpId)), Map.of());
    assertThat(bySha1.body()).isEqualTo(byId.body());
    assertThat(bySha1.headers().firstValue("ETag")).hasValue(etag);

    HttpResponse<byte[]> notModified = getBytes(api + "/mdq/entities/" + enc(idpId), Map.of("If-None-Match", etag));
    assertThat(notModified.statusCode()).isEqualTo(304);
    assertThat(notModified.body()).isEmpty();

    HttpResponse<byte[]> gz = getBytes(api + "/mdq/entities/" + enc(idpId), Map.of("Accept-Encoding", "gzip"));
    assertThat(gz.headers().firstValue("Content-Encoding")).hasValue("gzip");
    assertThat(new GZIPInputStream(new ByteArrayInputStream(gz.body())).readAllBytes()).isEqualTo(byId.body());

    HttpResponse<byte[]> missing = getBytes(api + "/mdq/entities/" + enc("https://nobody.example/idp"), Map.of());
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Cache-Control")).isPresent();

    HttpResponse<byte[]> aggregate = getBytes(api + "/mdq/entities", Map.of());
    assertThat(aggregate.statusCode()).isEqualTo(200);
    String xml = new String(aggregate.body(), StandardCharsets.UTF_8);
    assertThat(xml).contains("EntitiesDescriptor").contains("validUntil").contains(idpId).contains(spId);
    assertThat(SamlFixtures.jdkVerifies(aggregate.body(), publicKey)).isTrue();
    byte[] tampered = xml.replace("scicat.esrf.example", "scicat.evil.example").getBytes(StandardCharsets.UTF_8);
    assertThat(SamlFixtures.jdkVerifies(tampered, publicKey)).isFalse();

    JsonArray disco = new JsonArray(Http.get(api + "/discovery/idps.json").body());
    assertThat(disco.stream().map(o -> ((JsonObject) o).getString("entityID"))).containsExactly(idpId);

    Http.sendJson("POST", api + "/admin/v1/saml-entities/" + enc(idpId) + "/suspend", admin, null);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(getBytes(api + "/mdq/entities/" + enc(idpId), Map.of()).statusCode()).isEqualTo(404));
    assertThat(new JsonArray(Http.get(api + "/discovery/idps.json").body())).isEmpty();
  }

  /** Issue 9, item 15: a bad member stored before today's checks is left out; every other member is published. */
  @Test
  void aggregateWhenStoredMemberInvalidThenLeftOutCountedAndRestPublishedSigned() throws Exception {
    Platform platform = shared.platform();
    String api = shared.api();
    String admin = shared.issuer().token(api, "registry-admin", "registry:admin");
    io.vertx.sqlclient.Pool pool = platform.database().pool(platform.vertx(), "registry");
    try {
      String badId = "https://bad.example.org/sp";
      String bad = SamlFixtures.sp(badId).replace("<SPSSODescriptor ", "<SPSSODescriptor cacheDuration=\"one hour\" ");
      HttpResponse<String> refused = Http.sendJson("POST", api + "/admin/v1/saml-entities", admin,
          new JsonObject().put("metadata", bad).encode());
      assertThat(refused.statusCode()).isEqualTo(400);
      JsonObject error = new JsonObject(refused.body()).getJsonArray("errors").getJsonObject(0);
      assertThat(error.getString("field")).isEqualTo("/metadata");
      assertThat(error.getString("reason")).contains("cacheDuration").contains("one hour");
      assertThat(Http.sendJson("POST", api + "/admin/v1/saml-entities", admin, new JsonObject().put("metadata",
          SamlFixtures.sp("https://noacs.example.org/sp").replaceAll("(?s)<AssertionConsumerService .*?/>", ""))
          .encode()).statusCode()).isEqualTo(400);

      // as an older version accepted it: approved, straight into the table
      JsonObject document = new JsonObject().put("entityID", badId).put("roles", new JsonArray().add("sp"))
          .put("displayName", "Bad").put("facility", null).put("metadata", bad);
      pool.preparedQuery("INSERT INTO member (kind, id, facility_id, state, document, version, created_at, updated_at)"
              + " VALUES ('saml_entity', $1, NULL, 'approved', $2, 1, now(), now())")
          .execute(io.vertx.sqlclient.Tuple.of(badId, document)).await();

      String goodId = "https://good.example.org/sp";
      assertThat(Http.sendJson("POST", api + "/admin/v1/saml-entities", admin,
          new JsonObject().put("metadata", SamlFixtures.sp(goodId)).encode()).statusCode()).isEqualTo(201);
      Http.sendJson("POST", api + "/admin/v1/saml-entities/" + enc(goodId) + "/approve", admin, null);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(getBytes(api + "/mdq/entities/" + enc(goodId), Map.of()).statusCode()).isEqualTo(200));

      HttpResponse<byte[]> aggregate = getBytes(api + "/mdq/entities", Map.of());
      assertThat(aggregate.statusCode()).isEqualTo(200);
      String xml = new String(aggregate.body(), StandardCharsets.UTF_8);
      assertThat(xml).contains(goodId).doesNotContain(badId).doesNotContain("one hour");
      assertThat(SamlFixtures.jdkVerifies(aggregate.body(), SamlFixtures.certificate("registry").getPublicKey()))
          .isTrue();
      SamlSchema.validate(SamlFixtures.parse(aggregate.body()).getDocumentElement());
      assertThat(getBytes(api + "/mdq/entities/" + enc(badId), Map.of()).statusCode()).isEqualTo(404);
      assertThat(platform.registry().get("panosc_registry_unpublishable_members_total").tag("kind", "saml_entity")
          .counter().count()).isGreaterThanOrEqualTo(1);
    } finally {
      pool.close().await();
    }
  }

  static byte[] upstreamFeed(String signer) {
    String idp = SamlFixtures.idp("https://idp.umbrellaid.example/shibboleth").replaceFirst("<\\?xml[^>]*>", "");
    String feed = """
        <md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
            Name="urn:mace:umbrellaid:feed" validUntil="%s">
          %s
        </md:EntitiesDescriptor>
        """.formatted(java.time.Instant.now().plus(java.time.Duration.ofDays(5)).truncatedTo(
            java.time.temporal.ChronoUnit.SECONDS), idp);
    return SamlFixtures.jdkSign(feed, "_umbrella", SamlFixtures.privateKey(signer), SamlFixtures.certificate(signer));
  }

  @Test
  void upstreamWhenFeedSignedByPinnedKeyThenImportedAndPublishedElseRefusedAndKept() throws Exception {
    java.util.concurrent.atomic.AtomicReference<byte[]> served = new java.util.concurrent.atomic.AtomicReference<>(
        upstreamFeed("upstream"));
    com.sun.net.httpserver.HttpServer feedServer = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    feedServer.createContext("/feed.xml", x -> {
      byte[] body = served.get();
      x.sendResponseHeaders(200, body.length);
      x.getResponseBody().write(body);
      x.close();
    });
    feedServer.start();
    try (LocalIssuer issuer = LocalIssuer.start()) {
      // demo mode: the feed is served over http://127.0.0.1 in this test
      Platform platform = RegistryPlatform.start(dir.resolve("var3"), issuer, true);
      String api = platform.baseUrl() + "/registry";
      String admin = issuer.token(api, "registry-admin", "registry:admin");
      String idpId = "https://idp.umbrellaid.example/shibboleth";
      try {
        HttpResponse<String> created = Http.sendJson("POST", api + "/admin/v1/upstream-idps", admin, new JsonObject()
            .put("id", "umbrellaid-feed").put("protocol", "saml")
            .put("metadataUrl", "http://127.0.0.1:" + feedServer.getAddress().getPort() + "/feed.xml")
            .put("signingCertificate", SamlFixtures.resource("upstream-cert.pem")).encode());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Http.sendJson("POST", api + "/admin/v1/upstream-idps/umbrellaid-feed/approve", admin, null);

        HttpResponse<String> imported = Http.sendJson("POST", api + "/admin/v1/upstream-idps/umbrellaid-feed/import",
            admin, null);
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
        assertThat(new JsonObject(imported.body()).getInteger("imported")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(getBytes(api + "/mdq/entities/" + enc(idpId), Map.of()).statusCode()).isEqualTo(200));

        served.set(upstreamFeed("other"));
        HttpResponse<String> refused = Http.sendJson("POST", api + "/admin/v1/upstream-idps/umbrellaid-feed/import",
            admin, null);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("signature");
        Thread.sleep(500);
        assertThat(getBytes(api + "/mdq/entities/" + enc(idpId), Map.of()).statusCode())
            .as("a refused feed leaves the last good import in place").isEqualTo(200);

        assertThat(refused.body()).contains("/metadataUrl");

        HttpResponse<String> unknown = Http.sendJson("POST", api + "/admin/v1/upstream-idps/no-such-idp/import",
            admin, null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("no upstream IdP 'no-such-idp'");
        HttpResponse<String> oidc = Http.sendJson("POST", api + "/admin/v1/upstream-idps", admin, new JsonObject()
            .put("id", "eduteams-oidc").put("protocol", "oidc").put("issuer", "https://proxy.eduteams.example").encode());
        assertThat(oidc.statusCode()).as(oidc.body()).isEqualTo(201);
        HttpResponse<String> oidcImport = Http.sendJson("POST", api + "/admin/v1/upstream-idps/eduteams-oidc/import",
            admin, null);
        assertThat(oidcImport.statusCode()).isEqualTo(409);
        assertThat(oidcImport.body()).contains("only SAML feeds are imported");
        HttpResponse<String> gone = Http.sendJson("POST", api + "/admin/v1/upstream-idps", admin, new JsonObject()
            .put("id", "unreachable-feed").put("protocol", "saml")
            .put("metadataUrl", "http://127.0.0.1:" + Http.freePort() + "/feed.xml")
            .put("signingCertificate", SamlFixtures.resource("upstream-cert.pem")).encode());
        assertThat(gone.statusCode()).as(gone.body()).isEqualTo(201);
        HttpResponse<String> unreachable = Http.sendJson("POST", api + "/admin/v1/upstream-idps/unreachable-feed/import",
            admin, null);
        assertThat(unreachable.statusCode()).as(unreachable.body()).isEqualTo(503);
        assertThat(unreachable.body()).contains("fetching http://127.0.0.1:");

        Http.sendJson("POST", api + "/admin/v1/upstream-idps/umbrellaid-feed/suspend", admin, null);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(getBytes(api + "/mdq/entities/" + enc(idpId), Map.of()).statusCode()).isEqualTo(404));
      } finally {
        platform.stop().get(60, TimeUnit.SECONDS);
        feedServer.stop(0);
      }
    }
  }

  @Test
  void signingKeyWhenNotConfiguredThenGeneratedOnceSealedInTheDatabaseAndKeptAcrossRestarts() throws Exception {
    try (LocalIssuer issuer = LocalIssuer.start()) {
      Path data = dir.resolve("var2");
      Platform first = RegistryPlatform.start(data, issuer, false);
      String before;
      try {
        before = signingCertificate(first);
      } finally {
        first.stop().get(60, TimeUnit.SECONDS);
      }
      // no key file in the data directory: the key is sealed in the database under the generated KEK (0600)
      assertThat(data.resolve("registry").resolve("saml-signing.p12")).doesNotExist();
      assertThat(data.resolve("registry").resolve("saml-signing.pass")).doesNotExist();
      assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(data.resolve("keys").resolve("kek")))).isEqualTo("rw-------");
      Platform second = RegistryPlatform.start(data, issuer, false);
      try {
        assertThat(signingCertificate(second)).isEqualTo(before);
      } finally {
        second.stop().get(60, TimeUnit.SECONDS);
      }
    }
  }

  /** The one stored signing certificate; its private key is stored sealed. */
  private static String signingCertificate(Platform platform) {
    io.vertx.sqlclient.Pool pool = platform.database().pool(platform.vertx(), "registry");
    try {
      var rows = pool.query("SELECT sealed_key, certificate FROM saml_signing_key").execute().await();
      assertThat(rows.size()).isEqualTo(1);
      var row = rows.iterator().next();
      assertThat(row.getString(0)).startsWith("pk1.").doesNotContain("PRIVATE KEY");
      return row.getString(1);
    } finally {
      pool.close().await();
    }
  }
}
