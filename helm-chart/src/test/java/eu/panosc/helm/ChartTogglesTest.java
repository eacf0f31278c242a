package eu.panosc.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What each switch leaves out, and names that stay valid Kubernetes names for the longest release name. */
class ChartTogglesTest {
  static List<HasMetadata> render(Map<String, Object> extra) {
    Map<String, Object> set = new HashMap<>(Chart.REQUIRED);
    set.putAll(extra);
    return Chart.parse(Chart.template(null, set));
  }

  @Test
  void switchedOffFeaturesRenderNothing() {
    List<HasMetadata> objects = render(Map.of("ingress.enabled", false, "networkPolicy.enabled", false,
        "grafanaDashboard.enabled", false, "serviceMonitor.force", false, "keys.existingSecret", "my-kek",
        "leaderElection.kind", "postgres"));
    assertThat(objects).extracting(HasMetadata::getKind).doesNotContain("Ingress", "NetworkPolicy", "Secret", "Role",
        "RoleBinding", "ServiceMonitor");
    assertThat(Chart.all(objects, ConfigMap.class)).extracting(c -> c.getMetadata().getName())
        .containsExactly("panosc-config");
    // leader election through PostgreSQL and no session namespaces: no service needs a token
    assertThat(Chart.all(objects, Deployment.class)).allSatisfy(d -> assertThat(d.getSpec().getTemplate().getSpec()
        .getAutomountServiceAccountToken()).as(d.getMetadata().getName()).isFalse());
    assertThat(Chart.one(objects, ConfigMap.class, "panosc-config").getData().values())
        .allSatisfy(cfg -> assertThat(cfg).doesNotContain("leader:"));
    // forced on, the ServiceMonitor appears even where the Prometheus operator's API is not served
    assertThat(render(Map.of("serviceMonitor.force", true))).extracting(HasMetadata::getKind)
        .contains("ServiceMonitor");
    assertThat(render(Map.of("serviceMonitor.force", true, "serviceMonitor.enabled", false)))
        .extracting(HasMetadata::getKind).doesNotContain("ServiceMonitor");
  }

  @Test
  void aDisabledServiceLeavesNoObjectAndNoFlowBehind() {
    List<HasMetadata> objects = render(Map.of("services.accounting.enabled", false));
    assertThat(Chart.all(objects, Deployment.class)).extracting(d -> d.getMetadata().getName())
        .doesNotContain("panosc-accounting").hasSize(4);
    assertThat(Chart.all(objects, Service.class)).noneMatch(s -> s.getMetadata().getName().endsWith("accounting"));
    assertThat(Chart.one(objects, Ingress.class, "panosc").getSpec().getRules().getFirst().getHttp().getPaths())
        .noneMatch(p -> p.getPath().equals("/accounting"));
    assertThat(Chart.all(objects, NetworkPolicy.class)).allSatisfy(p -> assertThat(p.toString())
        .doesNotContain("component=accounting"));
    assertThat(Chart.one(objects, ConfigMap.class, "panosc-config").getData()).doesNotContainKey("accounting.yaml");
  }

  @Test
  void theLongestReleaseNameStillGivesValidNames() {
    String release = "a".repeat(53); // Helm's limit
    String rendered = new com.marcnuri.helm.Helm(Chart.DIR).template().withName(release)
        .withNamespace(Chart.NAMESPACE).withKubeVersion(Chart.KUBE).set("publicUrl", "https://panosc.example.org")
        .set("database.url", "postgresql://db.example.org:5432/panosc").set("database.existingSecret", "panosc-db")
        .set("services.broker.sessionNamespaces[0]", "panosc-sessions").call();
    List<HasMetadata> objects = Chart.parse(rendered);
    // Services are DNS labels (63), everything else DNS subdomains (253); label values at most 63
    assertThat(Chart.all(objects, Service.class)).extracting(o -> o.getMetadata().getName())
        .allSatisfy(n -> assertThat(n).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"));
    assertThat(objects).extracting(o -> o.getKind() + " " + o.getMetadata().getName())
        .allSatisfy(n -> assertThat(n.substring(n.indexOf(' ') + 1)).hasSizeLessThanOrEqualTo(253)
            .matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?"));
    assertThat(objects).flatExtracting(o -> List.copyOf(o.getMetadata().getLabels().values()))
        .allSatisfy(v -> assertThat(v).hasSizeLessThanOrEqualTo(63));
    try (MockCluster k8s = new MockCluster()) {
      objects.forEach(k8s::apply);
    }
  }
}
