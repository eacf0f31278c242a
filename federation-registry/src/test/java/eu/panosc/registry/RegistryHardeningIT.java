package eu.panosc.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.LocalIssuer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Issue 9, items 7 and 17: what the registry refuses, and that bad input never answers 5xx. */
class RegistryHardeningIT {
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
    assertThat(RegistryAdminIT.facilityCreated(api, admin, "hz")).isTrue();
  }

  static HttpResponse<String> post(String path, JsonObject body) {
    return Http.sendJson("POST", api + path, admin, body.encode());
  }

  static JsonObject federated(String clientId, String entityId, JsonObject jwks) {
    return new JsonObject().put("clientId", clientId).put("facility", "hz").put("type", "confidential")
        .put("grantTypes", new JsonArray().add("authorization_code"))
        .put("redirectUris", new JsonArray().add("https://" + clientId + ".hz.example/cb"))
        .put("scopes", new JsonArray().add("openid"))
        .put("federation", new JsonObject().put("entityId", entityId).put("jwks", jwks));
  }

  static JsonObject jwks(com.nimbusds.jose.jwk.JWK... keys) {
    return new JsonObject(new JWKSet(List.of(keys)).toPublicJWKSet().toString(false));
  }

  static ECKey ec(String kid) throws Exception {
    return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
  }

  private static void assertNo5xx(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.uri() + " " + r.body()).isBetween(400, 499);
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void getWhenIdOrParameterHasControlCharactersOrIsOversizedThen4xxNever5xx() {
    String longId = "a".repeat(5000);
    for (String url : List.of(api + "/v1/clients/a%00b", api + "/admin/v1/clients/a%00b", api + "/v1/clients/a%01b",
        api + "/v1/clients/a%C2%85b", api + "/v1/clients/" + longId, api + "/admin/v1/clients?facility=%00",
        api + "/admin/v1/clients?state=%00", api + "/admin/v1/audit?id=a%00b", api + "/admin/v1/audit?collection=%00",
        api + "/admin/v1/audit?after=%00", api + "/admin/v1/trust-marks?sub=a%00b", api + "/v1/facilities?facility=" + longId)) {
      assertNo5xx(Http.getAuthorized(url, url.contains("/admin/") ? admin : reader));
    }
    HttpResponse<String> nul = Http.getAuthorized(api + "/v1/clients/a%00b", reader);
    assertThat(nul.statusCode()).isEqualTo(400);
    assertThat(nul.body()).contains("control characters");
    for (String url : List.of(api + "/federation/fetch?sub=a%00b", api + "/federation/resolve?sub=a%00b&trust_anchor=" + api,
        api + "/federation/trust_mark_list?trust_mark_type=a%00b", api + "/federation/list?entity_type=%00",
        api + "/mdq/entities/a%00b")) {
      assertNo5xx(Http.get(url));
    }
    assertThat(rawStatusLine("/registry/mdq/entities/%ZZ")).as("a malformed escape java.net.URI refuses to send")
        .matches("HTTP/1.1 4\\d\\d .*");
    for (String path : List.of("/admin/v1/clients/a%00b/approve", "/admin/v1/clients/a%00b/suspend",
        "/admin/v1/clients/a%00b/secret", "/admin/v1/trust-marks/a%00b/revoke", "/admin/v1/upstream-idps/a%00b/import")) {
      assertNo5xx(Http.sendJson("POST", api + path, admin, null));
    }
    assertNo5xx(Http.sendJson("DELETE", api + "/admin/v1/clients/a%00b", admin, null));
  }

  @Test
  void createWhenStringsCarryControlCharactersOrJsonHasNulThen400NamingTheField() throws Exception {
    JsonObject withNul = RegistryAdminIT.client("nul-desc", "hz").put("description", "a\u0000b");
    RegistryAdminIT.assertField(post("/admin/v1/clients", withNul), 400, "/description", "control characters");
    JsonObject c1 = RegistryAdminIT.client("c1-desc", "hz").put("description", "a\u0085b");
    RegistryAdminIT.assertField(post("/admin/v1/clients", c1), 400, "/description", "control characters");
    // a JSON escape the HTTP client cannot mangle: a lone surrogate reaches the server
    String lone = RegistryAdminIT.client("lone-surrogate", "hz").encode();
    lone = lone.substring(0, lone.length() - 1) + ",\"description\":\"a\\ud800b\"}";
    RegistryAdminIT.assertField(Http.sendJson("POST", api + "/admin/v1/clients", admin, lone), 400, "/description",
        "UTF-8");
    JsonObject policy = federated("nul-policy", "https://nul-policy.hz.example", jwks(ec("k1")));
    policy.getJsonObject("federation").put("metadataPolicy", new JsonObject().put("openid_relying_party",
        new JsonObject().put("contacts", new JsonObject().put("add", new JsonArray().add("x\u0000y")))));
    assertNo5xx(post("/admin/v1/clients", policy));
    JsonObject keyNul = federated("nul-jwk", "https://nul-jwk.hz.example", jwks(ec("k1")));
    keyNul.getJsonObject("federation").getJsonObject("jwks").getJsonArray("keys").getJsonObject(0).put("x-note", "\u0000");
    assertNo5xx(post("/admin/v1/clients", keyNul));
    JsonObject deep = new JsonObject();
    JsonObject cursor = deep;
    for (int i = 0; i < 40; i++) {
      JsonObject next = new JsonObject();
      cursor.put("n", next);
      cursor = next;
    }
    JsonObject deepLabels = new JsonObject().put("id", "deep-k8s").put("facility", "hz").put("apiUrl", "https://k8s.hz.example")
        .put("credentialsRef", "secret/x").put("capacity", new JsonObject().put("cpu", 1).put("memoryGi", 1))
        .put("labels", deep);
    assertNo5xx(post("/admin/v1/clusters", deepLabels));
  }

  @Test
  void createWhenFederationEntityIdTakenThen409AndWithQueryThen400() throws Exception {
    assertThat(post("/admin/v1/clients", federated("fed-one", "https://fed.hz.example/rp", jwks(ec("k1"))))
        .statusCode()).isEqualTo(201);
    HttpResponse<String> second = post("/admin/v1/clients",
        federated("fed-two", "https://fed.hz.example/rp", jwks(ec("k2"))));
    assertThat(second.statusCode()).as(second.body()).isEqualTo(409);
    assertThat(second.body()).contains("fed-one");
    JsonObject server = new JsonObject().put("audience", "https://api.hz.example").put("facility", "hz")
        .put("federation", new JsonObject().put("entityId", "https://fed.hz.example/rp").put("jwks", jwks(ec("k3"))));
    assertThat(post("/admin/v1/resource-servers", server).statusCode()).as("across collections").isEqualTo(409);
    RegistryAdminIT.assertField(post("/admin/v1/clients",
        federated("fed-query", "https://fed.hz.example/rp?x=1", jwks(ec("k1")))), 400, "/federation/entityId", "query");
  }

  @Test
  void createWhenFederationJwksWeakThen400NamingTheKey() throws Exception {
    ECKey a = ec("same");
    ECKey b = ec("same");
    RegistryAdminIT.assertField(post("/admin/v1/clients", federated("jwks-dup", "https://dup.hz.example", jwks(a, b))),
        400, "/federation/jwks/keys/1/kid", "repeats");
    RSAKey small = new RSAKeyGenerator(1024, true).keyID("small").generate();
    RegistryAdminIT.assertField(post("/admin/v1/clients", federated("jwks-rsa", "https://rsa.hz.example", jwks(small))),
        400, "/federation/jwks/keys/0", "2048");
    ECKey enc = new ECKeyGenerator(Curve.P_256).keyID("enc").keyUse(KeyUse.ENCRYPTION).generate();
    RegistryAdminIT.assertField(post("/admin/v1/clients", federated("jwks-enc", "https://enc.hz.example", jwks(enc))),
        400, "/federation/jwks/keys/0/use", "sig");
    for (String alg : List.of("none", "HS256")) {
      JsonObject set = jwks(ec("k-" + alg));
      set.getJsonArray("keys").getJsonObject(0).put("alg", alg);
      RegistryAdminIT.assertField(post("/admin/v1/clients", federated("jwks-" + alg.toLowerCase(),
          "https://" + alg.toLowerCase() + ".hz.example", set)), 400, "/federation/jwks/keys/0/alg", alg);
    }
    assertThat(post("/admin/v1/clients", federated("jwks-ok", "https://ok.hz.example",
        jwks(new RSAKeyGenerator(2048).keyID("big").generate()))).statusCode()).isEqualTo(201);
  }

  @Test
  void putWhenIfMatchWeakThen412AndNothingChanged() {
    HttpResponse<String> created = post("/admin/v1/clients", RegistryAdminIT.client("weak-etag", "hz"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonObject changed = RegistryAdminIT.client("weak-etag", "hz").put("description", "changed");
    HttpResponse<String> weak = Http.send(Http.authorized(api + "/admin/v1/clients/weak-etag", admin)
        .header("Content-Type", "application/json").header("If-Match", "W/\"1\"")
        .PUT(HttpRequest.BodyPublishers.ofString(changed.encode())).build());
    assertThat(weak.statusCode()).as(weak.body()).isEqualTo(412);
    JsonObject now = new JsonObject(Http.getAuthorized(api + "/admin/v1/clients/weak-etag", admin).body());
    assertThat(now.getLong("version")).isEqualTo(1);
    assertThat(now.containsKey("description")).isFalse();
  }

  @Test
  void suspendWhenPendingThen409AndStillPending() {
    assertThat(post("/admin/v1/clients", RegistryAdminIT.client("pending-one", "hz")).statusCode()).isEqualTo(201);
    HttpResponse<String> r = Http.sendJson("POST", api + "/admin/v1/clients/pending-one/suspend", admin, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
    assertThat(new JsonObject(Http.getAuthorized(api + "/admin/v1/clients/pending-one", admin).body())
        .getString("state")).isEqualTo("pending");
  }

  private static String rawStatusLine(String path) {
    URI uri = URI.create(api);
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + uri.getAuthority()
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      return answer.substring(0, answer.indexOf("\r\n"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void postWhenBodyOverLimitThen413AndConnectionClosedPromptly() throws IOException {
    URI uri = URI.create(api + "/admin/v1/clients");
    long started = System.nanoTime();
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(2000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getAuthority() + "\r\nAuthorization: Bearer "
          + admin + "\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[16 * 1024];
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      try {
        out.write(chunk); // part of the body, as a client streaming it would send before it reads
      } catch (IOException e) {
        // the server closed while we were still sending
      }
      byte[] buffer = new byte[8192];
      try {
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          received.write(buffer, 0, n);
        }
      } catch (java.net.SocketException e) {
        // reset after close: also a closed connection
      } catch (java.net.SocketTimeoutException e) {
        throw new AssertionError("the connection stayed open; received: " + received.toString(StandardCharsets.ISO_8859_1));
      }
      String answer = received.toString(StandardCharsets.ISO_8859_1);
      assertThat(answer).startsWith("HTTP/1.1 413").containsIgnoringCase("connection: close");
    }
    assertThat(System.nanoTime() - started).as("answered and closed within 2 s").isLessThan(2_000_000_000L);
  }
}
