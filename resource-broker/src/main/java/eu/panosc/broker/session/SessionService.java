package eu.panosc.broker.session;

import eu.panosc.broker.clusters.ClusterDirectory;
import eu.panosc.broker.driver.LaunchSpec;
import eu.panosc.broker.driver.SessionDriver;
import eu.panosc.broker.model.Caller;
import eu.panosc.broker.model.Cluster;
import eu.panosc.broker.model.Flavour;
import eu.panosc.broker.model.Image;
import eu.panosc.broker.model.Limits;
import eu.panosc.broker.model.Quota;
import eu.panosc.broker.model.QuotaExceededException;
import eu.panosc.broker.model.Session;
import eu.panosc.broker.model.SessionState;
import eu.panosc.broker.placement.ClusterState;
import eu.panosc.broker.placement.PlacementRequest;
import eu.panosc.broker.placement.Placer;
import eu.panosc.broker.staging.Staging;
import eu.panosc.broker.staging.StagingJob;
import eu.panosc.broker.staging.StagingProgress;
import eu.panosc.broker.store.BrokerStore;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions: what a user may use, creating one (visibility, the PDP's {@code analyse} check on every dataset, quota,
 * placement, start), listing, stopping, and {@link #advance} — one step of a session's lifecycle toward the truth
 * its cluster reports, which the reconciler runs for every active session.
 */
public final class SessionService {
  private static final Logger LOG = LoggerFactory.getLogger(SessionService.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private final BrokerStore store;
  private final Placer placer;
  private final ClusterDirectory directory;
  private final AccessCheck access;
  private final DatasetLocations locations;
  private final Rules rules;
  private final Clock clock;
  private final ClusterWatch watch;
  /** Access secrets of sessions not yet started on their cluster (never stored). */
  private final Map<String, String> pendingSecrets = new ConcurrentHashMap<>();
  /** Sessions this process has started (so an absent pod afterwards means it vanished). */
  private final Set<String> started = ConcurrentHashMap.newKeySet();
  /** Sessions whose start is in flight in this process (the reconciler leaves them to it). */
  private final Set<String> starting = ConcurrentHashMap.newKeySet();
  /** Data staging for clusters that cannot mount a session's datasets; empty: such datasets are not provided. */
  private volatile Optional<Staging> staging = Optional.empty();
  private volatile Optional<IdleLimits> idleLimits = Optional.empty();
  /** How long a create owns its PENDING or PLACING session before the reconciler takes it over. */
  static final java.time.Duration CREATE_GRACE = java.time.Duration.ofSeconds(30);

  public SessionService(BrokerStore store, Placer placer, List<Cluster> clusters, Map<String, SessionDriver> drivers,
      AccessCheck access, DatasetLocations locations, Rules rules, Clock clock) {
    this(store, placer, ClusterDirectory.of(clusters, drivers), access, locations, rules, clock);
  }

  /** With a live {@code directory}: clusters from the federation-registry come and go while the broker runs. */
  public SessionService(BrokerStore store, Placer placer, ClusterDirectory directory, AccessCheck access,
      DatasetLocations locations, Rules rules, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.placer = Objects.requireNonNull(placer, "placer");
    this.directory = Objects.requireNonNull(directory, "directory");
    this.access = Objects.requireNonNull(access, "access");
    this.locations = Objects.requireNonNull(locations, "locations");
    this.rules = Objects.requireNonNull(rules, "rules");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.watch = new ClusterWatch(store, directory);
  }

  /** Records each new session's inactivity limit for the idle culler; call before use. */
  public SessionService idleLimits(IdleLimits limits) {
    this.idleLimits = Optional.of(limits);
    return this;
  }

  /** Stages data (state STAGING) when the chosen cluster cannot mount a session's datasets; call before use. */
  public SessionService staging(Staging s) {
    this.staging = Optional.of(s);
    return this;
  }

  public Future<List<Flavour>> flavours(Caller caller) {
    return store.flavours().map(all -> all.stream().filter(f -> f.visibility().allows(caller)).toList());
  }

  public Future<List<Image>> images(Caller caller) {
    return store.images().map(all -> all.stream().filter(i -> i.visibility().allows(caller)).toList());
  }

  public Limits limits(Caller caller) {
    return caller.staff() ? rules.staff() : rules.user();
  }

  /** Creates a session, places it and starts it in the background; answers once it is placed (or failed to be). */
  public Future<Created> create(Caller caller, NewSession request) {
    return catalogue(caller, request).compose(chosen -> {
      if (request.proposal().isPresent() && !caller.admin() && !caller.proposals().contains(request.proposal().get())) {
        return Future.failedFuture(new BrokerException(BrokerException.Kind.FORBIDDEN, request.proposal().get(),
            "Your token does not show you as a member of proposal " + request.proposal().get()
                + " (its eduperson_entitlement claim), so a session cannot be charged to it."));
      }
      Future<Optional<AccessCheck.Denial>> denied = request.datasets().isEmpty()
          ? Future.succeededFuture(Optional.empty()) : access.firstDenied(caller, request.datasets());
      return denied.recover(e -> Future.failedFuture(new BrokerException(BrokerException.Kind.UNAVAILABLE, null,
          "The policy decision point could not be asked whether you may analyse these datasets ("
              + e.getMessage() + "); try again later."))).compose(d -> {
                if (d.isPresent()) {
                  return Future.failedFuture(new BrokerException(BrokerException.Kind.FORBIDDEN, d.get().dataset(),
                      "You may not analyse dataset " + d.get().dataset()
                          + (d.get().reason().isBlank() ? "." : ": " + d.get().reason())));
                }
                return insert(caller, request, chosen);
              });
    });
  }

  private record Chosen(Image image, Flavour flavour) {}

  private Future<Chosen> catalogue(Caller caller, NewSession request) {
    return images(caller).compose(images -> flavours(caller).compose(flavours -> {
      Optional<Image> image = images.stream().filter(i -> i.id().equals(request.image())).findFirst();
      if (image.isEmpty()) {
        return Future.failedFuture(BrokerException.invalid("image", "unknown image '" + request.image()
            + "'; GET /broker/v1/images lists the ones you may use"));
      }
      Optional<Flavour> flavour = flavours.stream().filter(f -> f.id().equals(request.flavour())).findFirst();
      if (flavour.isEmpty()) {
        return Future.failedFuture(BrokerException.invalid("flavour", "unknown flavour '" + request.flavour()
            + "'; GET /broker/v1/flavours lists the ones you may use"));
      }
      return Future.succeededFuture(new Chosen(image.get(), flavour.get()));
    }));
  }

  private Future<Created> insert(Caller caller, NewSession request, Chosen chosen) {
    Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    String id = newId();
    String secret = newSecret();
    Limits limits = limits(caller);
    Session session = new Session(id, caller.user(), request.proposal(), request.datasets(), chosen.flavour().id(),
        chosen.image().id(), chosen.flavour().resources(), Optional.empty(), SessionState.PLACING, Optional.empty(),
        Optional.empty(), Optional.empty(), sha256(secret), now, now, now.plus(limits.lifetime()), now);
    Quota quota = new Quota(limits.maxActive(), rules.proposalQuota());
    return store.create(session, quota).recover(e -> Future.failedFuture(e instanceof QuotaExceededException q
        ? new BrokerException(BrokerException.Kind.QUOTA, q.limit(), q.getMessage()) : e))
        .compose(s -> idleLimits.map(l -> l.register(id, limits.inactivity(), now).recover(e -> {
          LOG.warn("session {}: its inactivity limit was not recorded ({}); the culler uses the users' default", id,
              e.getMessage());
          return Future.succeededFuture();
        })).orElseGet(Future::succeededFuture).map(s))
        .compose(s -> {
          pendingSecrets.put(id, secret);
          // inserted PLACING (one round trip less than PENDING then PLACING), placed from what was inserted
          return placeFrom(s, chosen);
        })
        .map(s -> {
          if (s.state() == SessionState.STARTING) {
            startAndObserve(s).onFailure(e -> LOG.warn("session {}: start failed: {}", id, e.getMessage()));
          } else if (s.state() == SessionState.STAGING) {
            beginStaging(s).onFailure(e -> LOG.warn("session {}: staging failed: {}", id, e.getMessage()));
          } else {
            pendingSecrets.remove(id);
          }
          return new Created(s, secret);
        });
  }

  /** PLACING, then STARTING on the chosen cluster, or FAILED when none can run it. */
  private Future<Session> place(String id, Chosen chosen, Set<String> avoid) {
    return store.update(id, s -> s.withState(SessionState.PLACING, clock.instant()))
        .compose(s -> placeOnce(id, chosen, avoid, 1))
        .compose(s -> placed(id, s));
  }

  /** A session just created PLACING: placed without reading it again. */
  private Future<Session> placeFrom(Session created, Chosen chosen) {
    return store.usedByCluster().compose(used -> placeAgainst(created, chosen, Set.of(), 1, used))
        .compose(s -> placed(created.id(), s));
  }

  private Future<Session> placed(String id, Session s) {
    return (s.state() == SessionState.STARTING ? routeStaging(s) : Future.succeededFuture(s))
        .onSuccess(x -> LOG.info("session {}: {} {}", id, x.state(), x.placement().orElse("")));
  }

  /** How often a placement is tried again when a concurrent placement took the chosen cluster's capacity first. */
  static final int PLACEMENT_ATTEMPTS = 5;

  /**
   * Chooses a cluster from what is active now and reserves the session's resources there atomically
   * ({@link BrokerStore#reserve}); when a concurrent placement filled the cluster meanwhile, chooses again from the
   * new truth.
   */
  private Future<Session> placeOnce(String id, Chosen chosen, Set<String> avoid, int attempt) {
    // the session and the clusters' use, not every active session: a create's cost must not grow with them
    return store.get(id).map(Optional::orElseThrow).compose(session -> !session.state().active()
        ? Future.succeededFuture(session) // stopped meanwhile
        : store.usedByCluster().compose(used -> placeAgainst(session, chosen, avoid, attempt, used)));
  }

  private Future<Session> placeAgainst(Session session, Chosen chosen, Set<String> avoid, int attempt,
      java.util.Map<String, eu.panosc.broker.model.Resources> used) {
    String id = session.id();
    PlacementRequest request = new PlacementRequest(chosen.flavour(), chosen.image(), sites(session.datasets()));
    var p = placer.place(request, watch.states(used, avoid));
    Instant now = clock.instant();
    if (p.cluster().isEmpty()) {
      return store.update(id, s -> s.unplaceable(p.reason(), now)).map(Optional::orElseThrow);
    }
    String cluster = p.cluster().get();
    var capacity = directory.cluster(cluster).map(Cluster::capacity).orElse(eu.panosc.broker.model.Resources.NONE);
    return store.reserve(id, cluster, capacity, s -> s.placed(cluster, p.reason(), now)).compose(placed -> {
      if (placed.isPresent()) {
        return Future.succeededFuture(placed.get());
      }
      if (attempt >= PLACEMENT_ATTEMPTS) {
        return store.update(id, s -> s.unplaceable("no cluster had room for the session after " + attempt
            + " attempts (concurrent placements took the capacity first); last choice: " + p.reason(), now))
            .map(Optional::orElseThrow);
      }
      LOG.info("session {}: {} filled up meanwhile; placing it again", id, cluster);
      return placeOnce(id, chosen, avoid, attempt + 1);
    });
  }

  private Set<String> sites(List<String> datasets) {
    Set<String> sites = new LinkedHashSet<>();
    datasets.forEach(d -> locations.locate(d).ifPresent(l -> sites.add(l.site())));
    return sites;
  }

  private Future<Session> startAndObserve(Session s) {
    if (!starting.add(s.id())) {
      return Future.succeededFuture(s);
    }
    return start(s, new LinkedHashSet<>()).andThen(x -> starting.remove(s.id()))
        .compose(x -> advance(s.id())).map(o -> o.orElse(s));
  }

  /**
   * Starts a STARTING session on its cluster. When the cluster does not answer it is marked unhealthy and the
   * session placed again elsewhere (or FAILED with the reason).
   */
  private Future<Session> start(Session s, Set<String> avoided) {
    String clusterId = s.cluster().orElseThrow();
    SessionDriver driver = directory.driver(clusterId);
    return launchSpec(s).compose(spec -> driver.start(spec)).map(x -> {
      started.add(s.id());
      pendingSecrets.remove(s.id());
      return s;
    }).recover(e -> driver.probe().transform(probe -> {
      if (probe.succeeded()) {
        pendingSecrets.remove(s.id());
        return failIfActive(s.id(), "starting on " + clusterId + " failed: " + e.getMessage());
      }
      String why = probe.cause().getMessage();
      watch.markUnhealthy(clusterId, why);
      avoided.add(clusterId);
      LOG.warn("session {}: cluster {} does not answer ({}); placing it again", s.id(), clusterId, why);
      return catalogueOf(s).compose(chosen -> place(s.id(), chosen, avoided)).compose(next -> {
        if (next.state() == SessionState.STAGING) {
          return beginStaging(next);
        }
        if (next.state() != SessionState.STARTING) {
          pendingSecrets.remove(s.id());
          String reason = "cluster " + clusterId + " does not answer (" + why + "), and " + next.placement().orElse("");
          return store.update(s.id(), x -> x.failed(reason, clock.instant())).map(o -> o.orElse(next));
        }
        return start(next, avoided);
      });
    }));
  }

  private Future<Chosen> catalogueOf(Session s) {
    return store.images().compose(images -> store.flavours().compose(flavours -> {
      Optional<Image> image = images.stream().filter(i -> i.id().equals(s.image())).findFirst();
      Optional<Flavour> flavour = flavours.stream().filter(f -> f.id().equals(s.flavour())).findFirst();
      if (image.isEmpty() || flavour.isEmpty()) {
        return Future.failedFuture(new IllegalStateException("image " + s.image() + " or flavour " + s.flavour()
            + " was removed from the catalogue"));
      }
      // the session keeps the resources it was created with
      Flavour f = flavour.get();
      return Future.succeededFuture(new Chosen(image.get(), new Flavour(f.id(), f.title(), s.resources(), f.visibility(),
          f.scratchGi())));
    }));
  }

  private Future<LaunchSpec> launchSpec(Session s) {
    Optional<Cluster> known = directory.cluster(s.cluster().orElseThrow());
    if (known.isEmpty()) {
      return Future.failedFuture(new IllegalStateException("cluster " + s.cluster().get() + " is no longer registered"));
    }
    Cluster cluster = known.get();
    return catalogueOf(s).map(chosen -> {
      List<LaunchSpec.DataMount> mounts = new ArrayList<>();
      int n = 0;
      for (String pid : s.datasets()) {
        n++;
        Optional<DatasetLocations.Location> at = locations.locate(pid);
        if (at.isPresent() && cluster.storageSites().containsKey(at.get().site())) {
          Cluster.StorageMount m = cluster.storageSites().get(at.get().site());
          String sub = relative(m.root(), at.get().path());
          mounts.add(new LaunchSpec.DataMount(pid, m.claim(), sub, "/data/" + n));
        } else if (at.isPresent() && stages(cluster, at.get())) {
          // copied by staging into the session's scratch claim; mounted read-only like a site's data
          mounts.add(new LaunchSpec.DataMount(pid, Staging.claim(s.id()), StagingJob.subPath(n), "/data/" + n));
        }
      }
      return new LaunchSpec(s, chosen.image(), chosen.flavour(), Optional.ofNullable(pendingSecrets.get(s.id())),
          mounts);
    });
  }

  private static String relative(String root, String path) {
    String r = root.endsWith("/") ? root : root + "/";
    String p = path.startsWith(r) ? path.substring(r.length()) : path.replaceFirst("^/+", "");
    return p.replaceAll("/+$", "");
  }

  private Future<Session> failIfActive(String id, String reason) {
    return store.update(id, s -> s.state().active() ? s.failed(reason, clock.instant()) : s)
        .map(o -> o.orElseThrow());
  }

  public Future<Session> get(Caller caller, String id) {
    return store.get(id).compose(s -> {
      if (s.isEmpty() || !(caller.admin() || s.get().owner().equals(caller.user()))) {
        // another user's session is as unknown as a missing one
        return Future.failedFuture(BrokerException.notFound("There is no session " + id + " of yours."));
      }
      return Future.succeededFuture(s.get());
    });
  }

  /** The caller's sessions; every session for an administrator. */
  public Future<List<Session>> list(Caller caller) {
    return store.list(caller.admin() ? Optional.empty() : Optional.of(caller.user()));
  }

  /** Stops a session: STOPPING, then STOPPED once its cluster removed it (the reconciler retries otherwise). */
  public Future<Session> stop(Caller caller, String id) {
    return get(caller, id).compose(s -> {
      if (!s.state().active()) {
        return Future.succeededFuture(s);
      }
      return store.update(id, x -> x.state().active() ? x.withState(SessionState.STOPPING, clock.instant()) : x)
          .map(Optional::orElseThrow).compose(x -> x.state() == SessionState.STOPPING ? finishStop(x)
              : Future.succeededFuture(x));
    });
  }

  private Future<Session> finishStop(Session s) {
    pendingSecrets.remove(s.id());
    Future<Void> jobRemoved = s.cluster().isEmpty() || staging.isEmpty() ? Future.succeededFuture()
        : staging.get().remove(s.cluster().get(), s.id()).otherwiseEmpty();
    Future<Void> removed = s.cluster().isEmpty() ? jobRemoved
        : jobRemoved.compose(x -> directory.driver(s.cluster().get()).stop(s.id()));
    return removed.compose(x -> {
      started.remove(s.id());
      return store.update(s.id(), y -> y.state() == SessionState.STOPPING ? y.withState(SessionState.STOPPED,
          clock.instant()) : y).map(Optional::orElseThrow);
    }, e -> {
      LOG.warn("session {}: stopping on {} failed ({}); the reconciler retries", s.id(), s.cluster().orElse("-"),
          e.getMessage());
      return Future.succeededFuture(s);
    });
  }

  /**
   * One step of the session's lifecycle toward its cluster's truth: an unplaced session is placed, a STARTING one
   * started (idempotently) and RUNNING once its endpoint is ready, a vanished one FAILED, an expired one stopped,
   * a STOPPING one stopped. Empty if the session does not exist.
   */
  public Future<Optional<Session>> advance(String id) {
    return store.get(id).compose(o -> {
      if (o.isEmpty() || !o.get().state().active()) {
        return Future.succeededFuture(o);
      }
      Session s = o.get();
      Instant now = clock.instant();
      return switch (s.state()) {
        // a create in progress owns its session; after the grace it was interrupted (a restart): placed here
        case PENDING, PLACING -> now.isBefore(s.updated().plus(CREATE_GRACE)) ? Future.succeededFuture(o)
            : catalogueOf(s).compose(c -> place(id, c, Set.of())).compose(x -> x.state() == SessionState.STARTING
                ? startAndObserve(x) : x.state() == SessionState.STAGING ? beginStaging(x) : Future.succeededFuture(x))
                .map(Optional::of);
        case STAGING -> {
          if (!now.isBefore(s.expiresAt())) {
            LOG.info("session {}: lifetime ended at {} while staging; stopping it", id, s.expiresAt());
            yield store.update(id, x -> x.withState(SessionState.STOPPING, now)).compose(x -> finishStop(x.orElseThrow()))
                .map(Optional::of);
          }
          yield checkStaging(s).map(Optional::of);
        }
        case STOPPING -> finishStop(s).map(Optional::of);
        case STARTING, RUNNING -> {
          if (!now.isBefore(s.expiresAt())) {
            LOG.info("session {}: lifetime ended at {}; stopping it", id, s.expiresAt());
            yield store.update(id, x -> x.withState(SessionState.STOPPING, now)).compose(x -> finishStop(x.orElseThrow()))
                .map(Optional::of);
          }
          if (starting.contains(id)) {
            yield Future.succeededFuture(o); // its start is in flight
          }
          Future<Session> ensured = s.state() == SessionState.STARTING && !started.contains(id)
              ? startGuarded(s) : Future.succeededFuture(s);
          yield ensured.compose(x -> x.state() != SessionState.STARTING && x.state() != SessionState.RUNNING
              ? Future.succeededFuture(Optional.of(x)) : observe(x));
        }
        default -> Future.succeededFuture(o);
      };
    });
  }

  /**
   * Applies what a watch of cluster {@code clusterId} reported about session {@code id}'s pod (an informer event),
   * without waiting for the reconciler: ready → RUNNING, failed → FAILED, absent → FAILED for a RUNNING session
   * (a STARTING one may simply not be created yet: the reconciler starts it again). Nothing while its start is in
   * flight here (that start observes when done), for a session on another cluster, or for a state it is not in.
   * Answers the session when it changed.
   */
  public Future<Optional<Session>> observed(String clusterId, String id, eu.panosc.broker.driver.Observation ob) {
    if (ob.phase() == eu.panosc.broker.driver.Observation.Phase.STARTING || starting.contains(id)) {
      return Future.succeededFuture(Optional.empty());
    }
    java.util.function.Predicate<Session> applies = x -> x.cluster().equals(Optional.of(clusterId))
        && switch (ob.phase()) {
          case READY -> x.state() == SessionState.STARTING
              || x.state() == SessionState.RUNNING && !x.url().equals(ob.url());
          case FAILED -> x.state() == SessionState.STARTING || x.state() == SessionState.RUNNING;
          case ABSENT -> x.state() == SessionState.RUNNING;
          case STARTING -> false;
        };
    return store.get(id).compose(o -> {
      if (o.isEmpty() || !applies.test(o.get())) {
        return Future.succeededFuture(Optional.<Session>empty());
      }
      Instant now = clock.instant();
      return store.update(id, x -> !applies.test(x) ? x : switch (ob.phase()) {
        case READY -> x.running(ob.url().orElseThrow(), now);
        case FAILED -> x.failed(ob.reason().orElse("the session failed on " + clusterId), now);
        default -> x.failed("the session vanished from cluster " + clusterId
            + " (its pod or process was removed outside the broker)", now);
      });
    });
  }

  private Future<Session> startGuarded(Session s) {
    if (!starting.add(s.id())) {
      return Future.succeededFuture(s);
    }
    return start(s, new LinkedHashSet<>()).andThen(x -> starting.remove(s.id()));
  }

  private Future<Optional<Session>> observe(Session s) {
    String clusterId = s.cluster().orElseThrow();
    return directory.driver(clusterId).observe(s.id()).compose(ob -> {
      Instant now = clock.instant();
      UnaryOperator<Session> toTruth = x -> {
        if (x.state() != SessionState.STARTING && x.state() != SessionState.RUNNING) {
          return x; // stopped meanwhile
        }
        return switch (ob.phase()) {
          case READY -> x.state() == SessionState.RUNNING && x.url().equals(ob.url()) ? x : x.running(ob.url().orElseThrow(), now);
          case FAILED -> x.failed(ob.reason().orElse("the session failed on " + clusterId), now);
          case ABSENT -> x.failed("the session vanished from cluster " + clusterId
              + " (its pod or process was removed outside the broker)", now);
          case STARTING -> x.state() == SessionState.STARTING && !now.isBefore(x.updated().plus(rules.startTimeout()))
              ? x.failed("the session did not become ready within " + rules.startTimeout().toSeconds() + " s", now)
              : x;
        };
      };
      // nothing to change as the session was just read (still starting, or running where it ran): no write, no
      // transaction (a change made meanwhile is the next step's to see)
      if (toTruth.apply(s).equals(s)) {
        return Future.succeededFuture(Optional.of(s));
      }
      return store.update(s.id(), toTruth);
    }, e -> {
      // the cluster did not answer: truth unknown, keep the state; probes mark it unhealthy
      LOG.warn("session {}: cannot observe it on {}: {}", s.id(), clusterId, e.getMessage());
      return Future.succeededFuture(Optional.of(s));
    });
  }

  /** What staging a session on its cluster needs: nothing, a Job, or a refusal naming why it cannot be staged. */
  private record StagingPlan(Optional<StagingJob> job, Optional<String> refusal) {
    static final StagingPlan NONE = new StagingPlan(Optional.empty(), Optional.empty());
  }

  /** Whether a dataset at {@code at} is staged onto {@code cluster} (it cannot mount the site; staging can copy). */
  private boolean stages(Cluster cluster, DatasetLocations.Location at) {
    return staging.isPresent() && cluster.kind() == Cluster.Kind.KUBERNETES && !cluster.storageSites().containsKey(
        at.site()) && staging.get().canStage(cluster.id()) && staging.get().settings().endpoint(at.site()).isPresent();
  }

  private Future<StagingPlan> stagingPlan(Session s) {
    Optional<Cluster> on = s.cluster().flatMap(directory::cluster);
    if (staging.isEmpty() || on.isEmpty() || on.get().kind() != Cluster.Kind.KUBERNETES
        || !staging.get().canStage(on.get().id())) {
      return Future.succeededFuture(StagingPlan.NONE);
    }
    Cluster cluster = on.get();
    List<StagingJob.Item> items = new ArrayList<>();
    int n = 0;
    for (String pid : s.datasets()) {
      n++;
      Optional<DatasetLocations.Location> at = locations.locate(pid);
      if (at.isEmpty() || cluster.storageSites().containsKey(at.get().site())) {
        continue;
      }
      Optional<java.net.URI> endpoint = staging.get().settings().endpoint(at.get().site());
      if (endpoint.isEmpty()) {
        return Future.succeededFuture(new StagingPlan(Optional.empty(), Optional.of("dataset " + pid
            + " lies on storage site " + at.get().site() + ", which cluster " + cluster.id() + " cannot mount, and that "
            + "site has no data endpoint to stage it from (services.broker.staging.endpoints." + at.get().site() + ")")));
      }
      items.add(new StagingJob.Item(n, pid, source(endpoint.get(), at.get().path()), at.get().sizeBytes()));
    }
    if (items.isEmpty()) {
      return Future.succeededFuture(StagingPlan.NONE);
    }
    return catalogueOf(s).map(chosen -> {
      long bytes = items.stream().mapToLong(StagingJob.Item::sizeBytes).sum();
      long gi = chosen.flavour().scratchGi() + (bytes + (1L << 30) - 1) / (1L << 30) + 1;
      Map<String, String> labels = new java.util.LinkedHashMap<>();
      labels.put("app.kubernetes.io/managed-by", "panosc-resource-broker");
      labels.put("app.kubernetes.io/component", "data-staging");
      labels.put("panosc.eu/staging-for", s.id());
      return new StagingPlan(Optional.of(new StagingJob(s.id(), Staging.claim(s.id()), gi, items, labels)),
          Optional.empty());
    });
  }

  private static java.net.URI source(java.net.URI endpoint, String path) {
    String base = endpoint.getPath() == null ? "" : endpoint.getPath().replaceAll("/+$", "");
    String p = path.startsWith("/") ? path : "/" + path;
    try {
      return new java.net.URI(endpoint.getScheme(), endpoint.getAuthority(), base + p, null, null);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("cannot build the staging source from " + endpoint + " and " + path, e);
    }
  }

  /** A just-placed STARTING session: STAGING when its cluster cannot mount its data, FAILED when that cannot be staged. */
  private Future<Session> routeStaging(Session s) {
    return stagingPlan(s).compose(plan -> {
      if (plan.refusal().isPresent()) {
        return failIfActive(s.id(), plan.refusal().get());
      }
      if (plan.job().isEmpty()) {
        return Future.succeededFuture(s);
      }
      return store.update(s.id(), x -> x.state() == SessionState.STARTING
          ? x.withState(SessionState.STAGING, clock.instant()) : x).map(Optional::orElseThrow);
    });
  }

  /** Creates the staging Job of a STAGING session (idempotent); FAILED when that is refused. */
  private Future<Session> beginStaging(Session s) {
    return stagingPlan(s).compose(plan -> {
      if (plan.job().isEmpty()) {
        return failIfActive(s.id(), plan.refusal().orElse("nothing to stage on " + s.cluster().orElse("-")));
      }
      return staging.orElseThrow().begin(s.cluster().orElseThrow(), plan.job().get()).map(p -> s);
    }).recover(e -> failIfActive(s.id(), "staging the data on " + s.cluster().orElse("-") + " could not start: "
        + e.getMessage()));
  }

  /** One step of a STAGING session: progress recorded; STARTING (and started) once copied; FAILED with the reason. */
  private Future<Session> checkStaging(Session s) {
    String cluster = s.cluster().orElseThrow();
    return stagingPlan(s).compose(plan -> {
      if (plan.job().isEmpty()) {
        return failIfActive(s.id(), plan.refusal().orElse("staging is no longer possible on " + cluster));
      }
      return staging.orElseThrow().check(cluster, plan.job().get()).compose(p -> switch (p.state()) {
        case RUNNING -> Future.succeededFuture(s);
        case SUCCEEDED -> staging.get().remove(cluster, s.id()).otherwiseEmpty()
            .compose(x -> store.update(s.id(), y -> y.state() == SessionState.STAGING
                ? y.withState(SessionState.STARTING, clock.instant()) : y))
            .map(Optional::orElseThrow)
            .compose(x -> x.state() == SessionState.STARTING ? startAndObserve(x) : Future.succeededFuture(x));
        case FAILED -> staging.get().remove(cluster, s.id()).otherwiseEmpty()
            .compose(x -> failIfActive(s.id(), "staging the data on " + cluster + " failed ("
                + p.done() + " of " + p.datasets() + " datasets copied): " + p.reason().orElse("the Job failed")));
      });
    }).recover(e -> {
      // the cluster did not answer: truth unknown, keep the state
      LOG.warn("session {}: cannot check its staging on {}: {}", s.id(), cluster, e.getMessage());
      return Future.succeededFuture(s);
    });
  }

  /** The staging progress of those of {@code sessions} whose data was staged. */
  public Future<Map<String, StagingProgress>> stagingProgress(List<Session> sessions) {
    if (staging.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return staging.get().progress(sessions.stream().map(Session::id).toList());
  }

  /** The clusters as placement sees them now: health and what active sessions use. */
  public Future<List<ClusterState>> clusterStates() {
    return store.active().map(active -> watch.states(active, Set.of()));
  }

  /** Probes every cluster, recording which answer; called by the reconciler. */
  public Future<Map<String, Optional<String>>> probeClusters() {
    return watch.probe();
  }

  /** Removes, from every healthy cluster, sessions the broker does not know as active there; answers how many. */
  public Future<Integer> removeOrphans() {
    return watch.removeOrphans();
  }

  /** The active sessions; what this process remembers about sessions no longer active is forgotten. */
  public Future<List<Session>> active() {
    return store.active().onSuccess(active -> {
      Set<String> ids = new java.util.HashSet<>();
      active.forEach(x -> ids.add(x.id()));
      // (a session started meanwhile may be dropped too: its next step then starts it again, idempotently)
      started.retainAll(ids);
    });
  }

  /** Whether {@code secret} is the access secret of {@code session} (constant-time). */
  public static boolean secretMatches(Session session, String secret) {
    return MessageDigest.isEqual(session.secretHash().getBytes(StandardCharsets.US_ASCII),
        sha256(secret).getBytes(StandardCharsets.US_ASCII));
  }

  static String newId() {
    char[] c = new char[20];
    for (int i = 0; i < c.length; i++) {
      c[i] = ID_CHARS[RANDOM.nextInt(ID_CHARS.length)];
    }
    // DNS-1123 label friendly (Kubernetes object names): starts with a letter
    return "s" + new String(c).toLowerCase(Locale.ROOT);
  }

  static String newSecret() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
