package eu.panosc.pdp.mesh;

import eu.panosc.platform.config.ConfigNode;

/**
 * The {@code services.pdp.mesh.xds} section: the xDS control plane (ADS, served on the gRPC {@code Check} port, so
 * {@code mesh.grpc.port} must be set). Off by default.
 *
 * @param listenerPort the port of the ingress listener the proxies are given
 * @param checkHost the host proxies reach the PDP's {@code Check} at (the cluster they are given)
 */
public record XdsSettings(boolean enabled, int listenerPort, String checkHost) {
  public static XdsSettings from(ConfigNode n, GrpcCheckSettings grpc) {
    boolean enabled = n.bool("enabled", false);
    int listenerPort = n.integer("listenerPort", 10000, 1, 65535);
    String checkHost = n.string("checkHost", "0.0.0.0".equals(grpc.host()) ? "127.0.0.1" : grpc.host());
    if (enabled && !grpc.enabled()) {
      throw new eu.panosc.platform.config.ConfigException(n.path() + ".enabled",
          "the xDS control plane is served on the gRPC port: set services.pdp.mesh.grpc.port too");
    }
    return new XdsSettings(enabled, listenerPort, checkHost);
  }
}
