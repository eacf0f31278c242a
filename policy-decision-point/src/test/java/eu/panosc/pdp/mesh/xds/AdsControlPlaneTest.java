package eu.panosc.pdp.mesh.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import eu.panosc.pdp.mesh.ExtAuthzServiceTest;
import eu.panosc.pdp.mesh.GrpcCheckSettings;
import eu.panosc.pdp.mesh.MeshService;
import eu.panosc.pdp.mesh.RouteSource;
import eu.panosc.pdp.mesh.grpc.CheckServer;
import eu.panosc.platform.mesh.RouteRule;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute;
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
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The xDS control plane against a grpc-java ADS client subscribing like Envoy (state of the world: a
 * DiscoveryRequest per type, ACK with version and nonce, NACK with error_detail), served on the same port as
 * {@code Check}. The resources are unpacked with Envoy's own protos. Envoy itself does not run here (no package).
 */
@SuppressWarnings("unchecked")
class AdsControlPlaneTest {
  static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
  static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
  static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
  static final MeshService ICAT = new MeshService("http://icat.ill.example:8080", "ill", "icat.ill.example:8080",
      List.of(RouteRule.parse("/r/0", List.of(), "/status", null, null, null, true)));

  Vertx vertx;
  AdsControlPlane xds;
  ManagedChannel channel;
  final AtomicReference<Optional<List<MeshService>>> known = new AtomicReference<>(Optional.empty());
  final LinkedBlockingQueue<DiscoveryResponse> received = new LinkedBlockingQueue<>();
  StreamObserver<DiscoveryRequest> stream;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    RouteSource routes = known::get;
    xds = new AdsControlPlane(vertx, routes, "pdp.internal", 9191, 10000).start(Duration.ofMillis(100));
    CheckServer server = CheckServer.start(vertx, new GrpcCheckSettings(true, "127.0.0.1", 0, Optional.empty(),
        Optional.empty(), 65536), ExtAuthzServiceTest.service(routes), 1, List.of(xds.ads()))
        .await(30, TimeUnit.SECONDS);
    channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(), InsecureChannelCredentials.create())
        .build();
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

  @AfterEach
  void stop() throws Exception {
    xds.close();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  DiscoveryRequest request(String type, String version, String nonce, List<String> names) {
    return DiscoveryRequest.newBuilder().setNode(Node.newBuilder().setId("envoy-esrf-1").setCluster("esrf-gateway"))
        .setTypeUrl(type).setVersionInfo(version).setResponseNonce(nonce).addAllResourceNames(names).build();
  }

  DiscoveryResponse next() throws InterruptedException {
    DiscoveryResponse r = received.poll(15, TimeUnit.SECONDS);
    assertThat(r).as("a DiscoveryResponse").isNotNull();
    return r;
  }

  static <T extends com.google.protobuf.Message> List<T> unpack(DiscoveryResponse r, Class<T> type) {
    return r.getResourcesList().stream().map(a -> {
      try {
        return a.unpack(type);
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    }).toList();
  }

  @Test
  void subscribeWhenServicesKnownThenClustersListenerAndRoutesWithExtAuthzAndUpdatesOnChange() throws Exception {
    stream.onNext(request(CDS, "", "", List.of()));
    assertThat(received.poll(500, TimeUnit.MILLISECONDS)).as("no snapshot while the services are unknown").isNull();
    known.set(Optional.of(List.of(ExtAuthzServiceTest.SCICAT, ICAT)));

    DiscoveryResponse cds = next();
    assertThat(cds.getTypeUrl()).isEqualTo(CDS);
    assertThat(cds.getVersionInfo()).isEqualTo("1");
    List<Cluster> clusters = unpack(cds, Cluster.class);
    assertThat(clusters).extracting(Cluster::getName).containsExactlyInAnyOrder(XdsResources.CHECK_CLUSTER,
        "service-scicat.esrf.example-443", "service-icat.ill.example-8080");
    Cluster scicat = clusters.stream().filter(c -> c.getName().contains("scicat")).findFirst().orElseThrow();
    assertThat(scicat.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class).getSni())
        .isEqualTo("scicat.esrf.example");
    assertThat(scicat.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress()
        .getSocketAddress().getPortValue()).isEqualTo(443);
    Cluster check = clusters.stream().filter(c -> c.getName().equals(XdsResources.CHECK_CLUSTER)).findFirst()
        .orElseThrow();
    assertThat(check.getTypedExtensionProtocolOptionsMap()).containsKey(
        "envoy.extensions.upstreams.http.v3.HttpProtocolOptions");
    assertThat(check.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress()
        .getSocketAddress().getAddress()).isEqualTo("pdp.internal");
    stream.onNext(request(CDS, cds.getVersionInfo(), cds.getNonce(), List.of()));  // ACK

    stream.onNext(request(LDS, "", "", List.of()));
    DiscoveryResponse lds = next();
    Listener listener = unpack(lds, Listener.class).get(0);
    assertThat(listener.getName()).isEqualTo(XdsResources.LISTENER);
    assertThat(listener.getAddress().getSocketAddress().getPortValue()).isEqualTo(10000);
    HttpConnectionManager hcm = listener.getFilterChains(0).getFilters(0).getTypedConfig()
        .unpack(HttpConnectionManager.class);
    assertThat(hcm.getRds().getRouteConfigName()).isEqualTo(XdsResources.ROUTES);
    assertThat(hcm.getHttpFiltersList()).extracting(f -> f.getName())
        .containsExactly(XdsResources.EXT_AUTHZ, XdsResources.ROUTER);
    ExtAuthz extAuthz = hcm.getHttpFilters(0).getTypedConfig().unpack(ExtAuthz.class);
    assertThat(extAuthz.getFailureModeAllow()).as("fail closed").isFalse();
    assertThat(extAuthz.getGrpcService().getEnvoyGrpc().getClusterName()).isEqualTo(XdsResources.CHECK_CLUSTER);
    assertThat(extAuthz.getGrpcService().getTimeout().getSeconds()).isEqualTo(1);
    stream.onNext(request(LDS, lds.getVersionInfo(), lds.getNonce(), List.of()));  // ACK

    stream.onNext(request(RDS, "", "", List.of(XdsResources.ROUTES)));
    DiscoveryResponse rds = next();
    RouteConfiguration routes = unpack(rds, RouteConfiguration.class).get(0);
    assertThat(routes.getVirtualHostsList()).extracting(VirtualHost::getName)
        .containsExactlyInAnyOrder("service-scicat.esrf.example-443", "service-icat.ill.example-8080");
    VirtualHost icat = routes.getVirtualHostsList().stream().filter(v -> v.getName().startsWith("service-icat"))
        .findFirst()
        .orElseThrow();
    assertThat(icat.getDomainsList()).containsExactly("icat.ill.example:8080");
    Any perRoute = icat.getTypedPerFilterConfigOrThrow(XdsResources.EXT_AUTHZ);
    assertThat(perRoute.unpack(ExtAuthzPerRoute.class).getCheckSettings().getContextExtensionsMap())
        .containsEntry("service", "http://icat.ill.example:8080");
    stream.onNext(request(RDS, rds.getVersionInfo(), rds.getNonce(), List.of(XdsResources.ROUTES)));  // ACK

    // a suspension in the registry: the service's cluster and virtual host go, as a new version
    known.set(Optional.of(List.of(ExtAuthzServiceTest.SCICAT)));
    DiscoveryResponse cds2 = null;
    DiscoveryResponse rds2 = null;
    for (int i = 0; i < 3 && (cds2 == null || rds2 == null); i++) {  // every subscribed type gets version 2
      DiscoveryResponse r = next();
      assertThat(r.getVersionInfo()).isEqualTo("2");
      if (r.getTypeUrl().equals(CDS)) {
        cds2 = r;
      } else if (r.getTypeUrl().equals(RDS)) {
        rds2 = r;
      }
    }
    assertThat(cds2).isNotNull();
    assertThat(cds2.getVersionInfo()).isEqualTo("2");
    assertThat(unpack(cds2, Cluster.class)).extracting(Cluster::getName)
        .doesNotContain("service-icat.ill.example-8080").contains("service-scicat.esrf.example-443");
    assertThat(rds2).isNotNull();
    assertThat(unpack(rds2, RouteConfiguration.class).get(0).getVirtualHostsList()).extracting(VirtualHost::getName)
        .containsExactly("service-scicat.esrf.example-443");
  }

  /**
   * A proxy NACKs version 2 (reporting its last good version 1 and the rejected response's nonce): the control plane
   * logs and counts it and leaves its snapshot as it is. java-control-plane answers a request whose version differs
   * from the snapshot's with the snapshot, so the proxy may see version 2 again (never another version); Envoy keeps
   * version 1 meanwhile. The next registry change is version 3.
   */
  @Test
  void nackWhenTheProxyRejectsAVersionThenLoggedTheSnapshotKeptAndTheNextChangeStillArrives() throws Exception {
    known.set(Optional.of(List.of(ExtAuthzServiceTest.SCICAT)));
    stream.onNext(request(CDS, "", "", List.of()));
    DiscoveryResponse first = next();
    assertThat(first.getVersionInfo()).isEqualTo("1");
    stream.onNext(request(CDS, "1", first.getNonce(), List.of()));  // ACK
    known.set(Optional.of(List.of(ExtAuthzServiceTest.SCICAT, ICAT)));
    DiscoveryResponse second = next();
    assertThat(second.getVersionInfo()).isEqualTo("2");
    stream.onNext(request(CDS, "1", second.getNonce(), List.of()).toBuilder()
        .setErrorDetail(com.google.rpc.Status.newBuilder().setCode(3).setMessage("cluster rejected")).build());
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(700);
    String lastNonce = second.getNonce();
    DiscoveryResponse again;
    while ((again = received.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS)) != null) {
      assertThat(again.getVersionInfo()).as("only the current version is ever re-sent").isEqualTo("2");
      lastNonce = again.getNonce();
    }
    assertThat(xds.nacks()).isEqualTo(1);
    assertThat(xds.version()).as("the snapshot is not changed by a NACK").isEqualTo(2);

    known.set(Optional.of(List.of(ICAT)));
    Thread.sleep(300);  // the poll (100 ms) takes the change
    // the proxy answers the last response it got (still rejecting it, still at version 1): the new version follows
    stream.onNext(request(CDS, "1", lastNonce, List.of()).toBuilder()
        .setErrorDetail(com.google.rpc.Status.newBuilder().setCode(3).setMessage("cluster rejected")).build());
    DiscoveryResponse third;
    do {
      third = next();
    } while (third.getVersionInfo().equals("2"));
    assertThat(third.getVersionInfo()).isEqualTo("3");
    assertThat(unpack(third, Cluster.class)).extracting(Cluster::getName)
        .containsExactlyInAnyOrder(XdsResources.CHECK_CLUSTER, "service-icat.ill.example-8080");
  }

  /** docs/envoy-bootstrap.yaml parses into Envoy's Bootstrap (unknown fields refused) and points ADS at the PDP. */
  @Test
  void bootstrapExampleWhenParsedWithEnvoysProtosThenValid() throws Exception {
    Object yaml = new org.yaml.snakeyaml.Yaml().load(java.nio.file.Files.readString(
        java.nio.file.Path.of("../docs/envoy-bootstrap.yaml")));
    String json = new io.vertx.core.json.JsonObject((java.util.Map<String, Object>) yaml).encode();
    var builder = io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap.newBuilder();
    com.google.protobuf.util.JsonFormat.parser().usingTypeRegistry(com.google.protobuf.util.JsonFormat.TypeRegistry
        .newBuilder().add(io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.getDescriptor())
        .build()).merge(json, builder);
    var bootstrap = builder.build();
    assertThat(bootstrap.getDynamicResources().getAdsConfig().getGrpcServices(0).getEnvoyGrpc().getClusterName())
        .isEqualTo("panosc_xds");
    assertThat(bootstrap.getDynamicResources().getCdsConfig().hasAds()).isTrue();
    assertThat(bootstrap.getNode().getMetadata().getFieldsOrThrow("facility").getStringValue()).isEqualTo("esrf");
    assertThat(new AdsControlPlane(vertx, Optional::empty, "h", 1, 2).group(bootstrap.getNode()))
        .as("its node group").isEqualTo("facility:esrf");
    assertThat(bootstrap.getStaticResources().getClusters(0).getTypedExtensionProtocolOptionsMap())
        .containsKey("envoy.extensions.upstreams.http.v3.HttpProtocolOptions");
    assertThatThrownBy(() -> com.google.protobuf.util.JsonFormat.parser().merge("{\"nodes\": {}}",
        io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap.newBuilder()))
        .as("a misspelt field is refused").isInstanceOf(com.google.protobuf.InvalidProtocolBufferException.class);
  }
}
