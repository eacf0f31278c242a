package eu.panosc.pdp.policy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active policy of each facility. A new version becomes active only once it compiled and was
 * stored; a refused one leaves the previous version active. Facilities without their own policy use
 * the default ({@code "*"}), which starts as the built-in PaNOSC data policy.
 *
 * <p>Compiling a policy (YAML parse, CEL type-check and planning) takes milliseconds to seconds under load, so with a
 * {@link Vertx} it runs on a worker thread, never on the event loop that answers decisions.
 */
public final class PolicyRegistry {
  /** The built-in default policy's classpath resource. */
  public static final String DEFAULT_RESOURCE = "policies/default.yaml";
  public static final String DEFAULT = "*";
  private static final Logger LOG = LoggerFactory.getLogger(PolicyRegistry.class);

  private final PolicyCompiler compiler;
  private final PolicyStore store;
  private final Vertx vertx;
  private volatile Map<String, Policy> active = Map.of();
  /** facility → a stored version that did not compile here, not tried again. */
  private final Map<String, Integer> refused = new java.util.concurrent.ConcurrentHashMap<>();

  /** Compiles on the calling thread (tests). */
  public PolicyRegistry(PolicyCompiler compiler, PolicyStore store) {
    this(compiler, store, null);
  }

  /** Compiles on {@code vertx}'s worker threads (null: on the calling thread). */
  public PolicyRegistry(PolicyCompiler compiler, PolicyStore store, Vertx vertx) {
    this.compiler = Objects.requireNonNull(compiler, "compiler");
    this.store = Objects.requireNonNull(store, "store");
    this.vertx = vertx;
  }

  /** Compiles {@code source}; fails with the {@link PolicyException} when it is refused. */
  private Future<Policy> compile(String file, String source, int version) {
    if (vertx == null) {
      try {
        return Future.succeededFuture(compiler.compile(file, source, version));
      } catch (PolicyException e) {
        return Future.failedFuture(e);
      }
    }
    return vertx.executeBlocking(() -> compiler.compile(file, source, version), false);
  }

  /** Activates the newest stored version of each policy, storing the built-in default first if none. */
  public Future<Void> start() {
    return store.latest().compose(stored -> {
      if (stored.stream().noneMatch(p -> p.facility().equals(DEFAULT))) {
        return submit("default.yaml", builtInDefault()).compose(p -> store.latest());
      }
      return Future.succeededFuture(stored);
    }).compose(stored -> {
      Future<Void> chain = Future.succeededFuture();
      for (PolicyStore.StoredPolicy s : stored) {
        chain = chain.compose(v -> compile(s.file(), s.source(), s.version()).<Void>map(p -> {
          activate(p);
          return null;
        }).recover(e -> {
          LOG.error("stored policy {} v{} no longer compiles, not active: {}", s.facility(), s.version(),
              e.getMessage());
          return Future.succeededFuture();
        }));
      }
      return chain;
    });
  }

  /**
   * Activates versions stored since this registry last looked, e.g. by another replica: compares the
   * stored version numbers with the active ones and loads the newer policies only when one differs.
   */
  public Future<Void> refresh() {
    return store.versions().compose(versions -> {
      Map<String, Policy> a = active;
      boolean newer = versions.entrySet().stream()
          .filter(e -> !e.getValue().equals(refused.get(e.getKey())))
          .anyMatch(e -> a.get(e.getKey()) == null || a.get(e.getKey()).version() < e.getValue());
      if (!newer) {
        return Future.succeededFuture();
      }
      return store.latest().compose(stored -> {
        Future<Void> chain = Future.succeededFuture();
        for (PolicyStore.StoredPolicy s : stored) {
          chain = chain.compose(v -> {
            Policy current = active.get(s.facility());
            if (current != null && current.version() >= s.version()
                || Integer.valueOf(s.version()).equals(refused.get(s.facility()))) {
              return Future.succeededFuture();
            }
            return compile(s.file(), s.source(), s.version()).<Void>map(p -> {
              activate(p);
              LOG.info("policy {} v{} stored by another replica now active", s.facility(), s.version());
              return null;
            }).recover(e -> {
              refused.put(s.facility(), s.version());
              LOG.error("stored policy {} v{} does not compile here, the previous version stays: {}", s.facility(),
                  s.version(), e.getMessage());
              return Future.succeededFuture();
            });
          });
        }
        return chain;
      });
    });
  }

  /** Checks {@code source}; when valid stores it as a new version and activates it. */
  public Future<Policy> submit(String file, String source) {
    return submit(file, source, null);
  }

  /**
   * Checks {@code source}; when valid and for {@code facility} (any facility when null) stores it as a new version
   * and activates it. A refusal fails with the {@link PolicyException}.
   */
  public Future<Policy> submit(String file, String source, String facility) {
    return compile(file, source, 0).compose(candidate -> {
      if (facility != null && !candidate.facility().equals(facility)) {
        return Future.failedFuture(new PolicyException(file, 0, "the file is for facility '" + candidate.facility()
            + "' but was sent for '" + facility + "'"));
      }
      return store.add(candidate.facility(), file, source).map(version -> {
        Policy p = candidate.withVersion(version);
        activate(p);
        LOG.info("policy {} for facility {} now active ({})", p.label(), p.facility(), file);
        return p;
      });
    });
  }

  /** Checks {@code source} without storing it; a refusal fails with the {@link PolicyException}. */
  public Future<Policy> check(String file, String source) {
    return compile(file, source, 0);
  }

  private synchronized void activate(Policy p) {
    Policy current = active.get(p.facility());
    if (current != null && current.version() > p.version()) {
      return;
    }
    Map<String, Policy> next = new HashMap<>(active);
    next.put(p.facility(), p);
    active = Map.copyOf(next);
  }

  /** The policy that decides for datasets of {@code facility}. */
  public Policy forFacility(String facility) {
    Map<String, Policy> a = active;
    Policy p = facility == null ? null : a.get(facility);
    return p != null ? p : a.get(DEFAULT);
  }

  /** Every active policy. */
  public List<Policy> active() {
    return active.values().stream().sorted(java.util.Comparator.comparing(Policy::facility)).toList();
  }

  /** The stored versions of a facility's policy. */
  public Future<List<PolicyStore.StoredPolicy>> history(String facility) {
    return store.history(facility);
  }

  /** The text of the built-in PaNOSC data policy. */
  public static String builtInDefault() {
    try (InputStream in = PolicyRegistry.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
      return new String(Objects.requireNonNull(in, DEFAULT_RESOURCE).readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
