package eu.panosc.pdp.mesh.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.pdp.mesh.ExtAuthzServiceTest;
import eu.panosc.pdp.mesh.GrpcCheckSettings;
import eu.panosc.pdp.mesh.RouteSource;
import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.vertx.core.Vertx;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The {@code services.pdp.mesh.grpc} settings, and {@code Check} over TLS (HTTP/2 with ALPN) with a self-signed certificate. */
class CheckServerTlsTest {
  @Test
  void settingsWhenAbsentThenOffWhenPortThenPlaintextLoopbackAndTlsNeedsBothFiles() {
    assertThat(GrpcCheckSettings.from(ConfigNode.empty("services.pdp.mesh.grpc")).enabled()).isFalse();
    GrpcCheckSettings s = GrpcCheckSettings.from(ConfigNode.of("services.pdp.mesh.grpc", Map.of("port", 9191)));
    assertThat(s.enabled()).isTrue();
    assertThat(s.host()).isEqualTo("127.0.0.1");
    assertThat(s.port()).isEqualTo(9191);
    assertThat(s.tlsCert()).isEmpty();
    assertThat(s.maxRequestBytes()).isEqualTo(GrpcCheckSettings.DEFAULT_MAX_REQUEST_BYTES);
    assertThatThrownBy(() -> GrpcCheckSettings.from(ConfigNode.of("services.pdp.mesh.grpc",
        Map.of("port", 9191, "tlsCert", "/etc/pdp/cert.pem"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("services.pdp.mesh.grpc.tlsKey");
    assertThatThrownBy(() -> GrpcCheckSettings.from(ConfigNode.of("services.pdp.mesh.grpc", Map.of("port", 70000))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("services.pdp.mesh.grpc.port");
    assertThatThrownBy(() -> GrpcCheckSettings.from(ConfigNode.of("services.pdp.mesh.grpc",
        Map.of("port", 1, "maxRequestBytes", 10))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("maxRequestBytes");
    // the xDS control plane is served on the gRPC port
    assertThatThrownBy(() -> eu.panosc.pdp.mesh.XdsSettings.from(ConfigNode.of("services.pdp.mesh.xds",
        Map.of("enabled", true)), GrpcCheckSettings.disabled()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("services.pdp.mesh.grpc.port");
    var xds = eu.panosc.pdp.mesh.XdsSettings.from(ConfigNode.of("services.pdp.mesh.xds", Map.of("enabled", true)), s);
    assertThat(xds.listenerPort()).isEqualTo(10000);
    assertThat(xds.checkHost()).isEqualTo("127.0.0.1");
  }

  @Test
  void tlsWhenCertAndKeySetThenCheckOverTlsAndPlaintextRefused() throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    Vertx vertx = Vertx.vertx();
    ManagedChannel tls = null;
    ManagedChannel plain = null;
    try {
      CheckServer server = CheckServer.start(vertx, new GrpcCheckSettings(true, "127.0.0.1", 0,
          Optional.of(Path.of(cert.certificatePath())), Optional.of(Path.of(cert.privateKeyPath())), 65536),
          ExtAuthzServiceTest.service(RouteSource.of(List.of(ExtAuthzServiceTest.SCICAT))), 1)
          .await(30, TimeUnit.SECONDS);
      tls = Grpc.newChannelBuilderForAddress("localhost", server.port(), TlsChannelCredentials.newBuilder()
          .trustManager(new File(cert.certificatePath())).build()).build();
      // generous: the first TLS handshake (cold JIT) on a busy machine took 8 s once
      CheckResponse r = AuthorizationGrpc.newBlockingStub(tls).withDeadlineAfter(60, TimeUnit.SECONDS)
          .check(CheckServerTest.envoy("GET", "/api/v3/datasets/esrf/embargoed", "scicat.esrf.example", null,
              Map.of("authorization", "Bearer user:pi@esrf")));
      assertThat(r.getStatus().getCode()).isZero();
      plain = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(), InsecureChannelCredentials.create())
          .build();
      var plainStub = AuthorizationGrpc.newBlockingStub(plain).withDeadlineAfter(5, TimeUnit.SECONDS);
      assertThatThrownBy(() -> plainStub.check(CheckServerTest.envoy("GET", "/api/v3/health", "scicat.esrf.example",
          null, Map.of()))).isInstanceOf(StatusRuntimeException.class);
    } finally {
      for (ManagedChannel c : new ManagedChannel[] {tls, plain}) {
        if (c != null) {
          c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      }
      vertx.close().await(30, TimeUnit.SECONDS);
      cert.delete();
    }
  }
}
