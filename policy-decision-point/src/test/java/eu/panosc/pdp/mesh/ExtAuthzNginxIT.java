package eu.panosc.pdp.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import eu.panosc.pdp.PdpApplication;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.LocalIssuer;
import eu.panosc.platform.testing.PlatformLauncher;
import eu.panosc.registry.RegistryApplication;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forward-auth (issue 15) end to end: the real federation-registry and PDP (demo data) in one platform, a
 * resource server with route rules registered and approved through the registry's admin API, and a real nginx
 * (Debian package, started as a process with a temporary prefix; skipped without {@code /usr/sbin/nginx}) with
 * {@code auth_request} in front of a tiny test upstream.
 *
 * <p>Stand-ins (not runnable as themselves here without the full aai-broker login flow): user access tokens are
 * minted by the test's {@link LocalIssuer} (ES256, RFC 9068 shape, {@code voperson_id} as the aai-broker adds it),
 * and the PDP's client_credentials token for the registry comes from a small in-test token endpoint standing in for
 * the aai-broker's, signed by the same issuer.
 */
class ExtAuthzNginxIT {
  @TempDir
  static Path dataDir;
  static LocalIssuer issuer;
  static HttpServer tokenEndpoint;
  static HttpServer upstream;
  static Platform platform;
  static String base;
  static String audience;
  static final String EMBARGOED = "10.15151/ESRF-DC-2415001";

  @BeforeAll
  static void start() throws Exception {
    issuer = LocalIssuer.start();
    tokenEndpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext("/", ex -> {
      String subject = ex.getRequestHeaders().getFirst("X-Panosc-Subject");
      byte[] body = ("upstream saw " + ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath() + " subject="
          + subject + " decision=" + ex.getRequestHeaders().getFirst("X-Panosc-Decision-Id"))
          .getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    upstream.start();
    int pdpPort = Http.freePort();
    Map<String, String> config = new HashMap<>(issuer.configOverrides());
    config.put("server.port", Integer.toString(pdpPort));
    config.put("server.publicBaseUrl", "http://127.0.0.1:" + pdpPort);
    String registryAudience = "http://127.0.0.1:" + pdpPort + "/registry";
    config.put("services.pdp.aai.tokenEndpoint", "http://127.0.0.1:" + tokenEndpoint.getAddress().getPort() + "/token");
    tokenEndpoint.createContext("/token", ex -> {
      byte[] body = new JsonObject().put("access_token", issuer.token(registryAudience, "pdp-admin",
          "registry:read")).put("token_type", "Bearer").put("expires_in", 300).encode()
          .getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    tokenEndpoint.start();
    platform = PlatformLauncher.start(dataDir, List.of(new RegistryApplication(), new PdpApplication()), true,
        config, Clock.systemUTC());
    base = platform.baseUrl().toString().replaceAll("/+$", "");
    audience = "http://localhost:" + upstream.getAddress().getPort();
    String admin = issuer.token(base + "/registry", "registry-admin", "registry:admin");
    var created = Http.sendJson("POST", base + "/registry/admin/v1/resource-servers", admin, new JsonObject()
        .put("audience", audience).put("facility", "esrf").put("scopes", List.of("scicat:read"))
        .put("routeRules", new io.vertx.core.json.JsonArray("""
            [{"methods":["GET","HEAD"],"path":"/api/v3/datasets/{pid+}","action":"read",
              "resource":{"type":"dataset","id":"{pid}"}},
             {"methods":["GET"],"path":"/api/v3/health","public":true}]""")).encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    var approved = Http.sendJson("POST", base + "/registry/admin/v1/resource-servers/" + enc(audience) + "/approve",
        admin, "{}");
    assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
  }

  @AfterAll
  static void stop() throws Exception {
    if (platform != null) {
      platform.stop().get(60, TimeUnit.SECONDS);
    }
    for (HttpServer s : new HttpServer[] {tokenEndpoint, upstream}) {
      if (s != null) {
        s.stop(0);
      }
    }
    if (issuer != null) {
      issuer.close();
    }
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String userToken(String user, String aud) {
    return issuer.token(aud, "scicat-esrf", Map.of("sub", "pairwise-" + user.hashCode(), "voperson_id",
        user + "@demo.panosc.eu"), "openid");
  }

  static HttpResponse<String> pdp(String method, String path, String... headers) {
    var b = HttpRequest.newBuilder(URI.create(base + "/pdp" + path)).timeout(Duration.ofSeconds(10))
        .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return Http.send(b.build());
  }

  /** Waits until the PDP has read the resource server from the registry (change feed, about a second). */
  static void awaitRoutes() throws InterruptedException {
    long end = System.nanoTime() + 20_000_000_000L;
    HttpResponse<String> r;
    do {
      r = pdp("GET", "/v1/ext-authz?service=" + enc(audience), "X-Original-Method", "GET", "X-Original-URI",
          "/api/v3/health");
      if (r.statusCode() == 200) {
        return;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < end);
    assertThat(r.statusCode()).as("the PDP learns the route rules: %s", r.body()).isEqualTo(200);
  }

  @Test
  void forwardAuthWhenCalledDirectlyThenEachOutcomeAndEnvoyPrefixAndHostMatch() throws Exception {
    awaitRoutes();
    String alice = "Bearer " + userToken("alice", audience);
    var ok = pdp("GET", "/v1/ext-authz?service=" + enc(audience), "X-Original-Method", "GET", "X-Original-URI",
        "/api/v3/datasets/" + EMBARGOED + "?fields=all", "Authorization", alice);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(ok.headers().firstValue("x-panosc-subject")).contains("alice@demo.panosc.eu");
    assertThat(ok.headers().firstValue("x-panosc-decision-id")).hasValueSatisfying(id -> assertThat(id).hasSize(36));
    // Traefik's headers, the service found by X-Forwarded-Host
    var traefik = pdp("GET", "/v1/ext-authz", "X-Forwarded-Method", "GET", "X-Forwarded-Uri",
        "/api/v3/datasets/" + EMBARGOED, "X-Forwarded-Host", URI.create(audience).getAuthority(), "Authorization",
        alice);
    assertThat(traefik.statusCode()).as(traefik.body()).isEqualTo(200);
    // Envoy's HTTP ext_authz: original method and path after the prefix
    var envoy = pdp("HEAD", "/v1/ext-authz/envoy/api/v3/datasets/" + EMBARGOED, "X-Panosc-Service", audience,
        "Authorization", alice);
    assertThat(envoy.statusCode()).isEqualTo(200);
    assertThat(envoy.headers().firstValue("x-panosc-subject")).contains("alice@demo.panosc.eu");
    var envoyDelete = pdp("DELETE", "/v1/ext-authz/envoy/api/v3/datasets/" + EMBARGOED, "X-Panosc-Service",
        audience, "Authorization", alice);
    assertThat(envoyDelete.statusCode()).as("no rule for DELETE: default deny").isEqualTo(403);
    assertThat(envoyDelete.body()).contains("No access rule covers DELETE");

    var dave = pdp("GET", "/v1/ext-authz/envoy/api/v3/datasets/" + EMBARGOED, "X-Panosc-Service", audience,
        "Authorization", "Bearer " + userToken("dave", audience));
    assertThat(dave.statusCode()).isEqualTo(403);
    assertThat(dave.body()).contains("2028");
    assertThat(dave.headers().firstValue("x-panosc-reason")).hasValueSatisfying(r -> assertThat(r).contains("2028"));
    assertThat(dave.headers().firstValue("x-panosc-decision-id")).isPresent();

    var none = pdp("GET", "/v1/ext-authz/envoy/api/v3/datasets/" + EMBARGOED, "X-Panosc-Service", audience);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"panosc\"");
    var other = pdp("GET", "/v1/ext-authz/envoy/api/v3/datasets/" + EMBARGOED, "X-Panosc-Service", audience,
        "Authorization", "Bearer " + userToken("alice", "https://other.example"));
    assertThat(other.statusCode()).isEqualTo(401);
    assertThat(other.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("error=\"invalid_token\"").contains("wrong audience");
    var garbage = pdp("GET", "/v1/ext-authz/envoy/api/v3/datasets/x", "X-Panosc-Service", audience,
        "Authorization", "Bearer not.a.jwt");
    assertThat(garbage.statusCode()).isEqualTo(401);
    var basic = pdp("GET", "/v1/ext-authz/envoy/api/v3/datasets/x", "X-Panosc-Service", audience,
        "Authorization", "Basic YTpi");
    assertThat(basic.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_request");

    assertThat(pdp("GET", "/v1/ext-authz", "X-Original-Method", "GET", "X-Original-URI", "/api/v3/health",
        "X-Panosc-Service", audience, "X-Forwarded-Host", "unknown.example").statusCode())
        .as("a client's X-Panosc-Service is not taken on the nginx/Traefik route").isEqualTo(403);
    assertThat(pdp("GET", "/v1/ext-authz?service=" + enc("https://unknown.example"), "X-Original-Method", "GET",
        "X-Original-URI", "/api/v3/health").statusCode()).as("unknown service").isEqualTo(403);
    assertThat(pdp("GET", "/v1/ext-authz?service=" + enc(audience)).statusCode())
        .as("no original method/URI: malformed, fail closed").isEqualTo(403);
    assertThat(pdp("GET", "/v1/ext-authz?service=" + enc(audience) + "&service=x", "X-Original-Method", "GET",
        "X-Original-URI", "/api/v3/health").statusCode()).as("repeated service").isEqualTo(403);
    assertThat(pdp("GET", "/v1/ext-authz?service=" + enc(audience), "X-Original-Method", "GET",
        "X-Original-URI", "/api/v3/health/../datasets/" + EMBARGOED, "Authorization", alice).statusCode())
        .as("dot segments never match").isEqualTo(403);
    var missingDataset = pdp("GET", "/v1/ext-authz/envoy/api/v3/datasets/10.0/none", "X-Panosc-Service", audience,
        "Authorization", alice);
    assertThat(missingDataset.statusCode()).isEqualTo(403);
  }

  /** A resource server suspended in the registry stops passing within seconds (the PDP follows the change feed). */
  @Test
  void registryChangeWhenServerSuspendedThenItsRequestsDenied() throws Exception {
    String admin = issuer.token(base + "/registry", "registry-admin", "registry:admin");
    String other = "http://localhost:" + Http.freePort();
    var created = Http.sendJson("POST", base + "/registry/admin/v1/resource-servers", admin, new JsonObject()
        .put("audience", other).put("facility", "esrf").put("routeRules", new io.vertx.core.json.JsonArray(
            "[{\"path\":\"/status\",\"public\":true}]")).encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String[] ask = {"X-Original-Method", "GET", "X-Original-URI", "/status"};
    Thread.sleep(1500);  // the creation reached the PDP through the change feed (about a second)
    assertThat(pdp("GET", "/v1/ext-authz?service=" + enc(other), ask).statusCode())
        .as("pending: not published, so unknown").isEqualTo(403);
    assertThat(Http.sendJson("POST", base + "/registry/admin/v1/resource-servers/" + enc(other) + "/approve", admin,
        "{}").statusCode()).isEqualTo(200);
    assertThat(until(() -> pdp("GET", "/v1/ext-authz?service=" + enc(other), ask).statusCode(), 200)).isEqualTo(200);
    assertThat(Http.sendJson("POST", base + "/registry/admin/v1/resource-servers/" + enc(other) + "/suspend", admin,
        "{}").statusCode()).isEqualTo(200);
    assertThat(until(() -> pdp("GET", "/v1/ext-authz?service=" + enc(other), ask).statusCode(), 403)).isEqualTo(403);
  }

  /** Polls {@code status} until it answers {@code want} or 10 s passed; the last answer. */
  private static int until(java.util.function.IntSupplier status, int want) throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    int last;
    do {
      last = status.getAsInt();
      if (last == want) {
        return last;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < end);
    return last;
  }

  @Test
  void nginxAuthRequestWhenInFrontOfUpstreamThenAliceDaveNoTokenOtherAudienceUnknownAndPublic() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/nginx")),
        "nginx is not installed (apt-get install nginx-light)");
    awaitRoutes();
    Path dir = Files.createTempDirectory("nginx-ext-authz");
    int port = Http.freePort();
    String conf = """
        worker_processes 1;
        error_log %1$s/error.log warn;
        pid %1$s/nginx.pid;
        events { worker_connections 256; }
        http {
          access_log off;
          client_body_temp_path %1$s/body; proxy_temp_path %1$s/proxy; fastcgi_temp_path %1$s/fastcgi;
          uwsgi_temp_path %1$s/uwsgi; scgi_temp_path %1$s/scgi;
          upstream pdp { server 127.0.0.1:%4$d; keepalive 16; }
          server {
            listen 127.0.0.1:%2$d;
            location /api/ {
              auth_request /_panosc_authz;
              auth_request_set $panosc_subject $upstream_http_x_panosc_subject;
              auth_request_set $panosc_decision $upstream_http_x_panosc_decision_id;
              auth_request_set $panosc_reason $upstream_http_x_panosc_reason;
              error_page 403 = @panosc_denied;
              proxy_set_header X-Panosc-Subject $panosc_subject;
              proxy_set_header X-Panosc-Decision-Id $panosc_decision;
              proxy_pass http://127.0.0.1:%3$d;
            }
            location = /_panosc_authz {
              internal;
              proxy_pass http://pdp/pdp/v1/ext-authz?service=%5$s;
              proxy_http_version 1.1;
              proxy_set_header Connection "";
              proxy_pass_request_body off;
              proxy_set_header Content-Length "";
              proxy_set_header X-Original-URI $request_uri;
              proxy_set_header X-Original-Method $request_method;
              proxy_set_header X-Forwarded-Host $host;
              proxy_connect_timeout 1s;
              proxy_read_timeout 2s;
            }
            location @panosc_denied {
              add_header X-Panosc-Reason $panosc_reason always;
              return 403 "$panosc_reason\\n";
            }
          }
        }
        """.formatted(dir, port, upstream.getAddress().getPort(), platform.baseUrl().getPort(), enc(audience));
    Files.writeString(dir.resolve("nginx.conf"), conf);
    Process nginx = new ProcessBuilder("/usr/sbin/nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf")
        .toString(), "-g", "daemon off;").redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile())
        .start();
    try {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String alice = "Bearer " + userToken("alice", audience);
      long end = System.nanoTime() + 10_000_000_000L;
      HttpResponse<String> first = null;
      while (first == null && System.nanoTime() < end) {
        first = call(client, port, "/api/v3/datasets/" + EMBARGOED, alice);
        if (first == null) {
          Thread.sleep(100);
        }
      }
      assertThat(first).as("nginx answers (%s)", dir).isNotNull();
      assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
      assertThat(first.body()).contains("upstream saw GET /api/v3/datasets/" + EMBARGOED)
          .contains("subject=alice@demo.panosc.eu").doesNotContain("decision=null");

      var dave = call(client, port, "/api/v3/datasets/" + EMBARGOED, "Bearer " + userToken("dave", audience));
      assertThat(dave.statusCode()).isEqualTo(403);
      assertThat(dave.body()).contains("2028");
      assertThat(dave.headers().firstValue("X-Panosc-Reason")).hasValueSatisfying(r -> assertThat(r).contains("2028"));

      var none = call(client, port, "/api/v3/datasets/" + EMBARGOED, null);
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"panosc\"");
      var other = call(client, port, "/api/v3/datasets/" + EMBARGOED, "Bearer "
          + userToken("alice", "https://other.example"));
      assertThat(other.statusCode()).isEqualTo(401);
      assertThat(other.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");

      var unknown = call(client, port, "/api/v3/instruments", alice);
      assertThat(unknown.statusCode()).as("unmatched route: default deny").isEqualTo(403);
      assertThat(unknown.body()).contains("No access rule covers GET");
      var health = call(client, port, "/api/v3/health", null);
      assertThat(health.statusCode()).as("public route without token").isEqualTo(200);
      assertThat(health.body()).contains("subject=null");
      var spoofed = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v3/health"))
          .header("X-Panosc-Subject", "alice@demo.panosc.eu").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(spoofed.body()).as("a client's own X-Panosc-Subject never reaches the upstream")
          .contains("subject=null");
    } finally {
      nginx.destroy();
      nginx.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /**
   * The PDP down or slower than nginx's timeout for the auth subrequest, seen from a client of nginx: fail closed,
   * nginx answers 500 (any subrequest status other than 2xx, 401, 403 is an error for {@code auth_request}) and the
   * upstream is never reached, on protected and public routes alike (nginx asks the PDP before every request; the
   * PDP's public rules cannot answer when the PDP does not). "Down" is a port nothing listens on; "slow" is the real
   * PDP behind a {@link DelayingRelay} (a TCP relay in the test that holds each answer back for 3 s), with
   * {@code proxy_read_timeout 500ms}. The same relay with no delay answers normally, so the relay itself is not what
   * fails.
   */
  @Test
  void nginxAuthRequestWhenPdpDownOrSlowerThanTheTimeoutThen500AndTheUpstreamNeverReached() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/nginx")),
        "nginx is not installed (apt-get install nginx-light)");
    awaitRoutes();
    Path dir = Files.createTempDirectory("nginx-ext-authz-failure");
    int dead = Http.freePort();
    // one nginx server (port) per case, each as the documented configuration: down, slow, relayed without delay
    Map<String, Integer> ports = Map.of("down", Http.freePort(), "slow", Http.freePort(), "relayed", Http.freePort());
    try (DelayingRelay slow = new DelayingRelay(platform.baseUrl().getPort(), 3000);
        DelayingRelay fast = new DelayingRelay(platform.baseUrl().getPort(), 0)) {
      Map<String, Integer> pdpPorts = Map.of("down", dead, "slow", slow.port(), "relayed", fast.port());
      StringBuilder servers = new StringBuilder();
      for (String name : List.of("down", "slow", "relayed")) {
        servers.append("""
              server {
                listen 127.0.0.1:%1$d;
                location /api/ {
                  auth_request /_panosc_authz;
                  proxy_pass http://127.0.0.1:%3$d;
                }
                location = /_panosc_authz {
                  internal;
                  proxy_pass http://127.0.0.1:%2$d/pdp/v1/ext-authz?service=%4$s;
                  proxy_pass_request_body off;
                  proxy_set_header Content-Length "";
                  proxy_set_header X-Original-URI $request_uri;
                  proxy_set_header X-Original-Method $request_method;
                  proxy_connect_timeout 500ms;
                  proxy_read_timeout 500ms;
                }
              }
            """.formatted(ports.get(name), pdpPorts.get(name), upstream.getAddress().getPort(), enc(audience)));
      }
      String conf = """
          worker_processes 1;
          error_log %1$s/error.log warn;
          pid %1$s/nginx.pid;
          events { worker_connections 256; }
          http {
            access_log off;
            client_body_temp_path %1$s/body; proxy_temp_path %1$s/proxy; fastcgi_temp_path %1$s/fastcgi;
            uwsgi_temp_path %1$s/uwsgi; scgi_temp_path %1$s/scgi;
          %2$s
          }
          """.formatted(dir, servers);
      Files.writeString(dir.resolve("nginx.conf"), conf);
      Process nginx = new ProcessBuilder("/usr/sbin/nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf")
          .toString(), "-g", "daemon off;").redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile())
          .start();
      try {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String alice = "Bearer " + userToken("alice", audience);
        // the relay without delay: the PDP's usual answers, so nginx, the relay and the config work
        long end = System.nanoTime() + 10_000_000_000L;
        HttpResponse<String> relayed = null;
        while (relayed == null && System.nanoTime() < end) {
          relayed = call(client, ports.get("relayed"), "/api/v3/datasets/" + EMBARGOED, alice);
          if (relayed == null) {
            Thread.sleep(100);
          }
        }
        assertThat(relayed).as("nginx answers (%s)", dir).isNotNull();
        assertThat(relayed.statusCode()).as(relayed.body()).isEqualTo(200);
        assertThat(relayed.body()).contains("upstream saw GET /api/v3/datasets/" + EMBARGOED);
        assertThat(call(client, ports.get("relayed"), "/api/v3/health", null).statusCode()).isEqualTo(200);

        for (String path : List.of("/api/v3/datasets/" + EMBARGOED, "/api/v3/health")) {
          var down = call(client, ports.get("down"), path, alice);
          assertThat(down.statusCode()).as("PDP down, %s", path).isEqualTo(500);
          assertThat(down.body()).doesNotContain("upstream saw");

          long t0 = System.nanoTime();
          var late = call(client, ports.get("slow"), path, alice);
          long ms = (System.nanoTime() - t0) / 1_000_000;
          assertThat(late.statusCode()).as("PDP slower than proxy_read_timeout, %s", path).isEqualTo(500);
          assertThat(late.body()).doesNotContain("upstream saw");
          assertThat(ms).as("nginx gives up at its timeout, not when the PDP answers (3 s)").isLessThan(2500);
        }
        assertThat(Files.readString(dir.resolve("error.log"))).as("nginx says why")
            .contains("auth request unexpected status: 50");
      } finally {
        nginx.destroy();
        nginx.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * A TCP relay on 127.0.0.1 to {@code target}, holding the first bytes of each connection's answer back for
   * {@code delayMillis}: a slow PDP (or a slow network to it) without changing the PDP.
   */
  static final class DelayingRelay implements AutoCloseable {
    private final java.net.ServerSocket server;
    private final List<java.net.Socket> open = java.util.Collections.synchronizedList(new ArrayList<>());

    DelayingRelay(int target, long delayMillis) throws java.io.IOException {
      server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
      Thread.ofVirtual().start(() -> {
        while (!server.isClosed()) {
          try {
            java.net.Socket in = server.accept();
            java.net.Socket out = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), target);
            open.add(in);
            open.add(out);
            Thread.ofVirtual().start(() -> pipe(in, out, 0));
            Thread.ofVirtual().start(() -> pipe(out, in, delayMillis));
          } catch (java.io.IOException e) {
            return;
          }
        }
      });
    }

    int port() {
      return server.getLocalPort();
    }

    private static void pipe(java.net.Socket from, java.net.Socket to, long delayFirst) {
      byte[] buf = new byte[8192];
      try {
        boolean first = true;
        for (int n = from.getInputStream().read(buf); n >= 0; n = from.getInputStream().read(buf)) {
          if (first && delayFirst > 0) {
            Thread.sleep(delayFirst);
          }
          first = false;
          to.getOutputStream().write(buf, 0, n);
          to.getOutputStream().flush();
        }
        to.shutdownOutput();
      } catch (java.io.IOException | InterruptedException e) {
        // the other side went away (nginx gave up): the relay's connection ends with it
      } finally {
        try {
          from.close();
          to.close();
        } catch (java.io.IOException ignored) {
          // closing
        }
      }
    }

    @Override
    public void close() throws java.io.IOException {
      server.close();
      synchronized (open) {
        for (java.net.Socket s : open) {
          s.close();
        }
      }
    }
  }

  private static HttpResponse<String> call(HttpClient client, int port, String path, String authorization) {
    var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    try {
      return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
