package eu.panosc.pdp.mesh.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import eu.panosc.pdp.mesh.MeshService;
import eu.panosc.platform.mesh.RouteRule;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.HttpUri;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.CheckSettings;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwksAsyncFetch;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtProvider;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtRequirement;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.PerRouteConfig;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The Envoy resources for the registry's approved resource servers (issue 15): per service a cluster (its audience's
 * host and port, TLS with SNI for https) and a virtual host (its host, every path to that cluster) whose ext_authz
 * per-route settings carry the service as context extension {@code service}; one listener whose HTTP connection
 * manager takes the routes over ADS and runs ext_authz (gRPC, fail closed, 1 s) against the PDP's {@code Check}, then
 * the router; and the cluster of the PDP's {@code Check} (HTTP/2).
 *
 * <p>With a {@link TokenIssuer} (the aai-broker's issuer and JWKS), Envoy's {@code jwt_authn} filter runs before
 * ext_authz: one provider per service (the issuer, the service's audience, the JWKS fetched through the cluster
 * {@value #JWKS_CLUSTER}, the token forwarded, its payload put in the filter's metadata under
 * {@value #PAYLOAD_METADATA}), named like the service's cluster, and one requirement per provider. Each route rule of
 * the service becomes an Envoy route (in the rules' order; path template as RE2 regex, methods as a {@code :method}
 * matcher) with {@code jwt_authn} disabled for a public rule and the service's requirement otherwise; the last route
 * ({@code /}, every other request) requires the token too. ext_authz runs on every route and stays the authority
 * (it verifies the token itself and decides by the same rules): a route Envoy matches differently from the PDP can
 * only ask for a token where none was needed (public paths with odd encodings), never skip the decision.
 */
public final class XdsResources {
  public static final String LISTENER = "panosc-ingress";
  public static final String ROUTES = "panosc-routes";
  public static final String CHECK_CLUSTER = "panosc-pdp-check";
  public static final String EXT_AUTHZ = "envoy.filters.http.ext_authz";
  public static final String ROUTER = "envoy.filters.http.router";
  public static final String JWT_AUTHN = "envoy.filters.http.jwt_authn";
  public static final String JWKS_CLUSTER = "panosc-aai-jwks";
  public static final String PAYLOAD_METADATA = "jwt_payload";
  private static final String HTTP_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

  private XdsResources() {}

  /** The issuer the services' tokens come from (the aai-broker) and its JWKS URL (http or https). */
  public record TokenIssuer(String issuer, URI jwks) {
    public TokenIssuer {
      java.util.Objects.requireNonNull(issuer, "issuer");
      if (jwks.getHost() == null || !("https".equalsIgnoreCase(jwks.getScheme())
          || "http".equalsIgnoreCase(jwks.getScheme()))) {
        throw new IllegalArgumentException("the JWKS URL must be an absolute http(s) URL: " + jwks);
      }
    }
  }

  /** The resources without {@code jwt_authn} (ext_authz alone checks the token). */
  public static Snapshot snapshot(List<MeshService> services, String checkHost, int checkPort, int listenerPort,
      String version) {
    return snapshot(services, checkHost, checkPort, listenerPort, Optional.empty(), version);
  }

  /**
   * @param checkHost, checkPort where Envoy reaches the PDP's gRPC {@code Check}
   * @param listenerPort the port Envoy's ingress listener takes
   */
  public static Snapshot snapshot(List<MeshService> services, String checkHost, int checkPort, int listenerPort,
      Optional<TokenIssuer> jwt, String version) {
    List<Cluster> clusters = new ArrayList<>();
    clusters.add(cluster(CHECK_CLUSTER, checkHost, checkPort, false, true));
    JwtAuthentication.Builder jwtAuthn = JwtAuthentication.newBuilder();
    jwt.ifPresent(j -> {
      boolean tls = "https".equalsIgnoreCase(j.jwks().getScheme());
      clusters.add(cluster(JWKS_CLUSTER, j.jwks().getHost(), j.jwks().getPort() > 0 ? j.jwks().getPort()
          : tls ? 443 : 80, tls, false));
    });
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
      VirtualHost.Builder vhost = VirtualHost.newBuilder().setName(name).addAllDomains(domains);
      if (jwt.isPresent()) {
        jwtAuthn.putProviders(name, provider(jwt.get(), s.audience()))
            .putRequirementMap(name, JwtRequirement.newBuilder().setProviderName(name).build());
        Any requires = Any.pack(PerRouteConfig.newBuilder().setRequirementName(name).build());
        Any none = Any.pack(PerRouteConfig.newBuilder().setDisabled(true).build());
        for (RouteRule rule : s.rules()) {
          vhost.addRoutes(Route.newBuilder().setMatch(match(rule)).setRoute(RouteAction.newBuilder().setCluster(name))
              .putTypedPerFilterConfig(JWT_AUTHN, rule.isPublic() ? none : requires));
        }
        vhost.addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
            .setRoute(RouteAction.newBuilder().setCluster(name)).putTypedPerFilterConfig(JWT_AUTHN, requires));
      } else {
        vhost.addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
            .setRoute(RouteAction.newBuilder().setCluster(name)));
      }
      hosts.add(vhost
          .putTypedPerFilterConfig(EXT_AUTHZ, Any.pack(ExtAuthzPerRoute.newBuilder()
              .setCheckSettings(CheckSettings.newBuilder().putContextExtensions("service", s.audience())).build()))
          .build());
    }
    RouteConfiguration routes = RouteConfiguration.newBuilder().setName(ROUTES).addAllVirtualHosts(hosts).build();
    HttpConnectionManager.Builder hcmb = HttpConnectionManager.newBuilder().setStatPrefix("panosc")
        .setRds(Rds.newBuilder().setRouteConfigName(ROUTES).setConfigSource(ConfigSource.newBuilder()
            .setAds(AggregatedConfigSource.getDefaultInstance()).setResourceApiVersion(ApiVersion.V3)));
    if (jwt.isPresent()) {
      // no filter-level rules: every route of every virtual host carries its own PerRouteConfig
      hcmb.addHttpFilters(HttpFilter.newBuilder().setName(JWT_AUTHN).setTypedConfig(Any.pack(jwtAuthn.build())));
    }
    HttpConnectionManager hcm = hcmb
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

  private static JwtProvider provider(TokenIssuer jwt, String audience) {
    return JwtProvider.newBuilder().setIssuer(jwt.issuer()).addAudiences(audience)
        .setRemoteJwks(io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.RemoteJwks.newBuilder()
            .setHttpUri(HttpUri.newBuilder().setUri(jwt.jwks().toString()).setCluster(JWKS_CLUSTER)
                .setTimeout(Duration.newBuilder().setSeconds(1)))
            .setCacheDuration(Duration.newBuilder().setSeconds(300))
            .setAsyncFetch(JwksAsyncFetch.getDefaultInstance()))
        .setForward(true).setPayloadInMetadata(PAYLOAD_METADATA).build();
  }

  /** A route rule as an Envoy route match: its path template as an RE2 regex, its methods on {@code :method}. */
  static RouteMatch match(RouteRule rule) {
    RouteMatch.Builder m = RouteMatch.newBuilder()
        .setSafeRegex(RegexMatcher.newBuilder().setRegex(pathRegex(rule.path())));
    if (!rule.methods().isEmpty()) {
      m.addHeaders(HeaderMatcher.newBuilder().setName(":method").setStringMatch(
          io.envoyproxy.envoy.type.matcher.v3.StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder()
              .setRegex(String.join("|", rule.methods())))));
    }
    return m.build();
  }

  /**
   * A path template as an RE2 regex over the whole path (Envoy matches it without the query): literal segments
   * quoted, {@code {name}} one segment ({@code [^/]+}), {@code {name+}} the rest ({@code .+}).
   */
  static String pathRegex(String template) {
    if (template.equals("/")) {
      return "/";
    }
    StringBuilder out = new StringBuilder();
    for (String segment : template.substring(1).split("/", -1)) {
      out.append('/');
      if (segment.startsWith("{") && segment.endsWith("+}")) {
        out.append(".+");
      } else if (segment.startsWith("{") && segment.endsWith("}")) {
        out.append("[^/]+");
      } else {
        for (char c : segment.toCharArray()) {
          if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) {
            out.append('\\');
          }
          out.append(c);
        }
      }
    }
    return out.toString();
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
