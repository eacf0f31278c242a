package eu.panosc.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.broker.model.Cluster;
import eu.panosc.broker.model.Image;
import eu.panosc.broker.model.Limits;
import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerSettingsTest {
  static final URI ISSUER = URI.create("https://panosc.example/aai");
  static final URI ROOT = URI.create("https://panosc.example");

  static BrokerSettings read(Map<String, Object> values, boolean demo) {
    return BrokerSettings.from(ConfigNode.of("services.broker", values), ISSUER, ROOT, demo);
  }

  @Test
  void fromWhenEmptyOutsideDemoThenVisaDefaultsNoClustersNoPdp() {
    BrokerSettings s = read(Map.of(), false);
    assertThat(s.rules().user()).isEqualTo(new Limits(2, Duration.ofDays(14), Duration.ofDays(4)));
    assertThat(s.rules().staff()).isEqualTo(new Limits(2, Duration.ofDays(60), Duration.ofDays(8)));
    assertThat(s.rules().proposalQuota()).isEmpty();
    assertThat(s.clusters()).isEmpty();
    assertThat(s.flavours()).isEmpty();
    assertThat(s.pdp()).isEmpty();
  }

  @Test
  void fromWhenDemoThenLocalClusterFlavoursImagesDatasetsAndDemoClient() {
    BrokerSettings s = read(Map.of(), true);
    assertThat(s.clusters()).extracting(Cluster::id).containsExactly("local");
    assertThat(s.clusters().get(0).kind()).isEqualTo(Cluster.Kind.LOCAL);
    assertThat(s.clusters().get(0).sites()).contains("esrf-gpfs", "ill-nfs");
    assertThat(s.images()).extracting(Image::kind).containsExactly(Image.Kind.JUPYTER, Image.Kind.DESKTOP);
    assertThat(s.datasets().locate("10.15151/ESRF-DC-2415001")).hasValueSatisfying(l ->
        assertThat(l.site()).isEqualTo("esrf-gpfs"));
    assertThat(s.pdp().orElseThrow().clientId()).isEqualTo("resource-broker");
    assertThat(s.pdp().orElseThrow().evaluationsEndpoint().toString())
        .isEqualTo("https://panosc.example/pdp/access/v1/evaluations");
    assertThat(s.pdp().orElseThrow().tokenEndpoint().toString()).isEqualTo("https://panosc.example/aai/token");
    assertThat(s.pdp().toString()).doesNotContain("demo-secret");
  }

  @Test
  void fromWhenFullConfigThenEveryValueRead() {
    BrokerSettings s = read(Map.of(
        "limits", Map.of("user", Map.of("maxActive", 3, "lifetime", "7d")),
        "proposalQuota", Map.of("sessions", 4, "cpu", 32, "gpu", 2),
        "clusters", Map.of("esrf-k8s", Map.of("kind", "kubernetes", "facility", "esrf", "apiUrl",
            "https://k8s.esrf.example:6443", "namespace", "sessions", "preference", 80,
            "capacity", Map.of("cpu", 512, "memoryMi", 4_194_304, "gpu", 16),
            "storageSites", Map.of("esrf-gpfs", Map.of("claim", "gpfs-ro", "root", "/data")))),
        "flavours", Map.of("gpu", Map.of("cpu", 4, "memoryMi", 16384, "gpu", 1,
            "visibleTo", Map.of("roles", List.of("staff"), "proposals", List.of("esrf:MX-2415"))))),
        false);
    assertThat(s.rules().user()).isEqualTo(new Limits(3, Duration.ofDays(7), Duration.ofDays(4)));
    assertThat(s.rules().proposalQuota().orElseThrow().gpu()).isEqualTo(2);
    Cluster c = s.clusters().get(0);
    assertThat(c.kubernetes().orElseThrow().apiUrl()).isEqualTo("https://k8s.esrf.example:6443");
    assertThat(c.storageSites().get("esrf-gpfs")).isEqualTo(new Cluster.StorageMount("gpfs-ro", "/data"));
    assertThat(c.preference()).isEqualTo(80);
    assertThat(c.eosc()).isFalse();
    assertThat(s.flavours().get(0).visibility().roles()).containsExactly("staff");
  }

  @Test
  void fromWhenBadValuesThenErrorNamesTheKey() {
    assertThatThrownBy(() -> read(Map.of("clusters", Map.of("x", Map.of("kind", "kubernetes"))), false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("services.broker.clusters.x.apiUrl");
    assertThatThrownBy(() -> read(Map.of("clusters", Map.of("Bad_Id", Map.of("kind", "local"))), false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("services.broker.clusters.Bad_Id");
    assertThatThrownBy(() -> read(Map.of("limits", Map.of("user", Map.of("lifetime", "0s"))), false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("services.broker.limits.user.lifetime");
    assertThatThrownBy(() -> read(Map.of("colour", "red"), false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("services.broker.colour");
    assertThatThrownBy(() -> read(Map.of("pdp", Map.of("clientId", "x")), false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("services.broker.pdp.clientSecret");
    assertThatThrownBy(() -> read(Map.of("images", Map.of("j", Map.of("reference", "r", "clusters", List.of("nope")))),
        false)).isInstanceOf(ConfigException.class).hasMessageContaining("services.broker.images.j.clusters");
  }

  @Test
  void fromWhenClusterHasIngressThenDefaultsFromThePublicUrlAndTyposNamed() {
    Map<String, Object> cluster = new java.util.LinkedHashMap<>(Map.of("kind", "kubernetes", "apiUrl",
        "https://k8s.esrf.example:6443"));
    cluster.put("ingress", Map.of("className", "nginx"));
    BrokerSettings s = read(Map.of("clusters", Map.of("esrf-k8s", cluster)), false);
    var ingress = s.ingresses().get("esrf-k8s");
    assertThat(ingress.host()).isEqualTo("panosc.example");
    assertThat(ingress.path("sx")).isEqualTo("/broker/s/sx/");
    assertThat(ingress.authUrl().toString()).isEqualTo("https://panosc.example/broker/v1/auth");
    assertThat(ingress.className()).contains("nginx");
    assertThat(ingress.tlsSecret()).isEmpty();
    cluster.put("ingress", Map.of("hots", "x"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> read(Map.of("clusters", Map.of("esrf-k8s", cluster)),
        false)).hasMessageContaining("services.broker.clusters.esrf-k8s.ingress.hots");
    cluster.put("ingress", Map.of("pathPrefix", "sessions"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> read(Map.of("clusters", Map.of("esrf-k8s", cluster)),
        false)).hasMessageContaining("pathPrefix");
  }

  @Test
  void fromWhenClusterRegistryThenDefaultsFromThePublicUrlAndOneCredentialsSource() {
    assertThat(read(Map.of(), true).clusterRegistry()).isEmpty();
    BrokerSettings s = read(Map.of("clusterRegistry", Map.of("credentialsDirectory", "/var/run/secrets/clusters")),
        true);
    var r = s.clusterRegistry().orElseThrow();
    assertThat(r.registry()).isEqualTo(URI.create("https://panosc.example/registry"));
    assertThat(r.namespace()).isEqualTo("panosc-sessions");
    assertThat(r.credentialsDirectory()).contains(java.nio.file.Path.of("/var/run/secrets/clusters"));
    assertThat(r.credentialsNamespace()).isEmpty();
    assertThat(r.refresh()).isEqualTo(Duration.ofMinutes(5));
    var k = read(Map.of("clusterRegistry", Map.of("url", "https://registry.example/registry", "namespace", "sessions",
        "credentialsNamespace", "panosc", "refresh", "30s")), true).clusterRegistry().orElseThrow();
    assertThat(k.registry()).isEqualTo(URI.create("https://registry.example/registry"));
    assertThat(k.credentialsNamespace()).contains("panosc");
    assertThat(k.refresh()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void fromWhenClusterRegistryBadThenErrorNamesTheKey() {
    assertThatThrownBy(() -> read(Map.of("clusterRegistry", Map.of()), true))
        .isInstanceOf(ConfigException.class).hasMessageContaining("services.broker.clusterRegistry.credentialsDirectory");
    assertThatThrownBy(() -> read(Map.of("clusterRegistry", Map.of("credentialsDirectory", "/a",
        "credentialsNamespace", "b")), true))
        .isInstanceOf(ConfigException.class).hasMessageContaining("exactly one");
    assertThatThrownBy(() -> read(Map.of("clusterRegistry", Map.of("credentialsNamespace", "Bad_NS")), true))
        .isInstanceOf(ConfigException.class).hasMessageContaining("services.broker.clusterRegistry.credentialsNamespace");
    assertThatThrownBy(() -> read(Map.of("clusterRegistry", Map.of("credentialsDirectory", "/a", "colour", "red")),
        true)).isInstanceOf(ConfigException.class).hasMessageContaining("services.broker.clusterRegistry.colour");
    // outside demo mode without client credentials the registry cannot be read
    assertThatThrownBy(() -> read(Map.of("clusterRegistry", Map.of("credentialsDirectory", "/a")), false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("services.broker.clusterRegistry")
        .hasMessageContaining("registry:read");
  }

  @Test
  void fromWhenStagingThenEndpointsImageDeadlineAndBadValuesNamed() {
    var d = read(Map.of(), true).staging();
    assertThat(d.image()).isEqualTo(eu.panosc.broker.staging.StagingSettings.DEFAULT_IMAGE);
    assertThat(d.deadline()).isEqualTo(Duration.ofHours(24));
    assertThat(d.endpoints()).isEmpty();
    var s = read(Map.of("staging", Map.of("image", "r.example/rclone:1", "deadline", "2h",
        "endpoints", Map.of("esrf-gpfs", "https://data.esrf.example/dav"))), false).staging();
    assertThat(s.image()).isEqualTo("r.example/rclone:1");
    assertThat(s.deadline()).isEqualTo(Duration.ofHours(2));
    assertThat(s.endpoint("esrf-gpfs")).contains(URI.create("https://data.esrf.example/dav"));
    assertThatThrownBy(() -> read(Map.of("staging", Map.of("endpoints", Map.of("esrf-gpfs",
        "https://user:pw@data.esrf.example/dav"))), false)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("services.broker.staging.endpoints.esrf-gpfs").hasMessageNotContaining("pw");
    assertThatThrownBy(() -> read(Map.of("staging", Map.of("endpoints", Map.of("esrf-gpfs", "ftp://x.example"))),
        false)).isInstanceOf(ConfigException.class).hasMessageContaining("services.broker.staging.endpoints.esrf-gpfs");
    assertThatThrownBy(() -> read(Map.of("staging", Map.of("deadline", "10s")), false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("services.broker.staging.deadline");
    assertThatThrownBy(() -> read(Map.of("staging", Map.of("image", "a b")), false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("services.broker.staging.image");
    assertThatThrownBy(() -> read(Map.of("datasets", Map.of("10.5/x", Map.of("site", "s", "sizeBytes", "-3"))), false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("services.broker.datasets.10.5/x.sizeBytes");
  }

  @Test
  void fromWhenLeaderLeaseThenRefusedAsUnknownSinceLeaderElectionIsTheRootSectionLeader() {
    assertThatThrownBy(() -> read(Map.of("leaderLease", Map.of("namespace", "panosc")), true))
        .isInstanceOf(ConfigException.class).hasMessageContaining("services.broker.leaderLease")
        .hasMessageContaining("unknown key");
  }

  @Test
  void fromWhenUsageThenAccountingUrlPeriodBatchAndBadValuesNamed() {
    assertThat(read(Map.of(), true).usage()).isEmpty();
    var u = read(Map.of("usage", Map.of()), true).usage().orElseThrow();
    assertThat(u.accounting()).isEqualTo(URI.create("https://panosc.example/accounting"));
    assertThat(u.period()).isEqualTo(Duration.ofMinutes(5));
    assertThat(u.batch()).isEqualTo(500);
    assertThatThrownBy(() -> read(Map.of("usage", Map.of("batch", "0")), true)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("services.broker.usage.batch");
    assertThatThrownBy(() -> read(Map.of("usage", Map.of("accountingUrl", "ftp://x")), true))
        .isInstanceOf(ConfigException.class).hasMessageContaining("services.broker.usage.accountingUrl");
    assertThatThrownBy(() -> read(Map.of("usage", Map.of()), false)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("accounting:ingest");
  }

  @Test
  void fromWhenProposalCoreHoursThenReadAndAbsentMeansNoLimit() {
    var q = read(Map.of("proposalQuota", Map.of("coreHours", "5000")), false).rules().proposalQuota().orElseThrow();
    assertThat(q.coreHours()).isEqualTo(5000);
    assertThat(q.limitsCoreHours()).isTrue();
    assertThat(read(Map.of("proposalQuota", Map.of()), false).rules().proposalQuota().orElseThrow().limitsCoreHours())
        .isFalse();
    assertThatThrownBy(() -> read(Map.of("proposalQuota", Map.of("coreHours", "-1")), false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("services.broker.proposalQuota.coreHours");
  }

  @Test
  void fromWhenActivityAgentThenOnByDefaultWithThePublicUrlAndBadValuesNamed() {
    var agent = read(Map.of(), false).activityAgent().orElseThrow();
    assertThat(agent.brokerUrl()).isEqualTo(URI.create("https://panosc.example/broker"));
    assertThat(agent.interval()).isEqualTo(Duration.ofSeconds(60));
    var set = read(Map.of("activityAgent", Map.of("brokerUrl", "http://panosc-broker.panosc.svc:8080/broker/",
        "interval", "2m")), false).activityAgent().orElseThrow();
    assertThat(set.brokerBase()).isEqualTo("http://panosc-broker.panosc.svc:8080/broker");
    assertThat(set.intervalSeconds()).isEqualTo("120");
    assertThat(read(Map.of("activityAgent", Map.of("enabled", "false")), false).activityAgent()).isEmpty();
    assertThatThrownBy(() -> read(Map.of("activityAgent", Map.of("brokerUrl", "ftp://x/broker")), false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("services.broker.activityAgent.brokerUrl");
    assertThatThrownBy(() -> read(Map.of("activityAgent", Map.of("brokerUrl", "https://u:p@x/broker")), false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("services.broker.activityAgent")
        .hasMessageContaining("without credentials");
    assertThatThrownBy(() -> read(Map.of("activityAgent", Map.of("interval", "500ms")), false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("services.broker.activityAgent")
        .hasMessageContaining("1 s to 1 d");
    assertThatThrownBy(() -> read(Map.of("activityAgent", Map.of("intervall", "1m")), false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("services.broker.activityAgent.intervall");
  }
}
