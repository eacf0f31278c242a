package eu.panosc.pdp.mesh;

import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code services.pdp.mesh.grpc} section: where the PDP serves Envoy's gRPC external authorization
 * ({@code envoy.service.auth.v3.Authorization/Check}, issue 15). Off unless {@code port} is set ({@code 0} takes a
 * free port); plaintext HTTP/2 on {@code host} 127.0.0.1 by default; TLS when both {@code tlsCert} and
 * {@code tlsKey} (PEM files) are set.
 *
 * @param maxRequestBytes the largest {@code CheckRequest} checked; a larger one is DENIED with a reason
 */
public record GrpcCheckSettings(boolean enabled, String host, int port, Optional<Path> tlsCert,
    Optional<Path> tlsKey, int maxRequestBytes) {
  /** Envoy's own limit on request headers is 60 KiB by default (96 KiB at most); the rest is the envelope. */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 256 * 1024;

  public static GrpcCheckSettings disabled() {
    return new GrpcCheckSettings(false, "127.0.0.1", 0, Optional.empty(), Optional.empty(), DEFAULT_MAX_REQUEST_BYTES);
  }

  public static GrpcCheckSettings from(ConfigNode n) {
    boolean enabled = n.optionalString("port").isPresent();
    int port = n.integer("port", 0, 0, 65535);
    String host = n.string("host", "127.0.0.1");
    Optional<Path> cert = n.optionalString("tlsCert").map(Path::of);
    Optional<Path> key = n.optionalString("tlsKey").map(Path::of);
    if (cert.isPresent() != key.isPresent()) {
      throw new ConfigException(n.path() + (cert.isPresent() ? ".tlsKey" : ".tlsCert"),
          "tlsCert and tlsKey go together (PEM files); set both or neither");
    }
    int max = n.integer("maxRequestBytes", DEFAULT_MAX_REQUEST_BYTES, 1024, 4 * 1024 * 1024);
    return new GrpcCheckSettings(enabled, host, port, cert, key, max);
  }
}
