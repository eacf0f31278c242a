package eu.panosc.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.pdp.PdpSettings;
import eu.panosc.platform.config.ConfigLoader;
import eu.panosc.platform.config.PanoscConfig;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.service.ServiceModule;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's mesh values (issue 15): {@code mesh.grpc} opens the PDP's gRPC ext_authz port on its container,
 * Service and NetworkPolicy and writes {@code services.pdp.mesh.grpc} (TLS from a Secret), {@code mesh.xds} writes
 * {@code services.pdp.mesh.xds}; the rendered PDP configuration is read by the PDP's own settings parser. Off by
 * default; bad values refused by the schema.
 */
class ChartMeshTest {
  static List<HasMetadata> render(Map<String, Object> extra) {
    Map<String, Object> set = new HashMap<>(Chart.REQUIRED);
    set.putAll(extra);
    return Chart.parse(Chart.template(null, set));
  }

  static PdpSettings pdpSettings(List<HasMetadata> objects, Path dir) throws Exception {
    Path file = dir.resolve("pdp.yaml");
    Files.writeString(file, Chart.one(objects, ConfigMap.class, "panosc-config").getData().get("pdp.yaml"));
    PanoscConfig config = new ConfigLoader(ChartConfigTest.ENV).load(Optional.of(file), Map.of());
    ServiceModule pdp = ChartConfigTest.modules().stream().filter(m -> m.name().equals("pdp")).findFirst()
        .orElseThrow();
    Platform.checkConfig(config, List.of(pdp));
    return PdpSettings.from(config.service("pdp"), URI.create("https://panosc.example.org/aai"),
        URI.create("https://panosc.example.org"), false);
  }

  static Container pdpContainer(List<HasMetadata> objects) {
    return Chart.one(objects, Deployment.class, "panosc-pdp").getSpec().getTemplate().getSpec().getContainers()
        .getFirst();
  }

  @Test
  void meshByDefaultOffNoPortAndNoMeshSettings(@TempDir Path dir) throws Exception {
    List<HasMetadata> objects = render(Map.of());
    assertThat(Chart.one(objects, Service.class, "panosc-pdp").getSpec().getPorts()).extracting(ServicePort::getName)
        .containsExactly("http");
    assertThat(pdpContainer(objects).getPorts()).extracting(p -> p.getName()).containsExactly("http");
    PdpSettings s = pdpSettings(objects, dir);
    assertThat(s.meshGrpc().enabled()).isFalse();
    assertThat(s.meshXds().enabled()).isFalse();
  }

  @Test
  void grpcWhenEnabledThenContainerServiceNetworkPolicyAndPdpConfigCarryThePort(@TempDir Path dir) throws Exception {
    List<HasMetadata> objects = render(Map.of("mesh.grpc.enabled", true, "mesh.grpc.port", 9292));
    ServicePort port = Chart.one(objects, Service.class, "panosc-pdp").getSpec().getPorts().stream()
        .filter(p -> p.getPort() == 9292).findFirst().orElseThrow();
    assertThat(port.getName()).as("Istio reads the protocol from the name").isEqualTo("grpc");
    assertThat(port.getTargetPort().getStrVal()).isEqualTo("grpc");
    assertThat(pdpContainer(objects).getPorts()).anySatisfy(p -> {
      assertThat(p.getName()).isEqualTo("grpc");
      assertThat(p.getContainerPort()).isEqualTo(9292);
    });
    assertThat(Chart.one(objects, Service.class, "panosc-registry").getSpec().getPorts()).hasSize(1);
    assertThat(Chart.one(objects, NetworkPolicy.class, "panosc-pdp").getSpec().getIngress().getFirst().getPorts())
        .extracting(p -> p.getPort().getIntVal()).containsExactly(8080, 9292);
    assertThat(Chart.one(objects, NetworkPolicy.class, "panosc-aai").getSpec().getIngress().getFirst().getPorts())
        .extracting(p -> p.getPort().getIntVal()).containsExactly(8080);
    PdpSettings s = pdpSettings(objects, dir);
    assertThat(s.meshGrpc().enabled()).isTrue();
    assertThat(s.meshGrpc().port()).isEqualTo(9292);
    assertThat(s.meshGrpc().host()).as("reachable through the Service").isEqualTo("0.0.0.0");
    assertThat(s.meshGrpc().tlsCert()).isEmpty();
    assertThat(s.meshXds().enabled()).isFalse();
    assertThat(pdpContainer(objects).getVolumeMounts()).noneMatch(m -> m.getName().equals("mesh-tls"));
  }

  @Test
  void tlsAndXdsWhenSetThenSecretMountedAndPdpServesAdsWithTheServicesHost(@TempDir Path dir) throws Exception {
    List<HasMetadata> objects = render(Map.of("mesh.grpc.enabled", true, "mesh.grpc.tls.existingSecret", "pdp-tls",
        "mesh.xds.enabled", true, "mesh.xds.listenerPort", 8443));
    Service service = Chart.one(objects, Service.class, "panosc-pdp");
    assertThat(service.getSpec().getPorts()).extracting(ServicePort::getName).containsExactly("http", "tls-grpc");
    Deployment pdp = Chart.one(objects, Deployment.class, "panosc-pdp");
    assertThat(pdp.getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(v -> {
      assertThat(v.getName()).isEqualTo("mesh-tls");
      assertThat(v.getSecret().getSecretName()).isEqualTo("pdp-tls");
    });
    assertThat(pdpContainer(objects).getVolumeMounts()).anySatisfy(m -> {
      assertThat(m.getName()).isEqualTo("mesh-tls");
      assertThat(m.getMountPath()).isEqualTo("/etc/panosc/mesh-tls");
      assertThat(m.getReadOnly()).isTrue();
    });
    PdpSettings s = pdpSettings(objects, dir);
    assertThat(s.meshGrpc().tlsCert()).contains(Path.of("/etc/panosc/mesh-tls/tls.crt"));
    assertThat(s.meshGrpc().tlsKey()).contains(Path.of("/etc/panosc/mesh-tls/tls.key"));
    assertThat(s.meshXds().enabled()).isTrue();
    assertThat(s.meshXds().listenerPort()).isEqualTo(8443);
    assertThat(s.meshXds().checkHost()).isEqualTo("panosc-pdp.panosc.svc");
    assertThat(pdpSettings(render(Map.of("mesh.grpc.enabled", true, "mesh.xds.enabled", true,
        "mesh.xds.checkHost", "pdp.example.org")), dir).meshXds().checkHost()).isEqualTo("pdp.example.org");
  }

  @Test
  void badMeshValuesWhenRenderedThenRefusedByTheSchema() {
    assertThatThrownBy(() -> render(Map.of("mesh.grpc.port", 70000))).hasMessageContaining("/mesh/grpc/port");
    assertThatThrownBy(() -> render(Map.of("mesh.grpc.port", 8080))).as("the HTTP port")
        .hasMessageContaining("/mesh/grpc/port");
    assertThatThrownBy(() -> render(Map.of("mesh.grpc.tls.existingSecret", "Not_A_Secret")))
        .hasMessageContaining("/mesh/grpc/tls/existingSecret");
    assertThatThrownBy(() -> render(Map.of("mesh.xds.enabled", true))).as("ADS is served on the gRPC port")
        .hasMessageContaining("/mesh/grpc/enabled");
    assertThatThrownBy(() -> render(Map.of("mesh.grpc.nosuch", 1))).hasMessageContaining("nosuch");
  }
}
