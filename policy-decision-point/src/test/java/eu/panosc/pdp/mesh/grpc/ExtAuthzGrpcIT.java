package eu.panosc.pdp.mesh.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.pdp.PdpApplication;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.LocalIssuer;
import eu.panosc.platform.testing.PlatformLauncher;
import eu.panosc.registry.RegistryApplication;
import com.sun.net.httpserver.HttpServer;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Envoy's gRPC {@code Check} against the running PDP (issue 15): the real federation-registry and PDP (demo data) in
 * one platform with {@code services.pdp.mesh.grpc.port} set, a resource server with route rules registered and
 * approved through the registry's admin API, and a grpc-java client (the api jar's generated stub) asking like Envoy
 * does: the same table as {@code ExtAuthzNginxIT}; and an ADS client subscribing like Envoy to the xDS control plane
 * on the same port, following the registry's approvals and suspensions. Envoy itself does not run here (no package).
 *
 * <p>Stand-ins, as in {@code ExtAuthzNginxIT}: user tokens are minted by the test's {@link LocalIssuer} (RFC 9068
 * shape, {@code voperson_id}), and the PDP's client_credentials token for the registry comes from a small in-test
 * token endpoint standing in for the aai-broker's.
 */
class ExtAuthzGrpcIT {
  @TempDir
  static Path dataDir;
  static LocalIssuer issuer;
  static HttpServer tokenEndpoint;
  static Platform platform;
  static ManagedChannel channel;
  static String base;
  static final String AUDIENCE = "https://scicat.esrf.example";
  static final String EMBARGOED = "10.15151/ESRF-DC-2415001";

  @BeforeAll
  static void start() throws Exception {
    issuer = LocalIssuer.start();
    tokenEndpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    int pdpPort = Http.freePort();
    int grpcPort = Http.freePort();
    Map<String, String> config = new HashMap<>(issuer.configOverrides());
    config.put("server.port", Integer.toString(pdpPort));
    config.put("server.publicBaseUrl", "http://127.0.0.1:" + pdpPort);
    config.put("services.pdp.mesh.grpc.port", Integer.toString(grpcPort));
    config.put("services.pdp.mesh.xds.enabled", "true");
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
    String admin = issuer.token(base + "/registry", "registry-admin", "registry:admin");
    var created = Http.sendJson("POST", base + "/registry/admin/v1/resource-servers", admin, new JsonObject()
        .put("audience", AUDIENCE).put("facility", "esrf").put("scopes", List.of("scicat:read"))
        .put("routeRules", new JsonArray("""
            [{"methods":["GET","HEAD"],"path":"/api/v3/datasets/{pid+}","action":"read",
              "resource":{"type":"dataset","id":"{pid}"}},
             {"methods":["GET"],"path":"/api/v3/health","public":true}]""")).encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    var approved = Http.sendJson("POST", base + "/registry/admin/v1/resource-servers/" + enc(AUDIENCE) + "/approve",
        admin, "{}");
    assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
    channel = Grpc.newChannelBuilderForAddress("127.0.0.1", grpcPort, InsecureChannelCredentials.create()).build();
    awaitRoutes();
  }

  @AfterAll
  static void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (platform != null) {
      platform.stop().get(60, TimeUnit.SECONDS);
    }
    if (tokenEndpoint != null) {
      tokenEndpoint.stop(0);
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

  /** Envoy's request for {@code method path} on {@code host}, with {@code headers}; the service as context extension. */
  static CheckResponse check(String method, String path, String host, boolean serviceExtension,
      Map<String, String> headers) {
    AttributeContext.HttpRequest.Builder http = AttributeContext.HttpRequest.newBuilder()
        .setId("7f3c2b9e-41a0-4d5e-9d1a-000000000001").setMethod(method).setPath(path).setHost(host)
        .setScheme("https").setProtocol("HTTP/1.1").putHeaders(":authority", host).putHeaders(":method", method)
        .putHeaders(":path", path).putHeaders("x-forwarded-proto", "https");
    headers.forEach(http::putHeaders);
    AttributeContext.Builder attributes = AttributeContext.newBuilder()
        .setRequest(AttributeContext.Request.newBuilder().setHttp(http));
    if (serviceExtension) {
      attributes.putContextExtensions("service", AUDIENCE);
    }
    return AuthorizationGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(CheckRequest.newBuilder().setAttributes(attributes).build());
  }

  static Map<String, String> headersOf(List<HeaderValueOption> options) {
    return options.stream().collect(Collectors.toMap(o -> o.getHeader().getKey(), o -> o.getHeader().getValue()));
  }

  /** Waits until the PDP has read the resource server from the registry (change feed, about a second). */
  static void awaitRoutes() throws InterruptedException {
    long end = System.nanoTime() + 20_000_000_000L;
    CheckResponse r;
    do {
      r = check("GET", "/api/v3/health", "scicat.esrf.example", true, Map.of());
      if (r.getStatus().getCode() == 0) {
        return;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < end);
    assertThat(r.getStatus().getCode()).as("the PDP learns the route rules: %s", r).isZero();
  }

  @Test
  void checkWhenEnvoyAsksThenPermitDenyNoTokenOtherAudienceUnknownRoutePublicAndSpoofedHeaders() {
    String alice = "Bearer " + userToken("alice", AUDIENCE);
    CheckResponse ok = check("GET", "/api/v3/datasets/" + EMBARGOED + "?fields=all", "gw.example", true,
        Map.of("authorization", alice, "x-panosc-subject", "root@demo.panosc.eu", "x-panosc-role", "admin"));
    assertThat(ok.getStatus().getCode()).as(ok.toString()).isZero();
    Map<String, String> set = headersOf(ok.getOkResponse().getHeadersList());
    assertThat(set).containsEntry("x-panosc-subject", "alice@demo.panosc.eu");
    assertThat(set.get("x-panosc-decision-id")).hasSize(36);
    assertThat(ok.getOkResponse().getHeadersToRemoveList()).as("spoofed x-panosc-* removed").containsExactly(
        "x-panosc-role");
    // the decision is in the PDP's decision log like the HTTP forward-auth's (kind ext-authz)
    String pdpAdmin = issuer.token(base + "/pdp", "pdp-admin", "pdp:admin");
    String id = set.get("x-panosc-decision-id");
    long end = System.nanoTime() + 15_000_000_000L;
    String logged;
    do {
      var r = Http.send(java.net.http.HttpRequest.newBuilder(URI.create(base + "/pdp/v1/decisions?resource="
          + enc(EMBARGOED) + "&limit=1000")).header("Authorization", "Bearer " + pdpAdmin).build());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      logged = r.body();
      if (!logged.contains(id)) {
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    } while (!logged.contains(id) && System.nanoTime() < end);
    assertThat(logged).as("the decision is logged like the HTTP forward-auth's").contains(id).contains("ext-authz");

    CheckResponse byHost = check("GET", "/api/v3/datasets/" + EMBARGOED, "scicat.esrf.example", false,
        Map.of("authorization", alice));
    assertThat(byHost.getStatus().getCode()).as("service from the host").isZero();

    CheckResponse dave = check("GET", "/api/v3/datasets/" + EMBARGOED, "gw.example", true,
        Map.of("authorization", "Bearer " + userToken("dave", AUDIENCE)));
    assertThat(dave.getStatus().getCode()).isEqualTo(7);
    assertThat(dave.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(403);
    assertThat(dave.getDeniedResponse().getBody()).contains("2028");
    assertThat(headersOf(dave.getDeniedResponse().getHeadersList())).containsKey("x-panosc-decision-id")
        .hasEntrySatisfying("x-panosc-reason", r -> assertThat(r).contains("2028"));

    CheckResponse none = check("GET", "/api/v3/datasets/" + EMBARGOED, "gw.example", true, Map.of());
    assertThat(none.getStatus().getCode()).isEqualTo(16);
    assertThat(none.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(401);
    assertThat(headersOf(none.getDeniedResponse().getHeadersList()))
        .containsEntry("www-authenticate", "Bearer realm=\"panosc\"");

    CheckResponse other = check("GET", "/api/v3/datasets/" + EMBARGOED, "gw.example", true,
        Map.of("authorization", "Bearer " + userToken("alice", "https://other.example")));
    assertThat(other.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(401);
    assertThat(headersOf(other.getDeniedResponse().getHeadersList()).get("www-authenticate"))
        .contains("error=\"invalid_token\"").contains("wrong audience");

    CheckResponse unknownRoute = check("GET", "/api/v3/instruments", "gw.example", true,
        Map.of("authorization", alice));
    assertThat(unknownRoute.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(403);
    assertThat(unknownRoute.getDeniedResponse().getBody()).contains("No access rule covers GET");

    CheckResponse unknownService = check("GET", "/api/v3/health", "unknown.example", false, Map.of());
    assertThat(unknownService.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(403);
    assertThat(unknownService.getDeniedResponse().getBody()).contains("not registered");

    CheckResponse health = check("GET", "/api/v3/health", "gw.example", true,
        Map.of("x-panosc-subject", "alice@demo.panosc.eu"));
    assertThat(health.getStatus().getCode()).as("public route without token").isZero();
    assertThat(health.getOkResponse().getHeadersList()).isEmpty();
    assertThat(health.getOkResponse().getHeadersToRemoveList()).contains("x-panosc-subject",
        "x-panosc-decision-id");

    CheckResponse dots = check("GET", "/api/v3/health/../datasets/" + EMBARGOED, "gw.example", true,
        Map.of("authorization", alice));
    assertThat(dots.getDeniedResponse().getStatus().getCodeValue()).as("dot segments never match").isEqualTo(403);
    CheckResponse empty = AuthorizationGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(CheckRequest.getDefaultInstance());
    assertThat(empty.getDeniedResponse().getStatus().getCodeValue()).as("malformed: fail closed").isEqualTo(403);
  }

  /** The xDS control plane follows the registry: an approved resource server appears, a suspended one goes. */
  @Test
  void adsWhenRegistryApprovesAndSuspendsThenClustersFollow() throws Exception {
    var received = new java.util.concurrent.LinkedBlockingQueue<io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse>();
    var stream = io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc.newStub(channel)
        .streamAggregatedResources(new io.grpc.stub.StreamObserver<>() {
          @Override
          public void onNext(io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse r) {
            received.add(r);
          }

          @Override
          public void onError(Throwable t) {
          }

          @Override
          public void onCompleted() {
          }
        });
    String cds = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
    var node = io.envoyproxy.envoy.config.core.v3.Node.newBuilder().setId("envoy-it").build();
    java.util.function.BiConsumer<String, String> ask = (version, nonce) -> stream.onNext(
        io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(cds)
            .setVersionInfo(version).setResponseNonce(nonce).build());
    ask.accept("", "");
    // the first snapshot may predate the PDP's first read of the registry's resource servers (only its own cluster)
    var first = awaitCds(received, ask, r -> names(r).contains("service-scicat.esrf.example-443"));
    assertThat(names(first)).contains("panosc-pdp-check", "service-scicat.esrf.example-443");

    String admin = issuer.token(base + "/registry", "registry-admin", "registry:admin");
    String other = "https://icat.ill.example";
    var created = Http.sendJson("POST", base + "/registry/admin/v1/resource-servers", admin, new JsonObject()
        .put("audience", other).put("facility", "ill").put("routeRules", new JsonArray(
            "[{\"path\":\"/status\",\"public\":true}]")).encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(Http.sendJson("POST", base + "/registry/admin/v1/resource-servers/" + enc(other) + "/approve", admin,
        "{}").statusCode()).isEqualTo(200);
    var added = awaitCds(received, ask, r -> names(r).contains("service-icat.ill.example-443"));
    assertThat(Long.parseLong(added.getVersionInfo())).isGreaterThan(Long.parseLong(first.getVersionInfo()));
    assertThat(Http.sendJson("POST", base + "/registry/admin/v1/resource-servers/" + enc(other) + "/suspend", admin,
        "{}").statusCode()).isEqualTo(200);
    var removed = awaitCds(received, ask, r -> !names(r).contains("service-icat.ill.example-443"));
    assertThat(names(removed)).contains("service-scicat.esrf.example-443");
    stream.onCompleted();
  }

  /**
   * The running PDP's listener has jwt_authn with the configured issuer and JWKS (auth.issuer, auth.jwksUri), and a
   * proxy naming facility esrf in its node metadata gets ESRF's service only.
   */
  @Test
  void adsWhenAFacilityProxySubscribesThenItsListenerChecksTokensOfTheConfiguredIssuer() throws Exception {
    var received = new java.util.concurrent.LinkedBlockingQueue<io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse>();
    var stream = io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc.newStub(channel)
        .streamAggregatedResources(new io.grpc.stub.StreamObserver<>() {
          @Override
          public void onNext(io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse r) {
            received.add(r);
          }

          @Override
          public void onError(Throwable t) {
          }

          @Override
          public void onCompleted() {
          }
        });
    var node = io.envoyproxy.envoy.config.core.v3.Node.newBuilder().setId("envoy-esrf-it")
        .setMetadata(com.google.protobuf.Struct.newBuilder().putFields("facility",
            com.google.protobuf.Value.newBuilder().setStringValue("esrf").build())).build();
    String lds = "type.googleapis.com/envoy.config.listener.v3.Listener";
    stream.onNext(io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest.newBuilder().setNode(node)
        .setTypeUrl(lds).build());
    var r = received.poll(20, TimeUnit.SECONDS);
    assertThat(r).as("an LDS response").isNotNull();
    var hcm = r.getResources(0).unpack(io.envoyproxy.envoy.config.listener.v3.Listener.class).getFilterChains(0)
        .getFilters(0).getTypedConfig().unpack(io.envoyproxy.envoy.extensions.filters.network
            .http_connection_manager.v3.HttpConnectionManager.class);
    var jwt = hcm.getHttpFilters(0).getTypedConfig().unpack(
        io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication.class);
    assertThat(jwt.getProvidersMap()).containsOnlyKeys("service-scicat.esrf.example-443");
    var provider = jwt.getProvidersOrThrow("service-scicat.esrf.example-443");
    assertThat(provider.getIssuer()).isEqualTo(issuer.issuer());
    assertThat(provider.getRemoteJwks().getHttpUri().getUri()).isEqualTo(issuer.issuer() + "/jwks");
    assertThat(provider.getAudiencesList()).containsExactly(AUDIENCE);
    stream.onCompleted();
  }

  static List<String> names(io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse r) {
    return r.getResourcesList().stream().map(a -> {
      try {
        return a.unpack(io.envoyproxy.envoy.config.cluster.v3.Cluster.class).getName();
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    }).toList();
  }

  /** ACKs every response until one satisfies {@code done} (within 20 s). */
  static io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse awaitCds(
      java.util.concurrent.BlockingQueue<io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse> received,
      java.util.function.BiConsumer<String, String> ack,
      java.util.function.Predicate<io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse> done)
      throws InterruptedException {
    long end = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < end) {
      var r = received.poll(1, TimeUnit.SECONDS);
      if (r == null) {
        continue;
      }
      ack.accept(r.getVersionInfo(), r.getNonce());
      if (done.test(r)) {
        return r;
      }
    }
    throw new AssertionError("no matching CDS response within 20 s");
  }
}
