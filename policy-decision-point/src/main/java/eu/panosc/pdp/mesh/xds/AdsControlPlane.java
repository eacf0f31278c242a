package eu.panosc.pdp.mesh.xds;

import eu.panosc.pdp.mesh.MeshService;
import eu.panosc.pdp.mesh.RouteSource;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.BindableService;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The xDS control plane (issue 15): an ADS endpoint (java-control-plane's {@link V3DiscoveryServer} over a
 * {@link SimpleCache}) serving {@link XdsResources} for the route source's services. Every {@code poll} the source's
 * list is compared with the one last served (the registry's change feed replaces it on any change of a resource
 * server: approval, suspension, new rules); a different list becomes a new version, set as the snapshot of every node
 * group whose services changed, which java-control-plane pushes to the group's subscribed proxies. While the list is
 * unknown (the registry never answered) no snapshot is set and proxies wait. A NACK (a request with
 * {@code error_detail}) is logged and counted; the proxy keeps its last good version and the snapshot is not changed
 * by it.
 *
 * <p>Node groups: a proxy whose {@code node.metadata} has a string {@code facility} gets only that facility's
 * services (group {@code facility:<id>}; a facility without approved services gets the listener and the
 * {@code Check} cluster only); a proxy without it gets every service (group {@value #GROUP}). A facility value that
 * is not a clean id of at most {@value #MAX_FACILITY} characters, or a new facility beyond {@value #MAX_GROUPS}
 * groups, gets no service (group {@value #NO_SERVICES}). {@code node.cluster} is not read: by Envoy's convention it
 * names the proxy's own service cluster (e.g. {@code esrf-gateway}), not a facility.
 */
public final class AdsControlPlane implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdsControlPlane.class);
  /** The node group of proxies that name no facility: every service. */
  static final String GROUP = "panosc";
  /** The node group of proxies whose facility cannot be served: no service. */
  static final String NO_SERVICES = "facility:";
  static final String FACILITY_PREFIX = "facility:";
  static final int MAX_FACILITY = 256;
  static final int MAX_GROUPS = 1000;

  private final Vertx vertx;
  private final RouteSource routes;
  private final String checkHost;
  private final java.util.function.IntSupplier checkPort;
  private final int listenerPort;
  private final Optional<XdsResources.TokenIssuer> jwt;
  private final SimpleCache<String> cache = new SimpleCache<>(this::group);
  private final V3DiscoveryServer server;
  private final AtomicLong version = new AtomicLong();
  private final AtomicLong nacks = new AtomicLong();
  /** What each group's snapshot was made from; only {@link #refresh} (one thread at a time) touches it. */
  private final java.util.Map<String, List<MeshService>> servedByGroup = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile List<MeshService> served;
  private long timer = -1;

  public AdsControlPlane(Vertx vertx, RouteSource routes, String checkHost, int checkPort, int listenerPort) {
    this(vertx, routes, checkHost, () -> checkPort, listenerPort);
  }

  /** {@code checkPort} is read at each snapshot (the Check server's port may be known only once it listens). */
  public AdsControlPlane(Vertx vertx, RouteSource routes, String checkHost, java.util.function.IntSupplier checkPort,
      int listenerPort) {
    this(vertx, routes, checkHost, checkPort, listenerPort, Optional.empty());
  }

  /** With {@code jwt}: the listener gets Envoy's {@code jwt_authn} filter for that issuer before ext_authz. */
  public AdsControlPlane(Vertx vertx, RouteSource routes, String checkHost, java.util.function.IntSupplier checkPort,
      int listenerPort, Optional<XdsResources.TokenIssuer> jwt) {
    this.jwt = jwt;
    this.vertx = vertx;
    this.routes = routes;
    this.checkHost = checkHost;
    this.checkPort = checkPort;
    this.listenerPort = listenerPort;
    this.server = new V3DiscoveryServer(new Callbacks(), cache);
  }

  /** The ADS service (envoy.service.discovery.v3.AggregatedDiscoveryService) to serve beside {@code Check}. */
  public BindableService ads() {
    return server.getAggregatedDiscoveryServiceImpl();
  }

  /** Sets the first snapshot when the services are known, then follows them every {@code poll}. */
  public AdsControlPlane start(Duration poll) {
    refresh();
    timer = vertx.setPeriodic(poll.toMillis(), t -> refresh());
    return this;
  }

  /** The version last served, 0 before the first. */
  public long version() {
    return version.get();
  }

  /** NACKs received so far. */
  public long nacks() {
    return nacks.get();
  }

  /**
   * A new version when the services changed; then (and for a group that subscribed since the last poll and has no
   * snapshot yet) every group whose services differ from its snapshot's gets a snapshot of the current version.
   */
  synchronized void refresh() {
    Optional<List<MeshService>> now = routes.services();
    if (now.isEmpty()) {
      return;
    }
    boolean changed = now.get() != served && !now.get().equals(served);
    if (changed) {
      served = now.get();
      version.incrementAndGet();
    }
    java.util.Set<String> groups = new java.util.TreeSet<>(cache.groups());
    groups.add(GROUP);
    for (String group : groups) {
      List<MeshService> mine = servicesOf(group, served);
      if (mine.equals(servedByGroup.get(group)) && cache.getSnapshot(group) != null) {
        continue;
      }
      long v = version.get();
      cache.setSnapshot(group, XdsResources.snapshot(mine, checkHost, checkPort.getAsInt(), listenerPort, jwt,
          Long.toString(v)));
      servedByGroup.put(group, mine);
      LOG.info("xDS snapshot version {} for node group {}: {} service(s)", v, group, mine.size());
    }
  }

  /** The services a node group gets. */
  static List<MeshService> servicesOf(String group, List<MeshService> all) {
    if (group.equals(GROUP)) {
      return all;
    }
    if (group.equals(NO_SERVICES)) {
      return List.of();
    }
    String facility = group.substring(FACILITY_PREFIX.length());
    return all.stream().filter(s -> facility.equals(s.facility())).toList();
  }

  /** The node group of a proxy: by its {@code node.metadata.facility} (see the class comment). */
  String group(io.envoyproxy.envoy.config.core.v3.Node node) {
    var value = node.getMetadata().getFieldsMap().get("facility");
    if (value == null) {
      return GROUP;
    }
    String facility = value.getStringValue();
    if (facility.isEmpty() || !eu.panosc.platform.input.Input.isClean(facility, MAX_FACILITY)) {
      return NO_SERVICES;
    }
    String group = FACILITY_PREFIX + facility;
    if (!servedByGroup.containsKey(group) && cache.groups().size() >= MAX_GROUPS) {
      LOG.warn("xDS node {} names facility {} beyond {} node groups: it gets no service", node.getId(), facility,
          MAX_GROUPS);
      return NO_SERVICES;
    }
    return group;
  }

  @Override
  public void close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private final class Callbacks implements DiscoveryServerCallbacks {
    @Override
    public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
      if (request.hasErrorDetail()) {
        nacks.incrementAndGet();
        LOG.warn("xDS NACK from node {} for {} version {} (nonce {}): {}; it keeps its last good version",
            request.getNode().getId(), request.getTypeUrl(), request.getVersionInfo(), request.getResponseNonce(),
            request.getErrorDetail().getMessage());
      }
    }

    @Override
    public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
      if (request.hasErrorDetail()) {
        nacks.incrementAndGet();
        LOG.warn("xDS NACK (delta) from node {} for {}: {}", request.getNode().getId(), request.getTypeUrl(),
            request.getErrorDetail().getMessage());
      }
    }
  }
}
