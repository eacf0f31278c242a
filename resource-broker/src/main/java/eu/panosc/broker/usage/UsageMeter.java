package eu.panosc.broker.usage;

import eu.panosc.broker.clusters.ClusterDirectory;
import eu.panosc.broker.model.Cluster;
import eu.panosc.broker.model.Session;
import eu.panosc.broker.store.BrokerStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns sessions' time into usage records: every {@code period} for an active session, and once more when it ended
 * (up to its end, the mark then final). A session is accounted from its creation (its resources are held from
 * placement on) on the cluster it was placed on; one never placed gives no records. Records of an interval
 * {@code [from, to)}: {@code cpu_core_hours}, {@code memory_gib_hours}, {@code gpu_hours} (with GPUs); the first
 * interval adds {@code sessions} = 1, the last {@code data_staged_gib} when its data was staged. Ids are
 * {@code <session>/<metric>/<from, epoch ms>} (and {@code <session>/sessions}, {@code <session>/data_staged_gib}):
 * the same interval always gives the same ids.
 */
public final class UsageMeter {
  private static final Logger LOG = LoggerFactory.getLogger(UsageMeter.class);
  private final BrokerStore sessions;
  private final UsageStore store;
  private final ClusterDirectory clusters;
  private final Function<String, Future<Optional<Long>>> stagedBytes;
  private final Duration period;
  private final Clock clock;

  /** @param stagedBytes bytes staged for a session whose staging succeeded, else empty */
  public UsageMeter(BrokerStore sessions, UsageStore store, ClusterDirectory clusters,
      Function<String, Future<Optional<Long>>> stagedBytes, Duration period, Clock clock) {
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.store = Objects.requireNonNull(store, "store");
    this.clusters = Objects.requireNonNull(clusters, "clusters");
    this.stagedBytes = Objects.requireNonNull(stagedBytes, "stagedBytes");
    this.period = Objects.requireNonNull(period, "period");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** One sweep over sessions with an open mark; answers how many records went into the outbox. */
  public Future<Integer> sweep() {
    return store.open().compose(open -> {
      Future<Integer> chain = Future.succeededFuture(0);
      for (String id : open) {
        chain = chain.compose(n -> sessions.get(id).compose(s -> s.isEmpty() ? Future.succeededFuture(0) : one(s.get()))
            .map(k -> n + k).recover(e -> {
              LOG.warn("session {}: usage not accounted this time: {}", id, e.getMessage());
              return Future.succeededFuture(n);
            }));
      }
      return chain;
    });
  }

  private Future<Integer> one(Session s) {
    Instant now = clock.instant();
    boolean ended = !s.state().active();
    if (s.cluster().isEmpty()) {
      // never placed: nothing used; once ended, its mark is closed without records
      return ended ? store.accrue(s.id(), s.created(), s.created(), true, (f, t) -> List.of()) : Future.succeededFuture(0);
    }
    Instant to = ended ? s.updated() : now;
    return store.mark(s.id()).compose(mark -> {
      Instant from = mark.orElse(s.created());
      if (!ended && Duration.between(from, to).compareTo(period) < 0) {
        return Future.succeededFuture(0);
      }
      Future<Optional<Long>> staged = ended ? stagedBytes.apply(s.id()) : Future.succeededFuture(Optional.empty());
      return staged.compose(bytes -> store.accrue(s.id(), s.created(), to, ended,
          (f, t) -> records(s, f, t, ended ? bytes : Optional.empty())));
    });
  }

  List<UsageRecord> records(Session s, Instant from, Instant to, Optional<Long> staged) {
    String clusterId = s.cluster().orElseThrow();
    Optional<Cluster> c = clusters.cluster(clusterId);
    Map<String, Object> common = new LinkedHashMap<>();
    common.put("source", UsageRecord.SOURCE);
    common.put("facility", c.flatMap(Cluster::facility).orElse("eosc"));
    common.put("installation", clusterId);
    common.put("cluster", clusterId);
    common.put("session", s.id());
    common.put("user", pseudonym(s.owner()));
    s.proposal().ifPresent(p -> common.put("proposal", p));
    double hours = Duration.between(from, to).toMillis() / 3_600_000.0;
    List<UsageRecord> out = new ArrayList<>();
    if (from.equals(s.created())) {
      out.add(record(s, common, s.id() + "/sessions", "sessions", from, from, 1));
    }
    String at = "/" + from.toEpochMilli();
    out.add(record(s, common, s.id() + "/cpu_core_hours" + at, "cpu_core_hours", from, to, s.resources().cpu() * hours));
    out.add(record(s, common, s.id() + "/memory_gib_hours" + at, "memory_gib_hours", from, to,
        s.resources().memoryMi() / 1024.0 * hours));
    if (s.resources().gpu() > 0) {
      out.add(record(s, common, s.id() + "/gpu_hours" + at, "gpu_hours", from, to, s.resources().gpu() * hours));
    }
    staged.ifPresent(b -> out.add(record(s, common, s.id() + "/data_staged_gib", "data_staged_gib", to, to,
        b / (double) (1L << 30))));
    return out;
  }

  private static UsageRecord record(Session s, Map<String, Object> common, String id, String metric, Instant start,
      Instant end, double value) {
    JsonObject p = new JsonObject(new LinkedHashMap<>(common)).put("recordId", id).put("metric", metric)
        .put("start", start.toString()).put("end", end.toString()).put("value", round(value));
    return new UsageRecord(id, s.id(), p);
  }

  private static double round(double v) {
    return Math.round(v * 1_000_000.0) / 1_000_000.0;
  }

  /** The owner as accounting sees them: a stable pseudonym, not the identifier. */
  static String pseudonym(String owner) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(("panosc-broker-usage:" + owner).getBytes(StandardCharsets.UTF_8))).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
