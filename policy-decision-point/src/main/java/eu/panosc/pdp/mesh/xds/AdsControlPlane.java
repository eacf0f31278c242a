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
 * {@link SimpleCache}, all proxies in one group) serving {@link XdsResources} for the route source's services. Every
 * {@code poll} the source's list is compared with the one last served (the registry's change feed replaces it on any
 * change of a resource server: approval, suspension, new rules); a different list becomes a new snapshot with the
 * next version, which java-control-plane pushes to every subscribed proxy. While the list is unknown (the registry
 * never answered) no snapshot is set and proxies wait. A NACK (a request with {@code error_detail}) is logged and
 * counted; the proxy keeps its last good version and the snapshot is not changed by it.
 */
public final class AdsControlPlane implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdsControlPlane.class);
  /** The one node group: every proxy gets the same resources. */
  static final String GROUP = "panosc";

  private final Vertx vertx;
  private final RouteSource routes;
  private final String checkHost;
  private final java.util.function.IntSupplier checkPort;
  private final int listenerPort;
  private final SimpleCache<String> cache = new SimpleCache<>(node -> GROUP);
  private final V3DiscoveryServer server;
  private final AtomicLong version = new AtomicLong();
  private final AtomicLong nacks = new AtomicLong();
  private volatile List<MeshService> served;
  private long timer = -1;

  public AdsControlPlane(Vertx vertx, RouteSource routes, String checkHost, int checkPort, int listenerPort) {
    this(vertx, routes, checkHost, () -> checkPort, listenerPort);
  }

  /** {@code checkPort} is read at each snapshot (the Check server's port may be known only once it listens). */
  public AdsControlPlane(Vertx vertx, RouteSource routes, String checkHost, java.util.function.IntSupplier checkPort,
      int listenerPort) {
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

  void refresh() {
    Optional<List<MeshService>> now = routes.services();
    if (now.isEmpty() || now.get() == served || now.get().equals(served)) {
      return;
    }
    served = now.get();
    long v = version.incrementAndGet();
    cache.setSnapshot(GROUP, XdsResources.snapshot(served, checkHost, checkPort.getAsInt(), listenerPort, Long.toString(v)));
    LOG.info("xDS snapshot version {}: {} service(s)", v, served.size());
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
