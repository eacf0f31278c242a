package eu.panosc.broker.driver.kubernetes;

import eu.panosc.broker.driver.LaunchSpec;
import eu.panosc.broker.driver.Observation;
import eu.panosc.broker.driver.SessionDriver;
import eu.panosc.broker.model.Cluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Runs sessions on a Kubernetes cluster through Fabric8, sharing the service's Vert.x instance
 * ({@link Vertx5HttpClientFactory}). Start creates the Pod if absent, then creates or updates its Secret and Service
 * and creates its scratch volume claim if the flavour has one (all owned by the Pod), one asynchronous POST each
 * ({@link Creates}); the session is READY only when the Pod's {@code Ready} condition is true. Fabric8's DSL calls
 * block, so they run on worker threads. {@link #watch} follows the session pods with an informer, whose cache
 * {@link #observe} reads while it watches.
 */
public final class KubernetesDriver implements SessionDriver {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KubernetesDriver.class);
  private final Vertx vertx;
  private volatile SharedIndexInformer<Pod> informer;
  private final KubernetesClient client;
  private final String namespace;
  /** Upstreams of sessions the proxy reached (Service and secret read once), forgotten when the session stops. */
  private final java.util.Map<String, eu.panosc.broker.driver.Upstream> upstreams =
      new java.util.concurrent.ConcurrentHashMap<>();

  public KubernetesDriver(Vertx vertx, KubernetesClient client, String namespace) {
    this(vertx, client, namespace, java.util.Optional.empty());
  }

  /** With {@code ingress}: every session also gets an Ingress with the broker's forward-auth. */
  public KubernetesDriver(Vertx vertx, KubernetesClient client, String namespace,
      java.util.Optional<IngressSettings> ingress) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.client = Objects.requireNonNull(client, "client");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.ingress = Objects.requireNonNull(ingress, "ingress");
    this.creates = new Creates(vertx, client, new Creates.Blocking() {
      @Override
      public <T> Future<T> run(Callable<T> work) {
        return blocking(work);
      }
    });
  }

  /** The POSTs of a start (see {@link #start}). */
  private final Creates creates;
  /**
   * The creation of the agent's script's ConfigMap in this driver's namespace: in flight or made (then later starts
   * skip the call); null when not asked yet, or forgotten after a failed start (so the next start makes it again,
   * should it have vanished).
   */
  private final java.util.concurrent.atomic.AtomicReference<Future<Void>> agentScript =
      new java.util.concurrent.atomic.AtomicReference<>();

  private final java.util.Optional<IngressSettings> ingress;
  /** The activity agent every new session Pod runs as a sidecar; empty: none. */
  private volatile java.util.Optional<eu.panosc.broker.driver.ActivityAgent> agent = java.util.Optional.empty();

  /**
   * With {@code agent}: every Pod this driver creates from now on runs the activity agent as a sidecar container
   * ({@link SessionObjects#agentContainer}), its script in the namespace's ConfigMap
   * ({@link SessionObjects#agentScript}, made before the first such Pod). Returns this driver.
   */
  public KubernetesDriver activityAgent(java.util.Optional<eu.panosc.broker.driver.ActivityAgent> agent) {
    this.agent = Objects.requireNonNull(agent, "agent");
    return this;
  }

  /** A driver for {@code target}, its client speaking through {@code vertx}. */
  public static KubernetesDriver connect(Vertx vertx, Cluster.KubernetesTarget target) {
    return connect(vertx, target, java.util.Optional.empty());
  }

  /** A driver for {@code target} that also creates each session's Ingress when {@code ingress} is given. */
  public static KubernetesDriver connect(Vertx vertx, Cluster.KubernetesTarget target,
      java.util.Optional<IngressSettings> ingress) {
    ConfigBuilder config = new ConfigBuilder(Config.empty()).withMasterUrl(target.apiUrl())
        .withNamespace(target.namespace()).withTrustCerts(target.trustCerts()).withConnectionTimeout(3_000)
        .withRequestTimeout(5_000).withRequestRetryBackoffLimit(0);
    target.tokenFile().ifPresent(f -> {
      try {
        config.withOauthToken(Files.readString(Path.of(f)).strip());
      } catch (java.io.IOException e) {
        throw new IllegalStateException("cannot read the cluster token file " + f + ": " + e.getMessage(), e);
      }
    });
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config.build())
        .withHttpClientFactory(SpreadHttpClientFactory.of(vertx)).build();
    return new KubernetesDriver(vertx, client, target.namespace(), ingress);
  }

  /**
   * A driver for {@code target} presenting {@code token} (a cluster from the federation-registry, its
   * {@code credentialsRef} resolved by the broker), its client speaking through {@code vertx}.
   */
  public static KubernetesDriver connect(Vertx vertx, Cluster.KubernetesTarget target, String token) {
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl(target.apiUrl())
        .withNamespace(target.namespace()).withTrustCerts(target.trustCerts()).withConnectionTimeout(3_000)
        .withRequestTimeout(5_000).withRequestRetryBackoffLimit(0).withOauthToken(token).build();
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config)
        .withHttpClientFactory(SpreadHttpClientFactory.of(vertx)).build();
    return new KubernetesDriver(vertx, client, target.namespace());
  }

  /** The client (shared with staging on the same cluster). */
  public KubernetesClient client() {
    return client;
  }

  public String namespace() {
    return namespace;
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }

  /**
   * Starts the session: with the activity agent, first makes sure the namespace has the agent's script's ConfigMap
   * ({@link #agentScript()}); then creates its Pod, then its Secret, Service, Ingress (when configured) and scratch
   * claim (when the flavour has one), each owned by the Pod, in that order. A new session's objects do not exist, so
   * each is POSTed without asking first, asynchronously through the client's HTTP client (no worker thread held, no
   * copy of the object, and only the Pod's answer read, for its uid, which the others' owner references need): a create
   * costs one API call per object. An object that exists (409: a start repeated after a restart) is handled as before
   * through Fabric8 on a worker: the Pod is read (Pods are immutable in most fields: created once, never updated), the
   * Secret, Service and Ingress are updated, the claim kept (a bound claim's size does not change).
   */
  @Override
  public Future<Void> start(LaunchSpec spec) {
    var withAgent = agent;
    // where the session is served (the agent finds a Jupyter image's API there): the Ingress's path or the proxy's
    String basePath = ingress.map(i -> i.path(spec.session().id())).orElse("/broker/s/" + spec.session().id() + "/");
    String name = SessionObjects.name(spec.session().id());
    Pod desired;
    try {
      desired = SessionObjects.pod(spec, namespace, withAgent, basePath);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    // before the Pod: a Pod whose ConfigMap volume is missing would wait in ContainerCreating
    Future<Void> script = withAgent.isPresent() ? agentScript() : Future.succeededFuture();
    Future<Pod> pod = script.compose(x -> creates.create(desired)).compose(answer -> answer != null
        ? Future.succeededFuture(SessionObjects.owner(name, answer.getJsonObject("metadata", new JsonObject())
            .getString("uid")))
        : blocking(() -> {
          Pod existing = client.pods().inNamespace(namespace).withName(name).get();
          if (existing == null) {
            throw new IllegalStateException("the session's pod " + name + " exists and vanished while it was read");
          }
          return existing;
        }));
    return pod.compose(owner -> {
      Future<Void> secret;
      if (spec.secret().isPresent()) {
        Secret s = SessionObjects.secret(spec, namespace, spec.secret().get(), owner);
        secret = creates.createOrUpdate(s, () -> client.secrets().inNamespace(namespace).resource(s).unlock()
            .createOr(NonDeletingOperation::update));
      } else {
        secret = blocking(() -> {
          if (client.secrets().inNamespace(namespace).withName(name).get() == null) {
            throw new IllegalStateException("the session's access secret did not reach the cluster before the broker "
                + "restarted");
          }
          return null;
        });
      }
      return secret.compose(x -> {
        var service = SessionObjects.service(spec, namespace, owner);
        return creates.createOrUpdate(service, () -> client.services().inNamespace(namespace).resource(service)
            .unlock().createOr(NonDeletingOperation::update));
      }).compose(x -> {
        if (ingress.isEmpty()) {
          return Future.succeededFuture();
        }
        var in = SessionObjects.ingress(spec, namespace, owner, ingress.get());
        return creates.createOrUpdate(in, () -> client.network().v1().ingresses().inNamespace(namespace).resource(in)
            .unlock().createOr(NonDeletingOperation::update));
      }).compose(x -> spec.flavour().scratchGi() <= 0 ? Future.<Void>succeededFuture()
          // a claim's size is not changed once bound: created once (one that exists answers 409 and is kept)
          : creates.create(SessionObjects.scratch(spec, namespace, owner)).<Void>mapEmpty());
    }).onFailure(e -> agentScript.compareAndSet(script, null)); // asked again by the next start
  }

  /**
   * Makes sure this driver's namespace has the activity agent's script's ConfigMap ({@link
   * SessionObjects#agentScript}): one POST, the first time only (later calls get the same future, so concurrent first
   * starts share one POST); one that exists (409: another replica or an earlier run made it; its name is the script's
   * hash, and it is immutable) is as good. A failure names the ConfigMap and the namespace, and is forgotten, so the
   * next start tries again.
   */
  Future<Void> agentScript() {
    while (true) {
      Future<Void> known = agentScript.get();
      if (known != null) {
        return known;
      }
      io.vertx.core.Promise<Void> made = io.vertx.core.Promise.promise();
      if (agentScript.compareAndSet(null, made.future())) {
        String name;
        io.fabric8.kubernetes.api.model.ConfigMap configMap;
        try {
          name = SessionObjects.agentScriptName();
          configMap = SessionObjects.agentScript(namespace);
        } catch (RuntimeException e) {
          agentScript.compareAndSet(made.future(), null);
          made.fail(e);
          return made.future();
        }
        creates.createIfAbsent(configMap).onComplete(ar -> {
          if (ar.succeeded()) {
            made.complete();
            return;
          }
          agentScript.compareAndSet(made.future(), null);
          Throwable e = ar.cause();
          made.fail(new KubernetesClientException("the activity agent's ConfigMap " + name + " in namespace "
              + namespace + " was not created: " + e.getMessage(), e,
              e instanceof KubernetesClientException k ? k.getCode() : 0, null, null));
        });
        return made.future();
      }
    }
  }

  /**
   * What the session's Pod says. While this driver's informer ({@link #watch}) is watching and holds the Pod, from its
   * cache (the informer tells every later change anyway): the step after each start, and the reconciler's pass over
   * every starting or running session, then cost no API call. Otherwise (no informer, not watching, or a Pod it does
   * not hold, which may simply not have reached it yet) the Pod is read from the API server, so a Pod is only ever
   * found absent by asking.
   */
  @Override
  public Future<Observation> observe(String sessionId) {
    String name = SessionObjects.name(sessionId);
    SharedIndexInformer<Pod> i = informer;
    if (i != null && i.isWatching()) {
      Pod cached = i.getStore().getByKey(namespace + "/" + name);
      if (cached != null) {
        return Future.succeededFuture(observation(cached, sessionId, namespace));
      }
    }
    return blocking(() -> observation(client.pods().inNamespace(namespace).withName(name).get(), sessionId,
        namespace));
  }

  /** What {@code pod} (null: none) says about its session. */
  static Observation observation(Pod pod, String sessionId, String namespace) {
    if (pod == null || pod.getMetadata().getDeletionTimestamp() != null) {
      return Observation.absent();
    }
    var status = pod.getStatus();
    if (status != null && ("Failed".equals(status.getPhase()) || "Succeeded".equals(status.getPhase()))) {
      return Observation.failed("the session's pod " + status.getPhase().toLowerCase(java.util.Locale.ROOT)
          + (status.getReason() == null ? "" : ": " + status.getReason()));
    }
    boolean ready = status != null && status.getConditions() != null && status.getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    if (!ready) {
      return Observation.starting();
    }
    int port = pod.getSpec().getContainers().get(0).getPorts().get(0).getContainerPort();
    return Observation.ready(SessionObjects.url(sessionId, namespace, port));
  }

  /**
   * Watches this cluster's session pods with one Fabric8 informer (list, then watch, through the same client and so the
   * service's Vert.x): {@code listener} gets the session's id and what its pod says whenever a session pod is added,
   * changes or is deleted ({@link Observation#absent()}). When the cluster stops answering the informer keeps trying
   * (Fabric8's reconnect backoff); once a check ({@link #LAPSE_CHECK}) finds it not watching, the pods are listed as
   * soon as the cluster answers again and compared with the informer's cache, so what changed meanwhile (a pod
   * deleted) is told even when the resumed watch does not replay it. Other clusters'
   * informers are separate. Stopped by {@link #close()}. The listener runs on the informer's or a worker thread.
   */
  public synchronized void watch(java.util.function.BiConsumer<String, Observation> listener) {
    Objects.requireNonNull(listener, "listener");
    if (informer != null) {
      throw new IllegalStateException("this driver already watches its pods");
    }
    informer = client.pods().inNamespace(namespace).withLabel(SessionObjects.MANAGED_BY, SessionObjects.MANAGER)
        .runnableInformer(0);
    informer.exceptionHandler((started, e) -> {
      LOG.warn("pods of {} not watched ({}); trying again", client.getMasterUrl(), e.getMessage());
      return true;
    });
    informer.addEventHandler(new ResourceEventHandler<Pod>() {
      @Override
      public void onAdd(Pod pod) {
        tell(pod, false);
      }

      @Override
      public void onUpdate(Pod before, Pod pod) {
        tell(pod, false);
      }

      @Override
      public void onDelete(Pod pod, boolean finalStateUnknown) {
        tell(pod, true);
      }

      private void tell(Pod pod, boolean deleted) {
        String id = sessionOf(pod);
        if (id == null) {
          return;
        }
        try {
          listener.accept(id, deleted ? Observation.absent() : observation(pod, id, namespace));
        } catch (RuntimeException e) {
          LOG.warn("session {}: its pod's change was not applied ({})", id, e.getMessage());
        }
      }
    });
    informer.start().whenComplete((x, e) -> {
      if (e != null) {
        LOG.warn("the pod informer of {} stopped: {}", client.getMasterUrl(), e.getMessage());
      }
    });
    this.listener = listener;
    // a watch resumed after an outage may not replay what happened meanwhile (an API server restored, a proxy that
    // cut the stream): while the informer does not watch, the pods are listed (once the cluster answers) and compared
    // with its cache
    lapseTimer = vertx.setPeriodic(LAPSE_CHECK.toMillis(), t -> {
      if (!watching()) {
        relistOwed = true;
      }
      // owed until a list succeeds: one tried while the cluster was still down is tried again, watching or not
      if (relistOwed && !relisting) {
        relisting = true;
        relistOwed = false;
        relist().onComplete(ar -> {
          relisting = false;
          if (ar.failed()) {
            relistOwed = true;
          }
        });
      }
    });
  }

  private volatile boolean relistOwed;
  private volatile Set<String> lastGone = Set.of();

  /** How often the informer's watch is checked for a lapse. */
  static final java.time.Duration LAPSE_CHECK = java.time.Duration.ofSeconds(1);
  private java.util.function.BiConsumer<String, Observation> listener;
  private volatile boolean relisting;
  private long lapseTimer = -1;

  /**
   * Lists the session pods and tells the listener what each says, and that each pod the informer still holds but the
   * cluster no longer has is gone.
   */
  private Future<Void> relist() {
    SharedIndexInformer<Pod> i;
    java.util.function.BiConsumer<String, Observation> l;
    synchronized (this) {
      i = informer;
      l = listener;
    }
    return blocking(() -> {
      Set<String> listed = new LinkedHashSet<>();
      // fails while the cluster does not answer: tried again at the next check
      for (Pod p : client.pods().inNamespace(namespace).withLabel(SessionObjects.MANAGED_BY, SessionObjects.MANAGER)
          .list().getItems()) {
        String id = sessionOf(p);
        if (id != null) {
          listed.add(id);
          l.accept(id, observation(p, id, namespace));
        }
      }
      Set<String> gone = new LinkedHashSet<>();
      for (Pod p : i.getStore().list()) {
        String id = sessionOf(p);
        if (id != null && !listed.contains(id)) {
          gone.add(id);
          l.accept(id, Observation.absent());
        }
      }
      if (!gone.equals(lastGone)) { // said once, not at every check of a long lapse
        LOG.info("pods of {} listed while not watched: {} listed, {} gone meanwhile", client.getMasterUrl(),
            listed.size(), gone.size());
      }
      lastGone = gone;
      return null;
    });
  }

  private static String sessionOf(Pod pod) {
    var labels = pod.getMetadata().getLabels();
    return labels == null ? null : labels.get(SessionObjects.SESSION);
  }

  /** Whether this driver's pod informer is watching (false while its cluster does not answer); for tests. */
  public synchronized boolean watching() {
    return informer != null && informer.isWatching();
  }

  /**
   * The session's Service (in-cluster DNS name and port) and its access secret read from its Secret; remembered until
   * the session stops. The broker must run where the cluster's Service names resolve (in the cluster), else the
   * Ingress with forward-auth is the way in.
   */
  @Override
  public Future<java.util.Optional<eu.panosc.broker.driver.Upstream>> upstream(String sessionId) {
    var known = upstreams.get(sessionId);
    if (known != null) {
      return Future.succeededFuture(java.util.Optional.of(known));
    }
    return blocking(() -> {
      String name = SessionObjects.name(sessionId);
      var service = client.services().inNamespace(namespace).withName(name).get();
      Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
      if (service == null || secret == null || secret.getData() == null
          || !secret.getData().containsKey(SessionObjects.SECRET_KEY)) {
        return java.util.Optional.<eu.panosc.broker.driver.Upstream>empty();
      }
      String value = new String(java.util.Base64.getDecoder().decode(secret.getData().get(SessionObjects.SECRET_KEY)),
          java.nio.charset.StandardCharsets.UTF_8);
      var up = eu.panosc.broker.driver.Upstream.bearer(name + "." + namespace + ".svc",
          service.getSpec().getPorts().get(0).getPort(), value);
      upstreams.put(sessionId, up);
      return java.util.Optional.of(up);
    });
  }

  @Override
  public Future<Void> stop(String sessionId) {
    upstreams.remove(sessionId);
    return blocking(() -> {
      String name = SessionObjects.name(sessionId);
      // the Secret and Service are owned by the Pod; deleted explicitly too, as a cluster without a garbage
      // collector (or a Pod already gone) would keep them
      client.pods().inNamespace(namespace).withName(name).delete();
      client.secrets().inNamespace(namespace).withName(name).delete();
      client.services().inNamespace(namespace).withName(name).delete();
      if (ingress.isPresent()) {
        client.network().v1().ingresses().inNamespace(namespace).withName(name).delete();
      }
      client.persistentVolumeClaims().inNamespace(namespace).withName(SessionObjects.scratchName(sessionId)).delete();
      return null;
    });
  }

  @Override
  public Future<Set<String>> sessions() {
    return blocking(() -> {
      Set<String> ids = new LinkedHashSet<>();
      client.pods().inNamespace(namespace).withLabel(SessionObjects.MANAGED_BY, SessionObjects.MANAGER).list()
          .getItems().forEach(p -> {
            String id = p.getMetadata().getLabels().get(SessionObjects.SESSION);
            if (id != null) {
              ids.add(id);
            }
          });
      return ids;
    });
  }

  @Override
  public Future<Void> probe() {
    return blocking(() -> {
      try {
        client.pods().inNamespace(namespace).withLabel(SessionObjects.MANAGED_BY, SessionObjects.MANAGER).list();
        return null;
      } catch (KubernetesClientException e) {
        throw new IllegalStateException("the API server " + client.getMasterUrl() + " does not answer"
            + (e.getCode() > 0 ? " (HTTP " + e.getCode() + ")" : ""), e);
      }
    });
  }

  @Override
  public Future<Void> close() {
    SharedIndexInformer<Pod> i;
    synchronized (this) {
      i = informer;
      if (lapseTimer >= 0) {
        vertx.cancelTimer(lapseTimer);
        lapseTimer = -1;
      }
    }
    return blocking(() -> {
      if (i != null) {
        i.stop();
      }
      client.close();
      return null;
    });
  }
}
