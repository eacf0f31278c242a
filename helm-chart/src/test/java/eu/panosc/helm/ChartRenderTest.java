package eu.panosc.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * The chart rendered by the real Helm library for its defaults with only the required values, the minimal and the
 * full values file: lint passes, every object parses strictly into Fabric8's typed model and is accepted by a Fabric8
 * mock API server (CRUD mode), and each kind of object says exactly what the chart promises.
 */
class ChartRenderTest {
  static final List<String> SERVICES = List.of("registry", "aai", "pdp", "broker", "accounting");
  static final Map<String, String> MOUNTS = Map.of("registry", "/registry", "aai", "/aai", "pdp", "/pdp", "broker",
      "/broker", "accounting", "/accounting");

  /** Rendered once per values case (objects are only read); the KEK test renders afresh. */
  static final Map<String, String> RENDERED = new java.util.concurrent.ConcurrentHashMap<>();

  static String renderText(String valuesCase) {
    return switch (valuesCase) {
      case "required" -> Chart.template(null, Chart.REQUIRED);
      default -> Chart.template(Chart.ci(valuesCase + "-values.yaml"), Map.of());
    };
  }

  static List<HasMetadata> render(String valuesCase) {
    return Chart.parse(RENDERED.computeIfAbsent(valuesCase, ChartRenderTest::renderText));
  }

  @ParameterizedTest
  @ValueSource(strings = {"minimal", "full"})
  void lintPassesStrictly(String valuesCase, @TempDir Path work) {
    LintResult r = Chart.lint(Chart.ci(valuesCase + "-values.yaml"), work);
    assertThat(r.isFailed()).as("lint: %s", r.getMessages()).isFalse();
    assertThat(r.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
  }

  @Test
  void lintFailsWithoutTheRequiredValues(@TempDir Path work) {
    LintResult r = Chart.lint(null, work);
    assertThat(r.isFailed()).isTrue();
    assertThat(String.join("\n", r.getMessages())).contains("publicUrl");
  }

  @ParameterizedTest
  @ValueSource(strings = {"required", "minimal", "full"})
  void everyObjectIsTypedAndAcceptedByTheApiServer(String valuesCase) {
    List<HasMetadata> objects = render(valuesCase);
    assertThat(Chart.all(objects, Deployment.class)).hasSize(5);
    try (MockCluster k8s = new MockCluster()) {
      for (HasMetadata o : objects) {
        HasMetadata stored = k8s.apply(o);
        assertThat(stored.getMetadata().getUid()).as("%s %s stored", o.getKind(), o.getMetadata().getName())
            .isNotBlank();
        assertThat(stored.getKind()).isEqualTo(o.getKind());
      }
      assertThat(k8s.client.apps().deployments().inNamespace(Chart.NAMESPACE).list().getItems()).hasSize(5);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"required", "full"})
  void deploymentsRunOneServiceEachSafely(String valuesCase) {
    List<HasMetadata> objects = render(valuesCase);
    int drain = valuesCase.equals("full") ? 10 : 5;
    int grace = valuesCase.equals("full") ? 30 : 20;
    for (String name : SERVICES) {
      Deployment d = Chart.one(objects, Deployment.class, "panosc-" + name);
      PodSpec pod = d.getSpec().getTemplate().getSpec();
      Container c = pod.getContainers().getFirst();
      assertThat(c.getArgs()).containsExactly("serve", name, "--config", "/etc/panosc/config/" + name + ".yaml");
      assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo(MOUNTS.get(name) + "/health/live");
      assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo(MOUNTS.get(name) + "/health/ready");
      assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo(MOUNTS.get(name) + "/health/live");
      assertThat(pod.getTerminationGracePeriodSeconds()).as("grace > drainDelay + shutdownGrace")
          .isGreaterThan(drain + grace);
      // security: non-root, read-only root, no capabilities, seccomp, a writable /tmp only
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
      assertThat(c.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(c.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
      assertThat(c.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
      assertThat(c.getVolumeMounts()).filteredOn(m -> !Boolean.TRUE.equals(m.getReadOnly()))
          .extracting(m -> m.getMountPath()).containsExactly("/tmp");
      assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals("tmp")).singleElement()
          .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
      assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
      assertThat(c.getResources().getLimits()).containsKeys("cpu", "memory");
      assertThat(pod.getTopologySpreadConstraints()).extracting(t -> t.getTopologyKey())
          .containsExactly("topology.kubernetes.io/zone", "kubernetes.io/hostname");
      assertThat(pod.getTopologySpreadConstraints()).allSatisfy(t -> assertThat(t.getLabelSelector().getMatchLabels())
          .containsEntry("app.kubernetes.io/component", name));
      // a token for every service by default: each one's singletons hold Leases (leaderElection.kind lease)
      assertThat(pod.getAutomountServiceAccountToken()).as(name).isTrue();
      assertThat(pod.getServiceAccountName()).isEqualTo("panosc-" + name);
      // the database credentials only from a Secret
      assertThat(c.getEnv()).filteredOn(e -> e.getName().startsWith("PANOSC_DB_")).hasSize(2)
          .allSatisfy(e -> assertThat(e.getValueFrom().getSecretKeyRef()).isNotNull());
      assertThat(c.getEnv()).allSatisfy(e -> assertThat(e.getValue() == null || !e.getValue().toLowerCase()
          .contains("secret")).isTrue());
      Service s = Chart.one(objects, Service.class, "panosc-" + name);
      assertThat(s.getSpec().getSelector()).isEqualTo(d.getSpec().getSelector().getMatchLabels());
      assertThat(Chart.one(objects, PodDisruptionBudget.class, "panosc-" + name).getSpec().getSelector()
          .getMatchLabels()).isEqualTo(d.getSpec().getSelector().getMatchLabels());
    }
    assertThat(Chart.all(objects, ServiceAccount.class)).allSatisfy(sa -> assertThat(
        sa.getAutomountServiceAccountToken()).as(sa.getMetadata().getName()).isFalse());
    assertThat(Chart.all(objects, HorizontalPodAutoscaler.class)).extracting(h -> h.getSpec().getScaleTargetRef()
        .getName()).containsExactlyInAnyOrder("panosc-aai", "panosc-pdp");
    assertThat(Chart.all(objects, HorizontalPodAutoscaler.class)).allSatisfy(h -> assertThat(h.getSpec().getMetrics()
        .getFirst().getResource().getName()).isEqualTo("cpu"));
    // an autoscaled Deployment leaves replicas to the HPA
    assertThat(Chart.one(objects, Deployment.class, "panosc-aai").getSpec().getReplicas()).isNull();
    assertThat(Chart.one(objects, Deployment.class, "panosc-registry").getSpec().getReplicas()).isEqualTo(2);
  }

  static Set<String> rules(Role r) {
    return r.getRules().stream().flatMap(rule -> rule.getApiGroups().stream().flatMap(g -> rule.getResources()
        .stream().map(res -> (g.isEmpty() ? "" : g + "/") + res + (rule.getResourceNames() == null
            || rule.getResourceNames().isEmpty() ? "" : "/" + String.join(",", rule.getResourceNames())) + ":"
            + String.join(",", new TreeSet<>(rule.getVerbs())))))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void rbacIsExactlyWhatTheBrokersCodeCalls() {
    List<HasMetadata> full = render("full");
    // each service may create Leases and get/patch only its own singletons' ones (Leadership.singleton calls)
    Map<String, String> leases = Map.of(
        "registry", "panosc-registry-key-rotation",
        "aai", "panosc-aai-key-rotation,panosc-aai-purge",
        "pdp", "panosc-pdp-decision-log-purge,panosc-pdp-change-log-prune",
        "broker", "panosc-broker-reconciler",
        "accounting", "panosc-accounting-rollup,panosc-accounting-eosc-push");
    assertThat(Chart.all(full, Role.class)).extracting(r -> r.getMetadata().getName()).filteredOn(n -> n.endsWith(
        "-leader")).containsExactlyInAnyOrder(leases.keySet().stream().map(s -> "panosc-" + s + "-leader")
        .toArray(String[]::new));
    leases.forEach((service, names) -> {
      Role leader = Chart.one(full, Role.class, "panosc-" + service + "-leader");
      assertThat(rules(leader)).as(service).containsExactly("coordination.k8s.io/leases/" + names + ":get,patch",
          "coordination.k8s.io/leases:create");
      RoleBinding b = Chart.one(full, RoleBinding.class, "panosc-" + service + "-leader");
      assertThat(b.getSubjects()).singleElement().satisfies(sub -> assertThat(sub.getName())
          .isEqualTo("panosc-" + service));
      assertThat(b.getRoleRef().getName()).isEqualTo("panosc-" + service + "-leader");
    });
    List<Role> sessions = Chart.all(full, Role.class).stream().filter(r -> r.getMetadata().getName()
        .equals("panosc-broker-sessions")).toList();
    assertThat(sessions).extracting(r -> r.getMetadata().getNamespace()).containsExactly("panosc-sessions",
        "panosc-staging");
    for (Role r : sessions) {
      assertThat(rules(r)).containsExactly("batch/jobs:create,delete,get", "configmaps:create",
          "networking.k8s.io/ingresses:create,delete,get,update", "persistentvolumeclaims:create,delete,get",
          "pods:create,delete,get,list,watch",
          "secrets:create,delete,get,update", "services:create,delete,get,update");
    }
    // one binding per service's leader Role (checked above), and the broker's own three
    assertThat(Chart.all(full, RoleBinding.class)).hasSize(3 + 4);
    assertThat(Chart.all(full, RoleBinding.class).stream().filter(b -> "broker".equals(b.getMetadata().getLabels()
        .get("app.kubernetes.io/component"))).toList()).hasSize(3).allSatisfy(b -> {
      assertThat(b.getSubjects()).singleElement().satisfies(s -> {
        assertThat(s.getName()).isEqualTo("panosc-broker");
        assertThat(s.getNamespace()).isEqualTo(Chart.NAMESPACE);
      });
      assertThat(b.getRoleRef().getKind()).isEqualTo("Role");
    });
    // nothing else, and no cluster-wide rights at all
    assertThat(full).noneMatch(o -> o.getKind().startsWith("Cluster") && o.getApiVersion().startsWith("rbac"));
    assertThat(Chart.all(render("required"), Role.class)).extracting(r -> r.getMetadata().getName())
        .containsExactlyInAnyOrder("panosc-registry-leader", "panosc-aai-leader", "panosc-pdp-leader",
            "panosc-broker-leader", "panosc-accounting-leader");
  }

  static Set<String> fromComponents(NetworkPolicy p) {
    return p.getSpec().getIngress().stream().flatMap(i -> i.getFrom().stream()).map(NetworkPolicyPeer::getPodSelector)
        .filter(s -> s != null).map(s -> s.getMatchLabels().get("app.kubernetes.io/component"))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  static Set<String> toComponents(NetworkPolicy p) {
    return p.getSpec().getEgress().stream().flatMap(e -> e.getTo().stream()).map(NetworkPolicyPeer::getPodSelector)
        .filter(s -> s != null && s.getMatchLabels() != null && s.getMatchLabels().containsKey(
            "app.kubernetes.io/component")).map(s -> s.getMatchLabels().get("app.kubernetes.io/component"))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void networkPoliciesAllowOnlyTheDocumentedFlows() {
    List<HasMetadata> objects = render("full");
    Map<String, Set<String>> in = Map.of("aai", Set.of("registry", "pdp", "broker", "accounting"), "registry",
        Set.of("aai", "pdp", "broker"), "pdp", Set.of("broker"), "broker", Set.of(), "accounting", Set.of("broker"));
    Map<String, Set<String>> out = Map.of("aai", Set.of("registry"), "registry", Set.of("aai"), "pdp",
        Set.of("aai", "registry"), "broker", Set.of("aai", "pdp", "registry", "accounting"), "accounting",
        Set.of("aai"));
    for (String name : SERVICES) {
      NetworkPolicy p = Chart.one(objects, NetworkPolicy.class, "panosc-" + name);
      assertThat(p.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
      assertThat(fromComponents(p)).as("callers of %s", name).isEqualTo(in.get(name));
      assertThat(toComponents(p)).as("callees of %s", name).isEqualTo(out.get(name));
      // the full values open the PDP's gRPC ext_authz port too (mesh.grpc)
      assertThat(p.getSpec().getIngress()).singleElement().satisfies(i -> assertThat(i.getPorts())
          .extracting(port -> port.getPort().getIntVal())
          .containsExactlyElementsOf(name.equals("pdp") ? List.of(8080, 9191) : List.of(8080)));
      // the database: the CNPG cluster's pods on 5432
      assertThat(p.getSpec().getEgress()).anySatisfy(e -> {
        assertThat(e.getTo()).singleElement().satisfies(t -> assertThat(t.getPodSelector().getMatchLabels())
            .containsEntry("cnpg.io/cluster", "panosc-db"));
        assertThat(e.getPorts()).extracting(port -> port.getPort().getIntVal()).containsExactly(5432);
      });
      boolean external = p.getSpec().getEgress().stream().flatMap(e -> e.getTo() == null ? java.util.stream.Stream
          .empty() : e.getTo().stream()).anyMatch(t -> t.getIpBlock() != null && !t.getIpBlock().getCidr()
          .equals("172.18.0.2/32"));
      // every service reaches the API server (networkPolicy.apiServer) for its leader-election Leases, on its port
      assertThat(p.getSpec().getEgress()).as("%s to the API server", name).anySatisfy(e -> {
        assertThat(e.getTo()).singleElement().satisfies(t -> assertThat(t.getIpBlock() == null ? null
            : t.getIpBlock().getCidr()).isEqualTo("172.18.0.2/32"));
        assertThat(e.getPorts()).extracting(port -> port.getPort().getIntVal()).containsExactly(6443);
      });
      assertThat(external).as("%s reaches beyond the cluster", name).isEqualTo(Set.of("aai", "broker", "accounting")
          .contains(name));
    }
    // the broker also reaches its session namespaces (proxy, staging)
    assertThat(Chart.one(objects, NetworkPolicy.class, "panosc-broker").getSpec().getEgress()).anySatisfy(e -> assertThat(
        e.getTo()).extracting(t -> t.getNamespaceSelector() == null ? null : t.getNamespaceSelector().getMatchLabels()
        .get("kubernetes.io/metadata.name"))
        .containsExactly("panosc-sessions", "panosc-staging"));
    // an extra peer (a facility gateway's namespace) reaches the PDP, and only the PDP
    assertThat(Chart.all(objects, NetworkPolicy.class)).filteredOn(p -> p.getSpec().getIngress() != null && p.getSpec()
        .getIngress().stream().flatMap(i -> i.getFrom().stream()).anyMatch(f -> f.getNamespaceSelector() != null
            && "facility-gw".equals(f.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name"))))
        .extracting(p -> p.getMetadata().getName()).containsExactly("panosc-pdp");
    NetworkPolicy migrate = Chart.one(objects, NetworkPolicy.class, "panosc-migrate");
    assertThat(migrate.getSpec().getIngress()).isNullOrEmpty();
    assertThat(migrate.getSpec().getEgress()).hasSize(2);
  }

  @Test
  void secretsNeverComeFromValues() throws Exception {
    List<HasMetadata> required = render("required");
    // the only Secret: the generated key-encryption key, 32 random bytes, kept on uninstall
    Secret kek = Chart.one(required, Secret.class, "panosc-kek");
    assertThat(Chart.all(required, Secret.class)).hasSize(1);
    assertThat(kek.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
    byte[] key = Base64.getDecoder().decode(new String(Base64.getDecoder().decode(kek.getData().get("kek"))));
    assertThat(key).hasSize(32);
    assertThat(Chart.one(Chart.parse(renderText("required")), Secret.class, "panosc-kek").getData().get("kek"))
        .as("a new key per install render").isNotEqualTo(kek.getData().get("kek"));
    // full: an existing KEK, a previous one for rotation, no Secret rendered at all
    List<HasMetadata> full = render("full");
    assertThat(Chart.all(full, Secret.class)).isEmpty();
    Map<String, Object> broker = new Yaml().load(Chart.one(full, ConfigMap.class, "panosc-config").getData()
        .get("broker.yaml"));
    assertThat(broker.toString()).contains("clientSecret=${BROKER_CLIENT_SECRET}")
        .contains("postgresql://${PANOSC_DB_USER}:${PANOSC_DB_PASSWORD}@panosc-db-rw.panosc.svc:5432/panosc")
        .contains("previousKekFiles=[/etc/panosc/kek-previous/0/kek]");
    Deployment b = Chart.one(full, Deployment.class, "panosc-broker");
    EnvVar secretEnv = b.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv().stream()
        .filter(e -> e.getName().equals("BROKER_CLIENT_SECRET")).findFirst().orElseThrow();
    assertThat(secretEnv.getValueFrom().getSecretKeyRef().getName()).isEqualTo("panosc-clients");
    assertThat(b.getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(v -> assertThat(v.getSecret() == null
        ? null : v.getSecret().getSecretName()).isEqualTo("panosc-kek-2025"));
    assertThat(Chart.one(full, Deployment.class, "panosc-pdp").getSpec().getTemplate().getSpec().getVolumes())
        .anySatisfy(v -> assertThat(v.getSecret() == null ? null : v.getSecret().getSecretName())
            .isEqualTo("panosc-kek-2026"));
  }

  @Test
  void servicesCallEachOtherInsideTheCluster() {
    Map<String, String> cfg = Chart.one(render("full"), ConfigMap.class, "panosc-config").getData();
    Yaml yaml = new Yaml();
    Map<String, Object> broker = yaml.load(cfg.get("broker.yaml"));
    assertThat(broker.toString()).contains("evaluationsEndpoint=http://panosc-pdp.panosc.svc:8080/pdp/access/v1/"
        + "evaluations").contains("accountingUrl=http://panosc-accounting.panosc.svc:8080/accounting")
        .contains("leader={kind=lease, leaseName=panosc, namespace=panosc}")
        .contains("publicBaseUrl=https://panosc.example.org").contains("drainDelay=10s, ").contains(
            "shutdownGrace=30s");
    assertThat(cfg.get("aai.yaml")).contains("registryUrl: http://panosc-registry.panosc.svc:8080/registry")
        .contains("accessTokenLifetime: 10m");
    assertThat(cfg.get("pdp.yaml")).contains("jwksUri: http://panosc-aai.panosc.svc:8080/aai/jwks")
        .contains("resolveEndpoint: http://panosc-aai.panosc.svc:8080/aai/v1/resolve");
  }

  @Test
  void databaseMonitoringIngressAndDashboard() throws Exception {
    List<HasMetadata> full = render("full");
    GenericKubernetesResource cluster = Chart.all(full, GenericKubernetesResource.class).stream()
        .filter(g -> g.getKind().equals("Cluster")).findFirst().orElseThrow();
    assertThat(cluster.getApiVersion()).isEqualTo("postgresql.cnpg.io/v1");
    assertThat(cluster.get("spec", "instances").toString()).isEqualTo("3");
    assertThat(cluster.get("spec", "backup", "barmanObjectStore", "destinationPath").toString())
        .isEqualTo("s3://panosc-backups/db");
    assertThat(Chart.all(full, GenericKubernetesResource.class)).extracting(HasMetadata::getKind)
        .containsExactlyInAnyOrder("Cluster", "ScheduledBackup", "ServiceMonitor");
    Ingress ing = Chart.one(full, Ingress.class, "panosc");
    assertThat(ing.getSpec().getTls()).singleElement().satisfies(t -> {
      assertThat(t.getHosts()).containsExactly("panosc.example.org");
      assertThat(t.getSecretName()).isEqualTo("panosc-example-org-tls");
    });
    assertThat(ing.getMetadata().getAnnotations()).containsEntry("cert-manager.io/cluster-issuer", "letsencrypt");
    assertThat(ing.getSpec().getRules().getFirst().getHttp().getPaths()).extracting(p -> p.getPath() + "->" + p
        .getBackend().getService().getName()).containsExactlyInAnyOrder("/registry->panosc-registry",
            "/aai->panosc-aai", "/pdp->panosc-pdp", "/broker->panosc-broker", "/accounting->panosc-accounting");
    ConfigMap dash = Chart.one(full, ConfigMap.class, "panosc-dashboard");
    assertThat(dash.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    assertThat(dash.getData().get("panosc.json")).isEqualTo(Files.readString(Chart.DIR.resolve(
        "../../docs/grafana/panosc.json").normalize()).strip());
    // minimal: external database, no CRD-backed objects (the Prometheus operator's API is absent here)
    List<HasMetadata> minimal = render("minimal");
    assertThat(Chart.all(minimal, GenericKubernetesResource.class)).isEmpty();
    assertThat(Chart.one(minimal, ConfigMap.class, "panosc-config").getData().get("pdp.yaml"))
        .contains("url: postgresql://${PANOSC_DB_USER}:${PANOSC_DB_PASSWORD}@db.example.org:5432/panosc?sslmode=require");
  }

  @Test
  void migrationRunsAsAHookJob() throws Exception {
    // a hook is not part of the release's manifest (Helm runs it before install/upgrade)
    assertThat(Chart.all(render("required"), Job.class)).isEmpty();
    String source = Files.readString(Chart.DIR.resolve("templates/migration-job.yaml"));
    assertThat(source).contains("helm.sh/hook: {{ $hook }}").contains(
        "ternary \"post-install,pre-upgrade\" \"pre-install,pre-upgrade\" .Values.cnpg.enabled");
    // rendered as a plain Job (migration.hook=false) it shows what it runs
    var values = new java.util.HashMap<String, Object>(Chart.REQUIRED);
    values.put("migration.hook", false);
    List<HasMetadata> objects = Chart.parse(Chart.template(null, values));
    Job job = Chart.one(objects, Job.class, "panosc-migrate");
    assertThat(job.getMetadata().getAnnotations()).isNullOrEmpty();
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    Container c = pod.getContainers().getFirst();
    assertThat(c.getArgs()).containsExactly("migrate", "--config", "/etc/panosc/config/migrate.yaml");
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getEnv()).filteredOn(e -> e.getName().startsWith("PANOSC_DB_")).allSatisfy(e -> assertThat(
        e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("panosc-db"));
    Map<String, Object> cfg = new Yaml().load(Chart.one(objects, ConfigMap.class, "panosc-migrate").getData()
        .get("migrate.yaml"));
    assertThat(cfg).doesNotContainKeys("keys", "services");
  }
}
