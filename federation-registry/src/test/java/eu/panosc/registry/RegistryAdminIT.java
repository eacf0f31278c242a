package eu.panosc.registry;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.LocalIssuer;
import eu.panosc.platform.auth.ClientSecrets;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The admin and read APIs against a real registry with embedded PostgreSQL, outside demo mode. */
class RegistryAdminIT {
  @RegisterExtension
  static final SharedRegistry registry = SharedRegistry.of(SharedRegistry.Kind.PLAIN);

  static LocalIssuer issuer;
  static Platform platform;
  static String api;
  static String admin;
  static String reader;

  @BeforeAll
  static void start() {
    issuer = registry.issuer();
    platform = registry.platform();
    api = registry.api();
    admin = issuer.token(api, "registry-admin", "registry:admin");
    reader = issuer.token(api, "resource-broker", "registry:read");
  }

  static HttpResponse<String> post(String path, JsonObject body) {
    return Http.sendJson("POST", api + path, admin, body.encode());
  }

  static JsonObject facility(String id) {
    return new JsonObject().put("id", id).put("name", "Facility " + id).put("country", "FR")
        .put("instruments", new JsonArray().add(new JsonObject().put("id", id + ":beamline-1").put("name", "BL1")));
  }

  static JsonObject client(String id, String facility) {
    return new JsonObject().put("clientId", id).put("facility", facility).put("type", "confidential")
        .put("grantTypes", new JsonArray().add("authorization_code").add("client_credentials"))
        .put("redirectUris", new JsonArray().add("https://catalogue." + facility + ".example/callback"))
        .put("scopes", new JsonArray().add("openid").add("pdp:evaluate"));
  }

  /** Registers and approves a facility; true when both succeeded. */
  static boolean facilityCreated(String api, String admin, String id) {
    return Http.sendJson("POST", api + "/admin/v1/facilities", admin, facility(id).encode()).statusCode() == 201
        && Http.sendJson("POST", api + "/admin/v1/facilities/" + id + "/approve", admin, null).statusCode() == 200;
  }

  static int auditCount() {
    return new JsonObject(Http.getAuthorized(api + "/admin/v1/audit?limit=1000", admin).body())
        .getJsonArray("items").size();
  }

  static void assertField(HttpResponse<String> r, int status, String field, String reasonPart) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonObject error = new JsonObject(r.body()).getJsonArray("errors").getJsonObject(0);
    assertThat(error.getString("field")).isEqualTo(field);
    assertThat(error.getString("reason")).contains(reasonPart);
  }

  @Test
  void createFacilityWhenValidThenPendingWithLocationAndEtag() {
    HttpResponse<String> r = post("/admin/v1/facilities", facility("alba"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    assertThat(r.headers().firstValue("Location")).hasValue("/registry/admin/v1/facilities/alba");
    assertThat(r.headers().firstValue("ETag")).hasValue("\"1\"");
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getString("state")).isEqualTo("pending");
    assertThat(body.getInteger("embargoYears")).isEqualTo(3);
    assertThat(body.getBoolean("releaseVopersonId")).as("voperson_id is not released by default").isFalse();
    JsonObject fetched = new JsonObject(Http.getAuthorized(api + "/admin/v1/facilities/alba", admin).body());
    assertThat(fetched.getString("name")).isEqualTo("Facility alba");
  }

  @Test
  void createWhenInvalidThenProblemNamesFieldAndNothingStored() {
    int before = auditCount();
    assertField(post("/admin/v1/facilities", facility("ALBA")), 400, "/id", "lowercase slug");
    assertField(post("/admin/v1/facilities", facility("psi").put("colour", "red")), 400, "/colour", "not a known field");
    assertField(post("/admin/v1/facilities", facility("psi").put("country", "France")), 400, "/country", "ISO 3166");
    assertField(post("/admin/v1/facilities", facility("psi").put("releaseVopersonId", "yes")), 400,
        "/releaseVopersonId", "true or false");
    JsonObject badInstrument = facility("psi");
    badInstrument.getJsonArray("instruments").getJsonObject(0).put("id", "esrf:id19");
    assertField(post("/admin/v1/facilities", badInstrument), 400, "/instruments/0/id", "must start with");
    assertThat(Http.sendJson("POST", api + "/admin/v1/facilities", admin, "{\"id\":").statusCode()).isEqualTo(400);
    assertThat(Http.send(Http.authorized(api + "/admin/v1/facilities", admin).header("Content-Type", "text/plain")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("x")).build()).statusCode()).isEqualTo(415);
    assertThat(post("/admin/v1/nosuch", facility("psi")).statusCode()).isEqualTo(404);
    assertThat(auditCount()).as("no audit event for rejected writes").isEqualTo(before);
    assertThat(Http.getAuthorized(api + "/admin/v1/facilities/psi", admin).statusCode()).isEqualTo(404);
  }

  @Test
  void createClientWhenBadInputThenClearErrors() {
    post("/admin/v1/facilities", facility("ill2"));
    JsonObject httpRedirect = client("icat", "ill2");
    httpRedirect.put("redirectUris", new JsonArray().add("http://icat.example/callback"));
    assertField(post("/admin/v1/clients", httpRedirect), 400, "/redirectUris/0", "must use https");
    JsonObject localhost = client("icat", "ill2").put("redirectUris", new JsonArray().add("http://localhost:8181/cb"));
    assertField(post("/admin/v1/clients", localhost), 400, "/redirectUris/0", "only in demo mode");
    JsonObject fragment = client("icat", "ill2").put("redirectUris", new JsonArray().add("https://a.example/cb#x"));
    assertField(post("/admin/v1/clients", fragment), 400, "/redirectUris/0", "without fragment");
    JsonObject publicCc = client("icat", "ill2").put("type", "public");
    assertField(post("/admin/v1/clients", publicCc), 400, "/grantTypes", "confidential client");
    assertField(post("/admin/v1/clients", client("icat", "nofacility")), 400, "/facility", "no facility 'nofacility'");
    JsonObject badGrant = client("icat", "ill2").put("grantTypes", new JsonArray().add("password"));
    assertField(post("/admin/v1/clients", badGrant), 400, "/grantTypes/0", "must be one of");
    JsonObject privateJwks = client("icat", "ill2").put("authMethod", "private_key_jwt")
        .put("jwks", new JsonObject().put("keys", new JsonArray().add(new JsonObject()
            .put("kty", "oct").put("kid", "k1").put("k", "c2VjcmV0"))));
    assertField(post("/admin/v1/clients", privateJwks), 400, "/jwks/keys/0", "must be a public key");
    JsonObject leafJwks = new JsonObject().put("keys", new JsonArray().add(new JsonObject().put("kty", "EC")
        .put("crv", "P-256").put("kid", "leaf").put("x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU")
        .put("y", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0")));
    JsonObject unknownOperator = client("icat", "ill2").put("federation", new JsonObject()
        .put("entityId", "https://icat.ill.example").put("jwks", leafJwks)
        .put("metadataPolicy", new JsonObject().put("openid_relying_party", new JsonObject()
            .put("grant_types", new JsonObject().put("intersects", new JsonArray().add("authorization_code"))))));
    assertField(post("/admin/v1/clients", unknownOperator), 400, "/federation/metadataPolicy", "unknown operator");
    JsonObject badCombination = client("icat", "ill2").put("federation", new JsonObject()
        .put("entityId", "https://icat.ill.example").put("jwks", leafJwks)
        .put("metadataPolicy", new JsonObject().put("openid_relying_party", new JsonObject()
            .put("grant_types", new JsonObject().put("add", new JsonArray().add("implicit"))
                .put("subset_of", new JsonArray().add("authorization_code"))))));
    assertField(post("/admin/v1/clients", badCombination), 400, "/federation/metadataPolicy", "grant_types");
    JsonObject badJwks = client("icat", "ill2").put("authMethod", "private_key_jwt")
        .put("jwks", new JsonObject().put("keys", "nope"));
    assertField(post("/admin/v1/clients", badJwks), 400, "/jwks", "not a valid JWK Set");
    assertField(post("/admin/v1/clients", client("icat", "ill2").put("tokenSigningAlg", "HS256")), 400,
        "/tokenSigningAlg", "must be one of ES256, RS256");
    assertField(post("/admin/v1/clients", client("icat", "ill2").put("tokenSigningAlg", "none")), 400,
        "/tokenSigningAlg", "must be one of ES256, RS256");
  }

  @Test
  void createClientWhenLogoutFieldsThenValidatedLikeRedirectUris() {
    post("/admin/v1/facilities", facility("ill3"));
    assertField(post("/admin/v1/clients", client("icat3", "ill3").put("postLogoutRedirectUris",
        new JsonArray().add("http://icat.example/bye"))), 400, "/postLogoutRedirectUris/0", "must use https");
    assertField(post("/admin/v1/clients", client("icat3", "ill3").put("postLogoutRedirectUris",
        new JsonArray().add("https://icat.example/bye#top"))), 400, "/postLogoutRedirectUris/0", "without fragment");
    assertField(post("/admin/v1/clients", client("icat3", "ill3").put("backchannelLogoutUri",
        "http://localhost:8181/bc")), 400, "/backchannelLogoutUri", "only in demo mode");
    assertField(post("/admin/v1/clients", client("icat3", "ill3").put("backchannelLogoutUri", "icat.example/bc")),
        400, "/backchannelLogoutUri", "absolute URL");
    assertField(post("/admin/v1/clients", client("icat3", "ill3").put("backchannelLogoutSessionRequired", true)),
        400, "/backchannelLogoutSessionRequired", "needs a backchannelLogoutUri");
    assertField(post("/admin/v1/clients", client("icat3", "ill3").put("backchannelLogoutSessionRequired", "yes")
        .put("backchannelLogoutUri", "https://icat.example/bc")), 400, "/backchannelLogoutSessionRequired", "true or false");
    JsonObject service = client("icat3", "ill3").put("type", "service")
        .put("grantTypes", new JsonArray().add("client_credentials")).put("backchannelLogoutUri", "https://icat.example/bc");
    assertField(post("/admin/v1/clients", service), 400, "/backchannelLogoutUri", "signs users in");
    HttpResponse<String> ok = post("/admin/v1/clients", client("icat3", "ill3")
        .put("postLogoutRedirectUris", new JsonArray().add("https://icat.example/bye"))
        .put("backchannelLogoutUri", "https://icat.example/bc?tenant=ill").put("backchannelLogoutSessionRequired", true));
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
    JsonObject doc = new JsonObject(ok.body());
    assertThat(doc.getJsonArray("postLogoutRedirectUris").getList()).containsExactly("https://icat.example/bye");
    assertThat(doc.getString("backchannelLogoutUri")).isEqualTo("https://icat.example/bc?tenant=ill");
    assertThat(doc.getBoolean("backchannelLogoutSessionRequired")).isTrue();
    assertThat(doc.getString("tokenSigningAlg")).as("the default").isEqualTo("ES256");
  }

  @Test
  void createClientWhenAllowedUpstreamsThenIdsCheckedAndKept() {
    post("/admin/v1/facilities", facility("ill4"));
    assertField(post("/admin/v1/clients", client("icat4", "ill4").put("allowedUpstreams", "umbrellaid")), 400,
        "/allowedUpstreams", "must be an array of strings");
    assertField(post("/admin/v1/clients", client("icat4", "ill4").put("allowedUpstreams",
        new JsonArray().add("UmbrellaID"))), 400, "/allowedUpstreams/0", "an upstream id");
    assertField(post("/admin/v1/clients", client("icat4", "ill4").put("allowedUpstreams",
        new JsonArray().add("https://evil.example/"))), 400, "/allowedUpstreams/0", "an upstream id");
    assertField(post("/admin/v1/clients", client("icat4", "ill4").put("allowedUpstreams",
        new JsonArray().add("umbrellaid").add("umbrellaid"))), 400, "/allowedUpstreams/1", "duplicates an earlier item");
    JsonArray many = new JsonArray();
    for (int i = 0; i < 21; i++) {
      many.add("up" + i);
    }
    assertField(post("/admin/v1/clients", client("icat4", "ill4").put("allowedUpstreams", many)), 400,
        "/allowedUpstreams", "at most 20");
    JsonObject service = client("icat4", "ill4").put("type", "service")
        .put("grantTypes", new JsonArray().add("client_credentials")).put("allowedUpstreams", new JsonArray().add("demo"));
    assertField(post("/admin/v1/clients", service), 400, "/allowedUpstreams", "signs users in");
    HttpResponse<String> ok = post("/admin/v1/clients", client("icat4", "ill4")
        .put("allowedUpstreams", new JsonArray().add("umbrellaid").add("demo")));
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
    assertThat(new JsonObject(ok.body()).getJsonArray("allowedUpstreams").getList())
        .containsExactly("umbrellaid", "demo");
    HttpResponse<String> all = post("/admin/v1/clients", client("icat5", "ill4"));
    assertThat(new JsonObject(all.body()).containsKey("allowedUpstreams")).as("absent: every upstream").isFalse();
  }

  @Test
  void createConfidentialClientThenSecretReturnedOnceAndOnlyItsHashStored() throws Exception {
    post("/admin/v1/facilities", facility("esrf2"));
    HttpResponse<String> r = post("/admin/v1/clients", client("scicat", "esrf2"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    String secret = new JsonObject(r.body()).getString("clientSecret");
    assertThat(secret).hasSizeGreaterThanOrEqualTo(43);
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(Http.getAuthorized(api + "/admin/v1/clients/scicat", admin).body()).doesNotContain(secret)
        .doesNotContain("clientSecret");
    var t = platform.database().target();
    try (var c = DriverManager.getConnection(t.jdbcUrl(), t.user(), "");
         var s = c.createStatement();
         var rs = s.executeQuery("SELECT secret_hash, document::text FROM registry.member WHERE id = 'scicat'")) {
      assertThat(rs.next()).isTrue();
      assertThat(ClientSecrets.matches(secret, rs.getString(1))).isTrue();
      assertThat(rs.getString(1)).doesNotContain(secret);
      assertThat(rs.getString(2)).doesNotContain(secret);
    }
    HttpResponse<String> rotated = Http.sendJson("POST", api + "/admin/v1/clients/scicat/secret", admin, null);
    String newSecret = new JsonObject(rotated.body()).getString("clientSecret");
    assertThat(newSecret).isNotEqualTo(secret);
  }

  @Test
  void duplicateWhenSameIdThen409AndStateUnchanged() {
    post("/admin/v1/facilities", facility("ess2"));
    int before = auditCount();
    HttpResponse<String> dup = post("/admin/v1/facilities", facility("ess2").put("name", "Other"));
    assertThat(dup.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(dup.body()).getString("detail")).contains("already registered");
    assertThat(auditCount()).isEqualTo(before);
    assertThat(new JsonObject(Http.getAuthorized(api + "/admin/v1/facilities/ess2", admin).body()).getString("name"))
        .isEqualTo("Facility ess2");
  }

  @Test
  void onboardingWhenApprovedThenVisibleToReadersAndSuspendedHidden() {
    HttpResponse<String> created = post("/admin/v1/facilities", facility("xfel2"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(Http.getAuthorized(api + "/v1/facilities/xfel2", reader).statusCode()).isEqualTo(404);
    HttpResponse<String> approved = Http.sendJson("POST", api + "/admin/v1/facilities/xfel2/approve", admin, null);
    assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
    assertThat(new JsonObject(approved.body()).getString("state")).isEqualTo("approved");
    assertThat(Http.getAuthorized(api + "/v1/facilities/xfel2", reader).statusCode()).isEqualTo(200);
    assertThat(Http.sendJson("POST", api + "/admin/v1/facilities/xfel2/approve", admin, null).statusCode())
        .isEqualTo(409);
    Http.sendJson("POST", api + "/admin/v1/facilities/xfel2/suspend", admin, null);
    assertThat(Http.getAuthorized(api + "/v1/facilities/xfel2", reader).statusCode()).isEqualTo(404);
    JsonArray listed = new JsonObject(Http.getAuthorized(api + "/v1/facilities", reader).body()).getJsonArray("items");
    assertThat(listed.stream().map(o -> ((JsonObject) o).getString("id"))).doesNotContain("xfel2");
  }

  @Test
  void replaceWhenStaleOrIdChangedThenRejectedElseAuditedWithOldAndNew() {
    post("/admin/v1/facilities", facility("eli2"));
    HttpResponse<String> stale = Http.send(Http.authorized(api + "/admin/v1/facilities/eli2", admin)
        .header("Content-Type", "application/json").header("If-Match", "\"7\"")
        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(facility("eli2").encode())).build());
    assertThat(stale.statusCode()).isEqualTo(412);
    assertThat(new JsonObject(stale.body()).getLong("currentVersion")).isEqualTo(1L);
    assertField(Http.sendJson("PUT", api + "/admin/v1/facilities/eli2", admin, facility("eli3").encode()),
        400, "/id", "cannot change");
    HttpResponse<String> ok = Http.send(Http.authorized(api + "/admin/v1/facilities/eli2", admin)
        .header("Content-Type", "application/json").header("If-Match", "\"1\"").header("X-Request-ID", "req-eli2-rename")
        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(facility("eli2").put("name", "ELI Beamlines").encode()))
        .build());
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(ok.headers().firstValue("ETag")).hasValue("\"2\"");
    JsonArray trail = new JsonObject(Http.getAuthorized(api + "/admin/v1/audit?collection=facilities&id=eli2", admin)
        .body()).getJsonArray("items");
    assertThat(trail).hasSize(2);
    JsonObject update = trail.getJsonObject(1);
    assertThat(update.getString("action")).isEqualTo("update");
    assertThat(update.getString("actor")).isEqualTo("registry-admin");
    assertThat(update.getString("requestId")).isEqualTo("req-eli2-rename");
    assertThat(update.getJsonObject("old").getString("name")).isEqualTo("Facility eli2");
    assertThat(update.getJsonObject("new").getString("name")).isEqualTo("ELI Beamlines");
    assertThat(update.getString("at")).isNotBlank();
  }

  @Test
  void deleteFacilityWhenMembersRemainThen409ElseGone() {
    post("/admin/v1/facilities", facility("cer2"));
    post("/admin/v1/clients", client("cer-portal", "cer2"));
    assertThat(Http.sendJson("DELETE", api + "/admin/v1/facilities/cer2", admin, null).statusCode()).isEqualTo(409);
    assertThat(Http.sendJson("DELETE", api + "/admin/v1/clients/cer-portal", admin, null).statusCode()).isEqualTo(204);
    assertThat(Http.sendJson("DELETE", api + "/admin/v1/facilities/cer2", admin, null).statusCode()).isEqualTo(204);
    assertThat(Http.getAuthorized(api + "/admin/v1/facilities/cer2", admin).statusCode()).isEqualTo(404);
  }

  @Test
  void clusterWhenSecretInsteadOfReferenceThenRejected() {
    JsonObject cluster = new JsonObject().put("id", "psi-k8s").put("apiUrl", "https://k8s.psi.example:6443")
        .put("credentialsRef", "eyJhbGciOiJSUzI1NiJ9.token").put("capacity", new JsonObject().put("cpu", 8).put("memoryGi", 32));
    assertField(post("/admin/v1/clusters", cluster), 400, "/credentialsRef", "never the credentials");
    assertField(post("/admin/v1/clusters", cluster.copy().put("credentialsRef", "secret/../x")), 400,
        "/credentialsRef", "\"..\"");
    assertField(post("/admin/v1/clusters", cluster.copy().put("credentialsRef", "secret/psi").put("kubeconfig", "x")),
        400, "/kubeconfig", "not a known field");
    assertField(post("/admin/v1/clusters", cluster.copy().put("credentialsRef", "secret/psi")
        .put("labels", new JsonObject().put("eosc", true))), 400, "/labels/eosc", "label value");
    HttpResponse<String> ok = post("/admin/v1/clusters", cluster.copy().put("credentialsRef", "secret/psi")
        .put("labels", new JsonObject().put("eosc", "true")));
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
    assertThat(new JsonObject(ok.body()).getJsonObject("capacity").getInteger("gpu")).isZero();
  }

  @Test
  void upstreamSamlIdpWhenNoOrBadPinnedCertificateThenRejected() {
    JsonObject idp = new JsonObject().put("id", "umbrella").put("protocol", "saml")
        .put("metadataUrl", "https://umbrellaid.example/metadata.xml");
    assertField(post("/admin/v1/upstream-idps", idp), 400, "/signingCertificate", "pinned");
    assertField(post("/admin/v1/upstream-idps", idp.copy().put("signingCertificate", "not a cert")), 400,
        "/signingCertificate", "PEM X.509");
    assertField(post("/admin/v1/upstream-idps", new JsonObject().put("id", "edu").put("protocol", "oidc")), 400,
        "/issuer", "required");
  }

  @Test
  void openApiWhenFetchedThenDocumentsAdminFederationAndSamlEndpoints() {
    JsonObject doc = new JsonObject(Http.get(api + "/openapi.json").body());
    assertThat(doc.getJsonObject("paths").fieldNames()).contains("/admin/v1/{collection}", "/admin/v1/audit",
        "/v1/changes", "/.well-known/openid-federation", "/federation/resolve", "/mdq/entities/{id}",
        "/discovery/idps.json", "/health/ready");
  }

  @Test
  void authWhenMissingOrWrongScopeThen401Or403() {
    assertThat(Http.get(api + "/admin/v1/facilities").statusCode()).isEqualTo(401);
    HttpResponse<String> forbidden = Http.getAuthorized(api + "/admin/v1/facilities", reader);
    assertThat(forbidden.statusCode()).isEqualTo(403);
    assertThat(forbidden.headers().firstValue("WWW-Authenticate").orElse("")).contains("insufficient_scope");
    String otherAudience = issuer.token(platform.baseUrl() + "/pdp", "registry-admin", "registry:admin");
    assertThat(Http.getAuthorized(api + "/admin/v1/facilities", otherAudience).statusCode()).isEqualTo(401);
  }

  @Test
  void changeFeedWhenMemberApprovedThenLongPollAnswersPromptly() throws Exception {
    post("/admin/v1/facilities", facility("soleil"));
    long latest = new JsonObject(Http.getAuthorized(api + "/v1/changes", reader).body()).getLong("latest");
    long start = System.nanoTime();
    CompletableFuture<HttpResponse<String>> poll = CompletableFuture.supplyAsync(() ->
        Http.getAuthorized(api + "/v1/changes?after=" + latest + "&wait=20", reader));
    Thread.sleep(500);
    Http.sendJson("POST", api + "/admin/v1/facilities/soleil/approve", admin, null);
    JsonObject changes = new JsonObject(poll.get(10, TimeUnit.SECONDS).body());
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
    assertThat(changes.getLong("latest")).isGreaterThan(latest);
    JsonObject change = changes.getJsonArray("changes").getJsonObject(0);
    assertThat(change.getString("collection")).isEqualTo("facilities");
    assertThat(change.getString("memberId")).isEqualTo("soleil");
    assertThat(change.getString("action")).isEqualTo("approve");
    assertField(Http.getAuthorized(api + "/v1/changes?wait=99", reader), 400, "wait", "between 0 and 30");
  }
}
