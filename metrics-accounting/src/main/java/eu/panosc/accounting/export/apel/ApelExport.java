package eu.panosc.accounting.export.apel;

import eu.panosc.accounting.export.ExportStore;
import eu.panosc.accounting.model.Granularity;
import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.UsageRecord;
import eu.panosc.accounting.rollup.ProRating;
import eu.panosc.accounting.rollup.Share;
import io.vertx.core.Future;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The APEL CloudRecords of one month: one per session (facility × installation × session; VMUUID = session),
 * cumulative for the month, so a record sent again replaces the earlier one at APEL. Each record's share of the
 * month is pro-rated exactly as in the rollups, so the CloudRecords add up to the monthly report.
 *
 * <p>Mapping: SiteName = facility, CloudComputeService = installation, MachineName = session, LocalGroupId =
 * proposal, GlobalUserName = the pseudonymous user, FQAN = community; StartTime = the session's first start, EndTime
 * (only when completed: the month is over and the session ended in it) = its last end; WallDuration = its time inside
 * the month; CpuDuration = core-hours × 3600; CpuCount = core-hours / wall hours, rounded up (the average cores
 * allocated); Memory = GiB-hours / wall hours × 1024 (MB); Disk = GiB-days / wall days (GB); NetworkInbound = data
 * staged (GB).
 */
public final class ApelExport {
  public static final String CLOUD_TYPE = "PaNOSC control plane";
  private static final BigDecimal SECONDS_PER_HOUR = BigDecimal.valueOf(3600);

  private final ExportStore store;
  private final Clock clock;

  public ApelExport(ExportStore store, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public Future<List<CloudRecord>> records(YearMonth month) {
    Instant from = month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    Instant to = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    Instant now = clock.instant();
    List<CloudRecord> out = new ArrayList<>();
    return store.sessionRecords(from, to, rs -> out.add(session(rs, from, to, now))).map(v -> out);
  }

  static List<CloudRecord> build(List<UsageRecord> records, Instant from, Instant to, Instant now) {
    Map<List<String>, List<UsageRecord>> bySession = new LinkedHashMap<>();
    for (UsageRecord r : records) {
      bySession.computeIfAbsent(List.of(r.facility(), r.installation(), r.session()), k -> new ArrayList<>()).add(r);
    }
    List<CloudRecord> out = new ArrayList<>();
    bySession.forEach((key, rs) -> out.add(session(rs, from, to, now)));
    return out;
  }

  /** The CloudRecord of one session's records (same facility, installation and session). */
  static CloudRecord session(List<UsageRecord> rs, Instant from, Instant to, Instant now) {
    List<String> key = List.of(rs.getFirst().facility(), rs.getFirst().installation(), rs.getFirst().session());
    Instant start = rs.getFirst().start();
    Instant end = rs.getFirst().end();
    String user = null;
    String proposal = null;
    String community = null;
    Map<Metric, BigDecimal> sums = new EnumMap<>(Metric.class);
    for (UsageRecord r : rs) {
      start = r.start().isBefore(start) ? r.start() : start;
      end = r.end().isAfter(end) ? r.end() : end;
      user = user != null ? user : r.user();
      proposal = proposal != null ? proposal : r.proposal();
      community = community != null ? community : r.community();
      for (Share s : ProRating.shares(r, Granularity.MONTH)) {
        if (s.bucket().equals(from)) {
          sums.merge(r.metric(), s.value(), BigDecimal::add);
        }
      }
    }
    boolean completed = !end.isAfter(to) && !to.isAfter(now);
    Instant wallFrom = start.isBefore(from) ? from : start;
    Instant wallTo = end.isAfter(to) ? to : end;
    long wall = Math.max(0, wallTo.getEpochSecond() - wallFrom.getEpochSecond());
    BigDecimal wallHours = BigDecimal.valueOf(wall).divide(SECONDS_PER_HOUR, 12, RoundingMode.HALF_EVEN);
    BigDecimal cpu = sums.get(Metric.CPU_CORE_HOURS);
    BigDecimal memory = sums.get(Metric.MEMORY_GIB_HOURS);
    BigDecimal storage = sums.get(Metric.STORAGE_GIB_DAYS);
    BigDecimal staged = sums.get(Metric.DATA_STAGED_GIB);
    return new CloudRecord(key.get(2), key.get(0), key.get(1), key.get(2), proposal, user, community,
        completed ? "completed" : "started", start.getEpochSecond(), completed ? end.getEpochSecond() : null, wall,
        cpu == null ? null : whole(cpu.multiply(SECONDS_PER_HOUR)),
        cpu == null || wall == 0 ? null : whole(cpu.divide(wallHours, 0, RoundingMode.CEILING)),
        staged == null ? null : whole(staged),
        memory == null || wall == 0 ? null : whole(memory.multiply(BigDecimal.valueOf(1024)).divide(wallHours, 12,
            RoundingMode.HALF_EVEN)),
        storage == null || wall == 0 ? null : whole(storage.multiply(BigDecimal.valueOf(24)).divide(wallHours, 12,
            RoundingMode.HALF_EVEN)),
        CLOUD_TYPE);
  }

  /** Rounded half up; a value beyond the range of the message's integers is written as the largest one. */
  private static long whole(BigDecimal d) {
    BigDecimal r = d.setScale(0, RoundingMode.HALF_UP);
    return r.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0 ? Long.MAX_VALUE : r.longValueExact();
  }
}
