package eu.panosc.pdp.mesh.xds;

import static eu.panosc.pdp.mesh.xds.AdsControlPlaneTest.CDS;
import static eu.panosc.pdp.mesh.xds.AdsControlPlaneTest.LDS;
import static eu.panosc.pdp.mesh.xds.AdsControlPlaneTest.RDS;
import static eu.panosc.pdp.mesh.xds.AdsControlPlaneTest.unpack;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import eu.panosc.pdp.mesh.ExtAuthzServiceTest;
import eu.panosc.pdp.mesh.GrpcCheckSettings;
import eu.panosc.pdp.mesh.MeshService;
import eu.panosc.pdp.mesh.RouteSource;
import eu.panosc.pdp.mesh.grpc.CheckServer;
import eu.panosc.platform.mesh.RouteRule;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtProvider;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.PerRouteConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code jwt_authn} filter in the xDS snapshots and the per-facility node groups, seen by grpc-java ADS clients
 * subscribing like Envoy; every resource is unpacked with Envoy's own protos ({@link JwtAuthentication},
 * {@link PerRouteConfig}). Envoy itself does not run here (no package).
 */
class AdsJwtAuthnNodeGroupsTest {
  static final String ISSUER = "https://cp.example.org/aai";
  static final URI JWKS = URI.create("https://cp.example.org/aai/jwks");
  static final MeshService ICAT = new MeshService("http://icat.ill.example:8080", "ill", "icat.ill.example:8080",
      List.of(RouteRule.parse("/r/0", List.of(), "/status", null, null, null, true),
          RouteRule.parse("/r/1", List.of("GET", "HEAD"), "/icat/entity/{id}", "read", "investigation", "{id}",
              false)));

  Vertx vertx;
  AdsControlPlane xds;
  ManagedChannel channel;
  final AtomicReference<Optional<List<MeshService>>> known = new AtomicReference<>(Optional.empty());

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    RouteSource routes = known::get;
    xds = new AdsControlPlane(vertx, routes, "pdp.internal", () -> 9191, 10000,
        Optional.of(new XdsResources.TokenIssuer(ISSUER, JWKS))).start(Duration.ofMillis(100));
    CheckServer server = CheckServer.start(vertx, new GrpcCheckSettings(true, "127.0.0.1", 0, Optional.empty(),
        Optional.empty(), 65536), ExtAuthzServiceTest.service(routes), 1, List.of(xds.ads()))
        .await(30, TimeUnit.SECONDS);
    channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(), InsecureChannelCredentials.create())
        .build();
  }

  @AfterEach
  void stop() throws Exception {
    xds.close();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  /** One ADS stream of a proxy; {@code facility} null = the node names none. */
  final class Proxy {
    final LinkedBlockingQueue<DiscoveryResponse> received = new LinkedBlockingQueue<>();
    final StreamObserver<DiscoveryRequest> stream;
    final Node node;

    Proxy(String id, Value facility) {
      Node.Builder n = Node.newBuilder().setId(id).setCluster("gateway");
      if (facility != null) {
        n.setMetadata(Struct.newBuilder().putFields("facility", facility));
      }
      node = n.build();
      stream = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new StreamObserver<>() {
        @Override
        public void onNext(DiscoveryResponse r) {
          received.add(r);
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
      });
    }

    DiscoveryResponse get(String type, List<String> names) throws InterruptedException {
      stream.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(type).addAllResourceNames(names).build());
      DiscoveryResponse r = received.poll(15, TimeUnit.SECONDS);
      assertThat(r).as("a DiscoveryResponse for " + node.getId()).isNotNull();
      assertThat(r.getTypeUrl()).isEqualTo(type);
      // ACK, as Envoy does: this opens the watch the next version is pushed to
      stream.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(type).addAllResourceNames(names)
          .setVersionInfo(r.getVersionInfo()).setResponseNonce(r.getNonce()).build());
      return r;
    }

    List<String> clusters() throws InterruptedException {
      return unpack(get(CDS, List.of()), Cluster.class).stream().map(Cluster::getName).toList();
    }
  }

  static Value text(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  @Test
  void listenerWhenIssuerKnownThenJwtAuthnBeforeExtAuthzWithIssuerJwksAudiencesAndPerRouteRequirements()
      throws Exception {
    known.set(Optional.of(List.of(ExtAuthzServiceTest.SCICAT, ICAT)));
    Proxy proxy = new Proxy("envoy-all", null);

    List<Cluster> clusters = unpack(proxy.get(CDS, List.of()), Cluster.class);
    Cluster jwks = clusters.stream().filter(c -> c.getName().equals(XdsResources.JWKS_CLUSTER)).findFirst()
        .orElseThrow();
    assertThat(jwks.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress()
        .getSocketAddress().getAddress()).isEqualTo("cp.example.org");
    assertThat(jwks.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress()
        .getSocketAddress().getPortValue()).isEqualTo(443);
    assertThat(jwks.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class).getSni())
        .isEqualTo("cp.example.org");

    Listener listener = unpack(proxy.get(LDS, List.of()), Listener.class).get(0);
    HttpConnectionManager hcm = listener.getFilterChains(0).getFilters(0).getTypedConfig()
        .unpack(HttpConnectionManager.class);
    assertThat(hcm.getHttpFiltersList()).extracting(f -> f.getName())
        .containsExactly(XdsResources.JWT_AUTHN, XdsResources.EXT_AUTHZ, XdsResources.ROUTER);
    JwtAuthentication jwt = hcm.getHttpFilters(0).getTypedConfig().unpack(JwtAuthentication.class);
    assertThat(jwt.getProvidersMap()).containsOnlyKeys("service-scicat.esrf.example-443",
        "service-icat.ill.example-8080");
    JwtProvider scicat = jwt.getProvidersOrThrow("service-scicat.esrf.example-443");
    assertThat(scicat.getIssuer()).isEqualTo(ISSUER);
    assertThat(scicat.getAudiencesList()).containsExactly(ExtAuthzServiceTest.SCICAT.audience());
    assertThat(scicat.getRemoteJwks().getHttpUri().getUri()).isEqualTo(JWKS.toString());
    assertThat(scicat.getRemoteJwks().getHttpUri().getCluster()).isEqualTo(XdsResources.JWKS_CLUSTER);
    assertThat(scicat.getRemoteJwks().getHttpUri().getTimeout().getSeconds()).isEqualTo(1);
    assertThat(scicat.getForward()).as("the token goes on to ext_authz and the service").isTrue();
    assertThat(scicat.getPayloadInMetadata()).isEqualTo(XdsResources.PAYLOAD_METADATA);
    assertThat(jwt.getProvidersOrThrow("service-icat.ill.example-8080").getAudiencesList())
        .containsExactly("http://icat.ill.example:8080");
    assertThat(jwt.getRequirementMapOrThrow("service-icat.ill.example-8080").getProviderName())
        .isEqualTo("service-icat.ill.example-8080");
    assertThat(jwt.getRulesList()).as("requirements are per route, not filter-wide").isEmpty();

    RouteConfiguration routes = unpack(proxy.get(RDS, List.of(XdsResources.ROUTES)), RouteConfiguration.class)
        .get(0);
    VirtualHost icat = routes.getVirtualHostsList().stream().filter(v -> v.getName().startsWith("service-icat"))
        .findFirst().orElseThrow();
    // the rules in order, then every other path; the public rule needs no token, the others the service's
    assertThat(icat.getRoutesList()).hasSize(3);
    Route status = icat.getRoutes(0);
    assertThat(status.getMatch().getSafeRegex().getRegex()).isEqualTo("/status");
    assertThat(status.getMatch().getHeadersList()).as("every method").isEmpty();
    assertThat(perRoute(status).getDisabled()).isTrue();
    Route entity = icat.getRoutes(1);
    assertThat(entity.getMatch().getSafeRegex().getRegex()).isEqualTo("/icat/entity/[^/]+");
    assertThat(entity.getMatch().getHeaders(0).getName()).isEqualTo(":method");
    assertThat(entity.getMatch().getHeaders(0).getStringMatch().getSafeRegex().getRegex()).isEqualTo("GET|HEAD");
    assertThat(perRoute(entity).getRequirementName()).isEqualTo("service-icat.ill.example-8080");
    Route rest = icat.getRoutes(2);
    assertThat(rest.getMatch().getPrefix()).isEqualTo("/");
    assertThat(perRoute(rest).getRequirementName()).isEqualTo("service-icat.ill.example-8080");
    assertThat(icat.getRoutesList()).allSatisfy(r ->
        assertThat(r.getRoute().getCluster()).isEqualTo("service-icat.ill.example-8080"));
    VirtualHost sc = routes.getVirtualHostsList().stream().filter(v -> v.getName().startsWith("service-scicat"))
        .findFirst().orElseThrow();
    assertThat(sc.getRoutesList()).extracting(r -> perRoute(r).getDisabled())
        .containsExactly(false, true, false, false);
    assertThat(sc.getRoutes(0).getMatch().getSafeRegex().getRegex()).isEqualTo("/api/v3/datasets/.+");
  }

  static PerRouteConfig perRoute(Route r) {
    try {
      return r.getTypedPerFilterConfigOrThrow(XdsResources.JWT_AUTHN).unpack(PerRouteConfig.class);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void nodesWhenTheyNameDifferentFacilitiesThenEachSeesOnlyItsServicesAndANodeWithoutFacilitySeesAll()
      throws Exception {
    known.set(Optional.of(List.of(ExtAuthzServiceTest.SCICAT, ICAT)));
    Proxy esrf = new Proxy("envoy-esrf-1", text("esrf"));
    Proxy ill = new Proxy("envoy-ill-1", text("ill"));
    Proxy all = new Proxy("envoy-central", null);
    Proxy other = new Proxy("envoy-xfel-1", text("xfel"));
    Proxy bad = new Proxy("envoy-bad", text("es\u0001rf"));

    assertThat(esrf.clusters()).containsExactlyInAnyOrder(XdsResources.CHECK_CLUSTER, XdsResources.JWKS_CLUSTER,
        "service-scicat.esrf.example-443");
    assertThat(ill.clusters()).containsExactlyInAnyOrder(XdsResources.CHECK_CLUSTER, XdsResources.JWKS_CLUSTER,
        "service-icat.ill.example-8080");
    assertThat(all.clusters()).containsExactlyInAnyOrder(XdsResources.CHECK_CLUSTER, XdsResources.JWKS_CLUSTER,
        "service-scicat.esrf.example-443", "service-icat.ill.example-8080");
    assertThat(other.clusters()).as("a facility without approved services gets none")
        .containsExactlyInAnyOrder(XdsResources.CHECK_CLUSTER, XdsResources.JWKS_CLUSTER);
    assertThat(bad.clusters()).as("a facility value that is no clean id gets none")
        .containsExactlyInAnyOrder(XdsResources.CHECK_CLUSTER, XdsResources.JWKS_CLUSTER);
    JwtAuthentication esrfJwt = unpack(esrf.get(LDS, List.of()), Listener.class).get(0).getFilterChains(0)
        .getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class).getHttpFilters(0).getTypedConfig()
        .unpack(JwtAuthentication.class);
    assertThat(esrfJwt.getProvidersMap()).containsOnlyKeys("service-scicat.esrf.example-443");

    // a new ILL service: ILL's proxies get it as a new version, ESRF's snapshot does not change
    MeshService nexus = new MeshService("https://nexus.ill.example", "ill", "nexus.ill.example", List.of());
    known.set(Optional.of(List.of(ExtAuthzServiceTest.SCICAT, ICAT, nexus)));
    DiscoveryResponse update = ill.received.poll(15, TimeUnit.SECONDS);
    assertThat(update).as("ILL's proxy gets the new version").isNotNull();
    assertThat(update.getTypeUrl()).isEqualTo(CDS);
    assertThat(unpack(update, Cluster.class)).extracting(Cluster::getName)
        .contains("service-icat.ill.example-8080", "service-nexus.ill.example-443")
        .doesNotContain("service-scicat.esrf.example-443");
    assertThat(update.getVersionInfo()).isEqualTo("2");
    assertThat(esrf.received.poll(500, TimeUnit.MILLISECONDS)).as("ESRF's snapshot is unchanged").isNull();
  }

  /** The generated regexes (RE2; java.util.regex agrees on this subset) match the paths the PDP's rules match. */
  @Test
  void pathRegexWhenComparedWithTheRuleMatcherThenSameAnswerForOrdinaryPaths() {
    RouteRule one = RouteRule.parse("/r", List.of(), "/api/v3/datasets/{pid}", "read", "dataset", "{pid}", false);
    RouteRule rest = RouteRule.parse("/r", List.of(), "/files/{pid}/{file+}", "read", "dataset", "{pid}", false);
    RouteRule dots = RouteRule.parse("/r", List.of(), "/a.b/c+d/(x)", null, null, null, true);
    RouteRule root = RouteRule.parse("/r", List.of(), "/", null, null, null, true);
    for (String path : List.of("/api/v3/datasets/10.5072%2Fabc", "/api/v3/datasets/x/y", "/api/v3/datasets",
        "/api/v3/datasets/", "/files/p1/a/b/c.h5", "/files/p1", "/a.b/c+d/(x)", "/aXb/c+d/(x)", "/a.b/cd/(x)",
        "/", "/x")) {
      for (RouteRule r : List.of(one, rest, dots, root)) {
        assertThat(Pattern.matches(XdsResources.pathRegex(r.path()), path))
            .as(r.path() + " on " + path).isEqualTo(r.match("GET", path).isPresent());
      }
    }
  }
}
