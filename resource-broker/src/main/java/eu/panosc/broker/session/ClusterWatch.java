package eu.panosc.broker.session;

import eu.panosc.broker.clusters.ClusterDirectory;
import eu.panosc.broker.driver.SessionDriver;
import eu.panosc.broker.model.Cluster;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.model.Session;
import eu.panosc.broker.placement.ClusterState;
import eu.panosc.broker.store.BrokerStore;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clusters' side of the truth: which answer (probes, and failures when starting a session), what active sessions
 * use on each (for placement), and sessions a cluster runs that the broker does not know (orphans, removed).
 */
final class ClusterWatch {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterWatch.class);

  private final BrokerStore store;
  private final ClusterDirectory directory;
  /** Clusters that did not answer, with the reason; placement skips them until a probe succeeds. */
  private final Map<String, String> unhealthy = new ConcurrentHashMap<>();

  ClusterWatch(BrokerStore store, ClusterDirectory directory) {
    this.store = Objects.requireNonNull(store, "store");
    this.directory = Objects.requireNonNull(directory, "directory");
  }

  void markUnhealthy(String cluster, String why) {
    unhealthy.put(cluster, why == null ? "not answering" : why);
  }

  /** Every cluster's health and what {@code active} sessions use there; {@code avoid} counts as unhealthy. */
  List<ClusterState> states(List<Session> active, Set<String> avoid) {
    Map<String, Resources> used = new HashMap<>();
    for (Session s : active) {
      s.cluster().ifPresent(c -> used.merge(c, s.resources(), Resources::plus));
    }
    return states(used, avoid);
  }

  /** The clusters' states given what their active sessions hold ({@code used}, per cluster). */
  List<ClusterState> states(Map<String, Resources> used, Set<String> avoid) {
    List<ClusterState> out = new ArrayList<>();
    for (Cluster c : directory.clusters()) {
      String reason = avoid.contains(c.id()) ? "did not answer when starting this session" : unhealthy.get(c.id());
      out.add(new ClusterState(c, reason == null, Optional.ofNullable(reason),
          used.getOrDefault(c.id(), Resources.NONE)));
    }
    return out;
  }

  /** Probes every cluster, recording which answer: empty for a healthy one, else the reason. */
  Future<Map<String, Optional<String>>> probe() {
    Map<String, Optional<String>> out = new ConcurrentHashMap<>();
    List<Future<Void>> all = new ArrayList<>();
    for (Cluster c : directory.clusters()) {
      all.add(directory.driver(c.id()).probe().transform(ar -> {
        if (ar.succeeded()) {
          unhealthy.remove(c.id());
          out.put(c.id(), Optional.empty());
        } else {
          String why = ar.cause().getMessage() == null ? "not answering" : ar.cause().getMessage();
          unhealthy.put(c.id(), why);
          out.put(c.id(), Optional.of(why));
        }
        return Future.<Void>succeededFuture();
      }));
    }
    return Future.join(all).map(x -> out);
  }

  /** Removes, from every healthy cluster, sessions the broker does not know as active there; answers how many. */
  Future<Integer> removeOrphans() {
    List<Future<Integer>> all = new ArrayList<>();
    for (Cluster c : directory.clusters()) {
      if (unhealthy.containsKey(c.id())) {
        continue;
      }
      SessionDriver driver = directory.driver(c.id());
      // the cluster first, then the store: a session started after the store was read cannot be taken for an orphan
      all.add(driver.sessions().compose(running -> store.active().compose(active -> {
        Set<String> known = new LinkedHashSet<>();
        active.stream().filter(s -> s.cluster().equals(Optional.of(c.id()))).forEach(s -> known.add(s.id()));
        List<Future<Void>> stops = new ArrayList<>();
        for (String id : running) {
          if (!known.contains(id)) {
            LOG.info("cluster {}: removing orphan session {}", c.id(), id);
            stops.add(driver.stop(id));
          }
        }
        return Future.all(stops).map(x -> stops.size());
      })));
    }
    return Future.join(all).map(cf -> {
      int n = 0;
      for (int i = 0; i < cf.size(); i++) {
        if (cf.succeeded(i)) {
          n += cf.<Integer>resultAt(i);
        }
      }
      return n;
    });
  }
}
