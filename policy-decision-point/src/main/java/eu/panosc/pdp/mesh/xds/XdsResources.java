package eu.panosc.pdp.mesh.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import eu.panosc.pdp.mesh.MeshService;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.CheckSettings;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Envoy resources for the registry's approved resource servers (issue 15): per service a cluster (its audience's
 * host and port, TLS with SNI for https) and a virtual host (its host, every path to that cluster) whose ext_authz
 * per-route settings carry the service as context extension {@code service}; one listener whose HTTP connection
 * manager takes the routes over ADS and runs ext_authz (gRPC, fail closed, 1 s) against the PDP's {@code Check}, then
 * the router; and the cluster of the PDP's {@code Check} (HTTP/2).
 */
public final class XdsResources {
  public static final String LISTENER = "panosc-ingress";
  public static final String ROUTES = "panosc-routes";
  public static final String CHECK_CLUSTER = "panosc-pdp-check";
  public static final String EXT_AUTHZ = "envoy.filters.http.ext_authz";
  public static final String ROUTER = "envoy.filters.http.router";
  private static final String HTTP_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

  private XdsResources() {}

  /**
   * @param checkHost, checkPort where Envoy reaches the PDP's gRPC {@code Check}
   * @param listenerPort the port Envoy's ingress listener takes
   */
  public static Snapshot snapshot(List<MeshService> services, String checkHost, int checkPort, int listenerPort,
      String version) {
    List<Cluster> clusters = new ArrayList<>();
    clusters.add(cluster(CHECK_CLUSTER, checkHost, checkPort, false, true));
    List<VirtualHost> hosts = new ArrayList<>();
    for (MeshService s : services) {
      URI audience = URI.create(s.audience());
      if (audience.getHost() == null) {
        continue;
      }
      boolean tls = "https".equalsIgnoreCase(audience.getScheme());
      int port = audience.getPort() > 0 ? audience.getPort() : tls ? 443 : 80;
      String name = clusterName(s);
      clusters.add(cluster(name, audience.getHost(), port, tls, false));
      String host = audience.getHost().toLowerCase(Locale.ROOT);
      List<String> domains = audience.getPort() > 0 ? List.of(host + ":" + port) : List.of(host, host + ":" + port);
      hosts.add(VirtualHost.newBuilder().setName(name).addAllDomains(domains)
          .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
              .setRoute(RouteAction.newBuilder().setCluster(name)))
          .putTypedPerFilterConfig(EXT_AUTHZ, Any.pack(ExtAuthzPerRoute.newBuilder()
              .setCheckSettings(CheckSettings.newBuilder().putContextExtensions("service", s.audience())).build()))
          .build());
    }
    RouteConfiguration routes = RouteConfiguration.newBuilder().setName(ROUTES).addAllVirtualHosts(hosts).build();
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder().setStatPrefix("panosc")
        .setRds(Rds.newBuilder().setRouteConfigName(ROUTES).setConfigSource(ConfigSource.newBuilder()
            .setAds(AggregatedConfigSource.getDefaultInstance()).setResourceApiVersion(ApiVersion.V3)))
        .addHttpFilters(HttpFilter.newBuilder().setName(EXT_AUTHZ).setTypedConfig(Any.pack(ExtAuthz.newBuilder()
            .setTransportApiVersion(ApiVersion.V3).setFailureModeAllow(false)
            .setGrpcService(GrpcService.newBuilder().setTimeout(Duration.newBuilder().setSeconds(1))
                .setEnvoyGrpc(GrpcService.EnvoyGrpc.newBuilder().setClusterName(CHECK_CLUSTER)))
            .build())))
        .addHttpFilters(HttpFilter.newBuilder().setName(ROUTER).setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .build();
    Listener listener = Listener.newBuilder().setName(LISTENER)
        .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("0.0.0.0")
            .setPortValue(listenerPort)))
        .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
            .setName("envoy.filters.network.http_connection_manager").setTypedConfig(Any.pack(hcm))))
        .build();
    return Snapshot.create(clusters, List.of(), List.of(listener), List.of(routes), List.of(), version);
  }

  /** {@code service-<host>-<port>} in lower case, [a-z0-9.-] only. */
  static String clusterName(MeshService s) {
    URI u = URI.create(s.audience());
    String raw = "service-" + u.getHost() + "-" + (u.getPort() > 0 ? u.getPort()
        : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80);
    return raw.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
  }

  private static Cluster cluster(String name, String host, int port, boolean tls, boolean http2) {
    Cluster.Builder c = Cluster.newBuilder().setName(name).setConnectTimeout(Duration.newBuilder().setSeconds(1))
        .setType(Cluster.DiscoveryType.LOGICAL_DNS)
        .setLoadAssignment(ClusterLoadAssignment.newBuilder().setClusterName(name)
            .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder()
                .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder().setSocketAddress(
                    SocketAddress.newBuilder().setAddress(host).setPortValue(port)))))));
    if (tls) {
      c.setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
          .setTypedConfig(Any.pack(UpstreamTlsContext.newBuilder().setSni(host).build())));
    }
    if (http2) {
      c.putTypedExtensionProtocolOptions(HTTP_OPTIONS, Any.pack(HttpProtocolOptions.newBuilder()
          .setExplicitHttpConfig(HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
              .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance())).build()));
    }
    return c.build();
  }
}
