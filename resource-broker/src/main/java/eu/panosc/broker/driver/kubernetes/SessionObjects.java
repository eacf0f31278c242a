package eu.panosc.broker.driver.kubernetes;

import eu.panosc.broker.driver.ActivityAgent;
import eu.panosc.broker.driver.LaunchSpec;
import eu.panosc.broker.model.Image;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The desired Kubernetes objects of one session, as pure functions of its {@link LaunchSpec}: a Pod (requests and
 * limits from the flavour, datasets mounted read-only from their storage site's claim, the access secret mounted
 * as a file, never in environment or arguments), a Secret holding the access secret, a Service in front of the Pod
 * and, when the flavour has scratch space, a volume claim mounted read-write at {@code /scratch}; all owned by the
 * Pod, so deleting it removes them. With the activity agent, the Pod has a second container running it (the same
 * image; see {@link #agentContainer}), its script read from a ConfigMap shared by every session of the namespace
 * ({@link #agentScript}), not owned by any Pod.
 */
public final class SessionObjects {
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGER = "panosc-resource-broker";
  public static final String SESSION = "panosc.eu/session";
  public static final String SECRET_DIR = "/var/run/secrets/panosc";
  public static final String SECRET_KEY = "access-secret";
  static final String GPU = "nvidia.com/gpu";
  /** The activity agent's sidecar container (and its volume). */
  public static final String AGENT_CONTAINER = "activity-agent";
  /** Where the agent's container finds its script and the access secret. */
  public static final String AGENT_DIR = "/var/run/panosc-agent";
  /** The component label of the agent's script's ConfigMap. */
  public static final String AGENT_COMPONENT = "activity-agent";
  /** The user the agent runs as (nobody), whatever the image's user. */
  static final long AGENT_USER = 65534;
  static final String X11_VOLUME = "x11";
  static final String X11_DIR = "/tmp/.X11-unix";
  /**
   * The sidecar's command: the agent when the image has {@code python3}; otherwise a log line and a wait that ends on
   * SIGTERM (a container that exits would be restarted and keep the Pod from being Ready).
   */
  static final String AGENT_COMMAND = "if command -v python3 >/dev/null 2>&1; then exec python3 " + AGENT_DIR + "/"
      + ActivityAgent.FILE + "; fi; echo 'panosc-activity-agent: this image has no python3, so no activity reports' "
      + ">&2; trap 'kill $! 2>/dev/null; exit 0' TERM INT; while :; do sleep 3600 & wait $!; done";

  private SessionObjects() {}

  /** The name of every object of the session. */
  public static String name(String sessionId) {
    return "panosc-" + sessionId;
  }

  public static Map<String, String> labels(LaunchSpec spec) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, MANAGER);
    labels.put("app.kubernetes.io/component", "analysis-session");
    labels.put(SESSION, spec.session().id());
    labels.put("panosc.eu/image", spec.image().id());
    labels.put("panosc.eu/flavour", spec.flavour().id());
    return labels;
  }

  private static Map<String, String> annotations(LaunchSpec spec) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("panosc.eu/owner", spec.session().owner());
    spec.session().proposal().ifPresent(p -> a.put("panosc.eu/proposal", p));
    a.put("panosc.eu/datasets", String.join(",", spec.session().datasets()));
    return a;
  }

  /** The session's Pod without the activity agent. */
  public static Pod pod(LaunchSpec spec, String namespace) {
    return pod(spec, namespace, Optional.empty(), "/broker/s/" + spec.session().id() + "/");
  }

  /**
   * The session's Pod; with {@code agent}, also the activity agent's sidecar container ({@link #agentContainer}).
   * {@code basePath}: the path the session is served under (where a Jupyter image has its API).
   */
  public static Pod pod(LaunchSpec spec, String namespace, Optional<ActivityAgent> agent, String basePath) {
    String name = name(spec.session().id());
    var r = spec.flavour().resources();
    Map<String, Quantity> amounts = new LinkedHashMap<>();
    amounts.put("cpu", new Quantity(Long.toString(r.cpu())));
    amounts.put("memory", new Quantity(r.memoryMi() + "Mi"));
    if (r.gpu() > 0) {
      amounts.put(GPU, new Quantity(Long.toString(r.gpu())));
    }
    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    // the access secret (the Secret's only key). Mode 0444: the file is root's, and the container runs as whatever user
    // the image says (jovyan, 1000:100, in Jupyter's images), which must read it; 0400 kept it from every non-root
    // image. Only this Pod mounts it and every process in the container is the session's own. No fsGroup instead:
    // kubelet would re-own the data volumes, whole dataset trees.
    volumes.add(new VolumeBuilder().withName("access-secret").withNewSecret().withSecretName(name)
        .withDefaultMode(0444).addNewItem().withKey(SECRET_KEY).withPath(SECRET_KEY).endItem().endSecret().build());
    mounts.add(new VolumeMountBuilder().withName("access-secret").withMountPath(SECRET_DIR).withReadOnly(true).build());
    if (spec.flavour().scratchGi() > 0) {
      volumes.add(new VolumeBuilder().withName("scratch").withNewPersistentVolumeClaim().withClaimName(scratchName(
          spec.session().id())).withReadOnly(false).endPersistentVolumeClaim().build());
      mounts.add(new VolumeMountBuilder().withName("scratch").withMountPath("/scratch").withReadOnly(false).build());
    }
    List<String> claims = new ArrayList<>();
    for (LaunchSpec.DataMount m : spec.mounts()) {
      if (!claims.contains(m.claim())) {
        claims.add(m.claim());
        volumes.add(new VolumeBuilder().withName("data-" + claims.size()).withNewPersistentVolumeClaim()
            .withClaimName(m.claim()).withReadOnly(true).endPersistentVolumeClaim().build());
      }
      mounts.add(new VolumeMountBuilder().withName("data-" + (claims.indexOf(m.claim()) + 1))
          .withMountPath(m.mountPath()).withSubPath(m.subPath()).withReadOnly(true).build());
    }
    boolean desktop = agent.isPresent() && spec.image().kind() == Image.Kind.DESKTOP;
    if (desktop) {
      // the X server's sockets, shared with the agent (xprintidle); the X server creates them, so read-write
      volumes.add(new VolumeBuilder().withName(X11_VOLUME).withNewEmptyDir().endEmptyDir().build());
      mounts.add(new VolumeMountBuilder().withName(X11_VOLUME).withMountPath(X11_DIR).withReadOnly(false).build());
    }
    List<Container> containers = new ArrayList<>();
    containers.add(new ContainerBuilder().withName("session").withImage(spec.image().reference())
        .addNewPort().withName("session").withContainerPort(spec.image().port()).withProtocol("TCP").endPort()
        .withNewResources().withRequests(amounts).withLimits(amounts).endResources()
        .addNewEnv().withName("PANOSC_SESSION").withValue(spec.session().id()).endEnv()
        .addNewEnv().withName("PANOSC_SECRET_FILE").withValue(SECRET_DIR + "/" + SECRET_KEY).endEnv()
        .withVolumeMounts(mounts)
        .withNewReadinessProbe().withNewTcpSocket().withPort(new IntOrString(spec.image().port())).endTcpSocket()
        .withPeriodSeconds(5).endReadinessProbe()
        .withNewSecurityContext().withAllowPrivilegeEscalation(false).endSecurityContext()
        .build());
    if (agent.isPresent()) {
      containers.add(agentContainer(spec, agent.get(), basePath, desktop));
      // one projected volume, so both files stay in one directory (AGENT_DIR, as the agent's command and
      // PANOSC_SECRET_FILE name them) and kubelet updates them together; two volumes would need two directories
      // (or subPath mounts, which kubelet never updates)
      volumes.add(new VolumeBuilder().withName(AGENT_CONTAINER).withNewProjected().withDefaultMode(0444)
          .addNewSource().withNewConfigMap().withName(agentScriptName()).addNewItem().withKey(ActivityAgent.FILE)
          .withPath(ActivityAgent.FILE).withMode(0444).endItem().endConfigMap().endSource()
          .addNewSource().withNewSecret().withName(name).addNewItem().withKey(SECRET_KEY).withPath(SECRET_KEY)
          .withMode(0444).endItem().endSecret().endSource().endProjected().build());
    }
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels(spec))
        .withAnnotations(annotations(spec)).endMetadata()
        .withNewSpec().withRestartPolicy("Always").withAutomountServiceAccountToken(false)
        .withContainers(containers).withVolumes(volumes).endSpec().build();
  }

  /**
   * The activity agent's sidecar: the session's own image (Jupyter and desktop images have Python 3, and whatever
   * {@code xprintidle} or {@code nvidia-smi} the image has), so it works for any image without rebuilding it and
   * without knowing its entrypoint; in the Pod's network namespace, so Jupyter is at {@code 127.0.0.1:<port>}. The
   * script (from the namespace's {@link #agentScript} ConfigMap) and the access secret (from the session's Secret)
   * come as files of one projected volume (mode 0444 in this container only: it runs as user 65534, not as the
   * image's user), never in its environment values or arguments. An image without
   * {@code python3} gets a container that only waits (so the Pod still becomes Ready) and says why in its log.
   */
  static Container agentContainer(LaunchSpec spec, ActivityAgent agent, String basePath, boolean desktop) {
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(new VolumeMountBuilder().withName(AGENT_CONTAINER).withMountPath(AGENT_DIR).withReadOnly(true).build());
    if (desktop) {
      mounts.add(new VolumeMountBuilder().withName(X11_VOLUME).withMountPath(X11_DIR).withReadOnly(false).build());
    }
    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVar("PANOSC_BROKER_URL", agent.brokerBase(), null));
    env.add(new EnvVar("PANOSC_SESSION", spec.session().id(), null));
    env.add(new EnvVar("PANOSC_SECRET_FILE", AGENT_DIR + "/" + SECRET_KEY, null));
    env.add(new EnvVar("PANOSC_ACTIVITY_INTERVAL", agent.intervalSeconds(), null));
    if (spec.image().kind() == Image.Kind.JUPYTER) {
      env.add(new EnvVar("PANOSC_JUPYTER_URL", "http://127.0.0.1:" + spec.image().port() + basePath, null));
    }
    env.add(new EnvVar("PYTHONDONTWRITEBYTECODE", "1", null));
    env.add(new EnvVar("PYTHONUNBUFFERED", "1", null));
    Map<String, Quantity> requests = Map.of("cpu", new Quantity("10m"), "memory", new Quantity("32Mi"));
    Map<String, Quantity> limits = Map.of("cpu", new Quantity("100m"), "memory", new Quantity("64Mi"));
    return new ContainerBuilder().withName(AGENT_CONTAINER).withImage(spec.image().reference())
        .withCommand("/bin/sh", "-c", AGENT_COMMAND).withEnv(env).withVolumeMounts(mounts)
        .withNewResources().withRequests(requests).withLimits(limits).endResources()
        .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(AGENT_USER).withRunAsGroup(AGENT_USER)
        .withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true).withNewCapabilities().withDrop("ALL")
        .endCapabilities().withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
        .build();
  }

  /** The name of the session's scratch volume claim. */
  public static String scratchName(String sessionId) {
    return name(sessionId) + "-scratch";
  }

  /** The session's scratch space (when its flavour has some): ReadWriteOnce, owned by the Pod. */
  public static PersistentVolumeClaim scratch(LaunchSpec spec, String namespace, Pod owner) {
    return new PersistentVolumeClaimBuilder().withNewMetadata().withName(scratchName(spec.session().id()))
        .withNamespace(namespace).withLabels(labels(spec)).withOwnerReferences(ownedBy(owner)).endMetadata()
        .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
        .withRequests(Map.of("storage", new Quantity(spec.flavour().scratchGi() + "Gi"))).endResources().endSpec()
        .build();
  }

  /** The session's Secret: its access secret, its only key ({@value #SECRET_KEY}). */
  public static Secret secret(LaunchSpec spec, String namespace, String value, Pod owner) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(SECRET_KEY, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
    return new SecretBuilder().withNewMetadata().withName(name(spec.session().id())).withNamespace(namespace)
        .withLabels(labels(spec)).withOwnerReferences(ownedBy(owner)).endMetadata().withType("Opaque")
        .withData(data).build();
  }

  /**
   * The name of the activity agent's script's ConfigMap: {@code panosc-activity-agent-<first 10 hex digits of the
   * script's SHA-256>}, so every broker version names its own script and a ConfigMap of that name holds this script.
   */
  public static String agentScriptName() {
    return AgentScript.NAME;
  }

  /**
   * The ConfigMap holding the activity agent's script ({@value ActivityAgent#FILE}) for every session of
   * {@code namespace}: named by the script's hash ({@link #agentScriptName}), immutable, labelled as managed by the
   * broker (component {@value #AGENT_COMPONENT}, no session: it is shared, owned by no Pod, never deleted with one).
   */
  public static ConfigMap agentScript(String namespace) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, MANAGER);
    labels.put("app.kubernetes.io/component", AGENT_COMPONENT);
    return new ConfigMapBuilder().withNewMetadata().withName(AgentScript.NAME).withNamespace(namespace)
        .withLabels(labels).endMetadata().withImmutable(true).withData(Map.of(ActivityAgent.FILE,
            ActivityAgent.script())).build();
  }

  /** The script's ConfigMap's name, hashed once. */
  private static final class AgentScript {
    static final String NAME = "panosc-activity-agent-" + sha256(ActivityAgent.script()).substring(0, 10);

    private static String sha256(String text) {
      try {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(
            StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("this JVM has no SHA-256", e);
      }
    }
  }

  public static Service service(LaunchSpec spec, String namespace, Pod owner) {
    return new ServiceBuilder().withNewMetadata().withName(name(spec.session().id())).withNamespace(namespace)
        .withLabels(labels(spec)).withOwnerReferences(ownedBy(owner)).endMetadata()
        .withNewSpec().withType("ClusterIP").withSelector(Map.of(SESSION, spec.session().id()))
        .addNewPort().withName("session").withProtocol("TCP").withPort(spec.image().port())
        .withTargetPort(new IntOrString(spec.image().port())).endPort().endSpec().build();
  }

  /** The session's Pod as its objects' owner references need it: name and uid (from the API server's answer). */
  static Pod owner(String name, String uid) {
    if (uid == null || uid.isBlank()) {
      throw new IllegalStateException("the API server's answer for pod " + name + " has no uid");
    }
    Pod pod = new Pod();
    pod.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withUid(uid).build());
    return pod;
  }

  static OwnerReference ownedBy(Pod pod) {
    return new OwnerReferenceBuilder().withApiVersion("v1").withKind("Pod").withName(pod.getMetadata().getName())
        .withUid(pod.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(true).build();
  }

  /** The in-cluster URL of the session's Service. */
  public static String url(String sessionId, String namespace, int port) {
    return "http://" + name(sessionId) + "." + namespace + ".svc:" + port + "/";
  }

  /** Annotations of ingress-nginx that make it ask the broker's forward-auth before every request. */
  public static final String NGINX = "nginx.ingress.kubernetes.io/";

  /**
   * The session's Ingress: {@code host}, path {@code <prefix><id>/} (Prefix) to the session's Service, owned by the
   * Pod; ingress-nginx asks the broker's forward-auth ({@code auth-url}) before every request and passes on who
   * the caller is ({@code auth-response-headers}); long timeouts for WebSockets; TLS when a secret is named.
   */
  public static io.fabric8.kubernetes.api.model.networking.v1.Ingress ingress(LaunchSpec spec, String namespace,
      Pod owner, IngressSettings settings) {
    String name = name(spec.session().id());
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(NGINX + "auth-url", settings.authUrl().toString());
    annotations.put(NGINX + "auth-method", "GET");
    annotations.put(NGINX + "auth-response-headers", "X-Panosc-User,X-Panosc-Access");
    annotations.put(NGINX + "proxy-read-timeout", "3600");
    annotations.put(NGINX + "proxy-send-timeout", "3600");
    var builder = new io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder().withNewMetadata().withName(name)
        .withNamespace(namespace).withLabels(labels(spec)).withAnnotations(annotations)
        .withOwnerReferences(ownedBy(owner)).endMetadata().withNewSpec();
    settings.className().ifPresent(builder::withIngressClassName);
    builder.addNewRule().withHost(settings.host()).withNewHttp().addNewPath().withPath(settings.path(
        spec.session().id())).withPathType("Prefix").withNewBackend().withNewService().withName(name)
        .withNewPort().withNumber(spec.image().port()).endPort().endService().endBackend().endPath().endHttp()
        .endRule();
    settings.tlsSecret().ifPresent(secret -> builder.addNewTl().withHosts(settings.host()).withSecretName(secret)
        .endTl());
    return builder.endSpec().build();
  }
}
