package eu.panosc.broker;

import eu.panosc.broker.clusters.RegistrySettings;
import eu.panosc.broker.usage.UsageSettings;
import eu.panosc.broker.model.Cluster;
import eu.panosc.broker.model.Flavour;
import eu.panosc.broker.model.Image;
import eu.panosc.broker.model.Limits;
import eu.panosc.broker.model.Quota;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.model.Visibility;
import eu.panosc.broker.session.DatasetLocations;
import eu.panosc.broker.session.Rules;
import eu.panosc.broker.staging.StagingSettings;
import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import eu.panosc.platform.demo.DemoFederation;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code services.broker} configuration section, validated at start. Clusters, flavours and images are read
 * from here for now (clusters later from the federation-registry); in demo mode, sections left out get the demo's:
 * one local cluster, three flavours, a Jupyter and a remote-desktop image, the demo federation's datasets.
 *
 * @param rules per-role limits, the per-proposal quota, the start timeout
 * @param clusters where sessions run
 * @param flavours sizes offered (written into the store at start)
 * @param images environments offered (written into the store at start)
 * @param datasets where datasets lie (storage site and path), for locality and mounts
 * @param pdp how to reach the PDP; empty: no client credentials, sessions with datasets are refused with 503
 * @param reconcileInterval how often the reconciler runs
 * @param localCommands per local cluster, its command (empty: the built-in page)
 * @param ingresses per Kubernetes cluster with an {@code ingress} section, how sessions get an Ingress
 * @param clusterRegistry clusters also read from the federation-registry; empty: only the configured ones
 * @param staging how data is staged onto clusters that cannot mount it
 * @param usage usage records to metrics-accounting; empty: none
 * @param activityAgent the activity agent Kubernetes session Pods run as a sidecar; empty: none
 */
public record BrokerSettings(Rules rules, List<Cluster> clusters, List<Flavour> flavours, List<Image> images,
    DatasetLocations datasets, Optional<Pdp> pdp, Duration reconcileInterval, Map<String, List<String>> localCommands,
    Map<String, eu.panosc.broker.driver.kubernetes.IngressSettings> ingresses,
    Optional<RegistrySettings> clusterRegistry, StagingSettings staging,
    Optional<UsageSettings> usage, Optional<eu.panosc.broker.driver.ActivityAgent> activityAgent) {

  /** The PDP's evaluations endpoint and the broker's client at the aai-broker. */
  public record Pdp(URI evaluationsEndpoint, URI tokenEndpoint, URI resolveEndpoint, String clientId,
      String clientSecret, Duration timeout) {
    @Override
    public String toString() {
      return "Pdp[" + evaluationsEndpoint + ", client " + clientId + "]";
    }
  }

  public static final String DEMO_CLIENT = "resource-broker";
  public static final String DEMO_SECRET = "resource-broker-demo-secret";

  public static BrokerSettings from(ConfigNode node, URI issuer, URI publicRoot, boolean demo) {
    ConfigNode limits = node.node("limits");
    Limits user = limits(limits.node("user"), Limits.USER_DEFAULT);
    Limits staff = limits(limits.node("staff"), Limits.STAFF_DEFAULT);
    limits.rejectUnknownKeys();
    Optional<Quota.ProposalQuota> proposal = Optional.empty();
    if (node.has("proposalQuota")) {
      ConfigNode q = node.node("proposalQuota");
      long coreHours = q.has("coreHours") ? q.integer("coreHours", 0, 0, Integer.MAX_VALUE) : Long.MAX_VALUE;
      proposal = Optional.of(new Quota.ProposalQuota(q.integer("sessions", 10, 1, 1_000_000),
          q.integer("cpu", 64, 0, 10_000_000), q.integer("gpu", 4, 0, 1_000_000), coreHours));
      q.rejectUnknownKeys();
    }
    Duration startTimeout = positive(node, "startTimeout", Duration.ofMinutes(5));
    Duration interval = positive(node, "reconcileInterval", Duration.ofSeconds(10));
    Map<String, List<String>> commands = new LinkedHashMap<>();
    Map<String, eu.panosc.broker.driver.kubernetes.IngressSettings> ingresses = new LinkedHashMap<>();
    List<Cluster> clusters = node.has("clusters") || !demo ? clusters(node.node("clusters"), commands, ingresses,
        publicRoot) : List.of(demoCluster());
    List<Flavour> flavours = node.has("flavours") || !demo ? flavours(node.node("flavours")) : demoFlavours();
    List<Image> images = node.has("images") || !demo ? images(node.node("images")) : demoImages();
    Set<String> clusterIds = new LinkedHashSet<>();
    clusters.forEach(c -> clusterIds.add(c.id()));
    for (Image i : images) {
      for (String c : i.clusters()) {
        if (!clusterIds.contains(c)) {
          throw new ConfigException(node.path() + ".images." + i.id() + ".clusters",
              "names cluster '" + c + "', which is not configured; known clusters are " + clusterIds);
        }
      }
    }
    DatasetLocations datasets = node.has("datasets") || !demo ? datasets(node.node("datasets")) : demoDatasets();
    Optional<Pdp> pdp = pdp(node.node("pdp"), issuer, publicRoot, demo);
    Optional<RegistrySettings> clusterRegistry = node.has("clusterRegistry")
        ? Optional.of(RegistrySettings.from(node.node("clusterRegistry"), publicRoot)) : Optional.empty();
    if (clusterRegistry.isPresent() && pdp.isEmpty()) {
      throw new ConfigException(node.path() + ".clusterRegistry", "needs the broker's client credentials "
          + "(services.broker.pdp.clientId/clientSecret, a client with scope registry:read)");
    }
    StagingSettings staging = StagingSettings.from(node.node("staging"));
    Optional<UsageSettings> usage = node.has("usage") ? Optional.of(UsageSettings.from(node.node("usage"), publicRoot))
        : Optional.empty();
    if (usage.isPresent() && pdp.isEmpty()) {
      throw new ConfigException(node.path() + ".usage", "needs the broker's client credentials "
          + "(services.broker.pdp.clientId/clientSecret, a client with scope accounting:ingest)");
    }
    Optional<eu.panosc.broker.driver.ActivityAgent> activityAgent = activityAgent(node.node("activityAgent"),
        publicRoot);
    node.rejectUnknownKeys();
    return new BrokerSettings(new Rules(user, staff, proposal, startTimeout), clusters, flavours, images, datasets,
        pdp, interval, commands, ingresses, clusterRegistry, staging, usage, activityAgent);
  }

  /**
   * {@code activityAgent}: {@code enabled} (default true), {@code brokerUrl} (where session Pods reach the broker;
   * default {@code <public URL>/broker}), {@code interval} (default 60s, 1s to 1d).
   */
  private static Optional<eu.panosc.broker.driver.ActivityAgent> activityAgent(ConfigNode n, URI publicRoot) {
    boolean enabled = n.bool("enabled", true);
    URI url = n.optionalUri("brokerUrl", Set.of("http", "https")).orElseGet(() -> URI.create(publicRoot.toString()
        .replaceAll("/+$", "") + "/broker"));
    Duration every = positive(n, "interval", Duration.ofSeconds(60));
    var agent = guarded(n.path(), () -> new eu.panosc.broker.driver.ActivityAgent(url, every));
    n.rejectUnknownKeys();
    return enabled ? Optional.of(agent) : Optional.empty();
  }

  private static Limits limits(ConfigNode n, Limits fallback) {
    Limits l = new Limits(n.integer("maxActive", fallback.maxActive(), 0, 10_000),
        positive(n, "lifetime", fallback.lifetime()), positive(n, "inactivity", fallback.inactivity()));
    n.rejectUnknownKeys();
    return l;
  }

  private static Duration positive(ConfigNode node, String key, Duration fallback) {
    Duration d = node.duration(key, fallback);
    if (d.isNegative() || d.isZero()) {
      throw new ConfigException(node.path() + "." + key, "expected a positive duration such as "
          + fallback.toSeconds() + "s");
    }
    return d;
  }

  private static List<Cluster> clusters(ConfigNode n, Map<String, List<String>> commands,
      Map<String, eu.panosc.broker.driver.kubernetes.IngressSettings> ingresses, URI publicRoot) {
    List<Cluster> out = new ArrayList<>();
    for (String id : n.keys()) {
      ConfigNode c = n.node(id);
      checkName(n.path() + "." + id, id);
      Cluster.Kind kind = c.enumValue("kind", Cluster.Kind.class, Cluster.Kind.KUBERNETES);
      ConfigNode cap = c.node("capacity");
      Resources capacity = guarded(cap.path(), () -> new Resources(cap.integer("cpu", 0, 0, 10_000_000),
          cap.integer("memoryMi", 0, 0, 1_000_000_000), cap.integer("gpu", 0, 0, 100_000)));
      cap.rejectUnknownKeys();
      Map<String, Cluster.StorageMount> sites = new LinkedHashMap<>();
      ConfigNode s = c.node("storageSites");
      for (String site : s.keys()) {
        ConfigNode m = s.node(site);
        sites.put(site, new Cluster.StorageMount(m.string("claim", kind == Cluster.Kind.LOCAL ? "" : site),
            m.string("root", "/")));
        m.rejectUnknownKeys();
      }
      Map<String, String> labels = new LinkedHashMap<>();
      ConfigNode l = c.node("labels");
      for (String k : l.keys()) {
        labels.put(k, l.requiredString(k));
      }
      Optional<String> facility = c.optionalString("facility");
      int preference = c.integer("preference", 50, 0, 100);
      Optional<Cluster.KubernetesTarget> target = Optional.empty();
      if (kind == Cluster.Kind.KUBERNETES) {
        URI api = c.optionalUri("apiUrl", Set.of("http", "https")).orElseThrow(() -> new ConfigException(
            c.path() + ".apiUrl", "is required for a kubernetes cluster: the API server's URL"));
        target = Optional.of(new Cluster.KubernetesTarget(api.toString(), c.string("namespace", "panosc-sessions"),
            c.optionalString("tokenFile"), c.bool("trustCerts", false)));
        if (c.has("ingress")) {
          ingresses.put(id, ingress(c.node("ingress"), publicRoot));
        }
      } else {
        commands.put(id, c.stringList("command"));
      }
      c.rejectUnknownKeys();
      out.add(new Cluster(id, kind, facility, capacity, sites, labels, preference, target));
    }
    return out;
  }

  /**
   * A cluster's {@code ingress}: {@code host} (default: the broker's public host), {@code pathPrefix} (default
   * {@code /broker/s/}), {@code authUrl} (default {@code <public URL>/broker/v1/auth}), {@code className},
   * {@code tlsSecret}.
   */
  private static eu.panosc.broker.driver.kubernetes.IngressSettings ingress(ConfigNode n, URI publicRoot) {
    String root = publicRoot.toString().replaceAll("/+$", "");
    var settings = guarded(n.path(), () -> new eu.panosc.broker.driver.kubernetes.IngressSettings(
        n.string("host", publicRoot.getHost()), n.string("pathPrefix", "/broker/s/"),
        n.optionalUri("authUrl", Set.of("http", "https")).orElseGet(() -> URI.create(root + "/broker/v1/auth")),
        n.optionalString("className"), n.optionalString("tlsSecret")));
    n.rejectUnknownKeys();
    return settings;
  }

  private static void checkName(String key, String id) {
    if (!id.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
      throw new ConfigException(key, "a cluster, flavour or image id must be a DNS label (lower-case letters, digits "
          + "and '-', at most 63 characters)");
    }
  }

  private static <T> T guarded(String key, java.util.function.Supplier<T> make) {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, e.getMessage());
    }
  }

  private static Visibility visibility(ConfigNode v) {
    Visibility out = new Visibility(Set.copyOf(v.stringList("proposals")), Set.copyOf(v.stringList("facilities")),
        Set.copyOf(v.stringList("roles")));
    v.rejectUnknownKeys();
    return out;
  }

  private static List<Flavour> flavours(ConfigNode n) {
    List<Flavour> out = new ArrayList<>();
    for (String id : n.keys()) {
      ConfigNode f = n.node(id);
      checkName(n.path() + "." + id, id);
      Flavour flavour = guarded(f.path(), () -> new Flavour(id, f.string("title", id),
          new Resources(f.integer("cpu", 1, 1, 10_000), f.integer("memoryMi", 2048, 64, 100_000_000),
              f.integer("gpu", 0, 0, 1_000)), visibility(f.node("visibleTo")), f.integer("scratchGi", 0, 0, 100_000)));
      f.rejectUnknownKeys();
      out.add(flavour);
    }
    return out;
  }

  private static List<Image> images(ConfigNode n) {
    List<Image> out = new ArrayList<>();
    for (String id : n.keys()) {
      ConfigNode i = n.node(id);
      checkName(n.path() + "." + id, id);
      Image.Kind kind = i.enumValue("kind", Image.Kind.class, Image.Kind.JUPYTER);
      Image image = guarded(i.path(), () -> new Image(id, i.string("title", id), kind, i.requiredString("reference"),
          i.string("protocol", kind == Image.Kind.JUPYTER ? "http" : "guacamole"),
          i.integer("port", kind == Image.Kind.JUPYTER ? 8888 : 8080, 1, 65_535), visibility(i.node("visibleTo")),
          Set.copyOf(i.stringList("clusters"))));
      i.rejectUnknownKeys();
      out.add(image);
    }
    return out;
  }

  private static DatasetLocations datasets(ConfigNode n) {
    Map<String, DatasetLocations.Location> out = new LinkedHashMap<>();
    for (String pid : n.keys()) {
      ConfigNode d = n.node(pid);
      String sizeText = d.string("sizeBytes", "0");
      long size;
      try {
        size = Long.parseLong(sizeText);
      } catch (NumberFormatException e) {
        size = -1;
      }
      if (size < 0) {
        throw new ConfigException(d.path() + ".sizeBytes", "expected a number of bytes (0 or more)");
      }
      out.put(pid, new DatasetLocations.Location(d.requiredString("site"), d.string("path", "/"), size));
      d.rejectUnknownKeys();
    }
    return new DatasetLocations(out);
  }

  private static Optional<Pdp> pdp(ConfigNode n, URI issuer, URI publicRoot, boolean demo) {
    Set<String> schemes = Set.of("http", "https");
    String root = publicRoot.toString().replaceAll("/+$", "");
    URI evaluations = n.optionalUri("evaluationsEndpoint", schemes)
        .orElseGet(() -> URI.create(root + "/pdp/access/v1/evaluations"));
    URI token = n.optionalUri("tokenEndpoint", schemes)
        .orElseGet(() -> URI.create(issuer.toString().replaceAll("/+$", "") + "/token"));
    URI resolve = n.optionalUri("resolveEndpoint", schemes).orElseGet(() -> URI.create(root + "/aai/v1/resolve"));
    Optional<String> id = n.optionalString("clientId");
    Optional<String> secret = n.optionalString("clientSecret");
    Duration timeout = positive(n, "timeout", Duration.ofSeconds(3));
    n.rejectUnknownKeys();
    if (id.isPresent() != secret.isPresent()) {
      throw new ConfigException(n.path() + (id.isPresent() ? ".clientSecret" : ".clientId"),
          "set both clientId and clientSecret (a client with scope pdp:evaluate), or neither");
    }
    if (id.isEmpty() && demo) {
      id = Optional.of(DEMO_CLIENT);
      secret = Optional.of(DEMO_SECRET);
    }
    if (id.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Pdp(evaluations, token, resolve, id.get(), secret.orElseThrow(), timeout));
  }

  static Cluster demoCluster() {
    Map<String, Cluster.StorageMount> sites = new LinkedHashMap<>();
    for (Object o : DemoFederation.fixture().getJsonArray("datasets")) {
      sites.put(((JsonObject) o).getJsonObject("storage").getString("site"), new Cluster.StorageMount("", "/"));
    }
    return new Cluster("local", Cluster.Kind.LOCAL, Optional.empty(), new Resources(8, 16_384, 0), sites,
        Map.of("demo", "true"), 50, Optional.empty());
  }

  static List<Flavour> demoFlavours() {
    return List.of(new Flavour("small", "Small: 1 CPU, 2 GiB", new Resources(1, 2048, 0), Visibility.EVERYONE),
        new Flavour("medium", "Medium: 2 CPU, 4 GiB", new Resources(2, 4096, 0), Visibility.EVERYONE),
        new Flavour("staff-large", "Large for staff: 4 CPU, 8 GiB", new Resources(4, 8192, 0),
            new Visibility(Set.of(), Set.of(), Set.of("staff"))));
  }

  static List<Image> demoImages() {
    return List.of(new Image("jupyter", "JupyterLab (scientific Python)", Image.Kind.JUPYTER,
            "quay.io/jupyter/scipy-notebook:2025-03-17", "http", 8888, Visibility.EVERYONE, Set.of()),
        new Image("desktop", "Remote desktop (Xfce over Guacamole)", Image.Kind.DESKTOP,
            "ghcr.io/panosc-eu/remote-desktop:demo", "guacamole", 8080, Visibility.EVERYONE, Set.of()));
  }

  static DatasetLocations demoDatasets() {
    Map<String, DatasetLocations.Location> out = new LinkedHashMap<>();
    for (Object o : DemoFederation.fixture().getJsonArray("datasets")) {
      JsonObject d = (JsonObject) o;
      JsonObject st = d.getJsonObject("storage");
      out.put(d.getString("pid"), new DatasetLocations.Location(st.getString("site"), st.getString("path"),
          d.getLong("sizeBytes", 0L)));
    }
    return new DatasetLocations(out);
  }
}
