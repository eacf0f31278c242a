package eu.panosc.accounting.demo;

import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.UsageRecord;
import eu.panosc.accounting.store.AccountingStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A few months of plausible usage for the demo federation ({@code docs/demo.md}), so that reports have something
 * to show on a first {@code panosc up --demo}: every day from the first day of the month three months before
 * {@code now} up to the last whole day, sessions of the demo proposals' members (CPU, memory, GPU for
 * crystallography, data staged, one session each), commissioning sessions at the facilities without a demo
 * proposal, and each facility's storage.
 *
 * <p>Everything is derived from the fixture and the day, never from a random source: a record's content and its
 * id ({@value #SOURCE} + {@code <owner>/<day>/<metric>}) are the same on every start, so seeding again after a
 * restart stores nothing twice (the store's idempotency key) and only adds the days that passed since. The records
 * are stored as if they had arrived on time (not late). Users are pseudonymous: {@code u-} and 12 hex digits of
 * the SHA-256 of the canonical id, as a sender would send them.
 */
public final class DemoUsage {
  /** The {@code source} of every demo record. */
  public static final String SOURCE = "panosc-demo";
  /** Full calendar months before the current one that get usage. */
  static final int MONTHS = 3;
  private static final int BATCH = 500;

  private DemoUsage() {}

  /** Stores {@link #records} in batches of {@value #BATCH}, one after the other; succeeds once all are committed. */
  public static Future<Void> seed(AccountingStore store, JsonObject fixture, Instant now) {
    List<UsageRecord> all = records(fixture, now);
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < all.size(); i += BATCH) {
      List<UsageRecord> batch = all.subList(i, Math.min(all.size(), i + BATCH));
      chain = chain.compose(v -> store.ingest(batch, now).mapEmpty());
    }
    return chain;
  }

  /** The demo records for the days up to the last whole day (UTC) before {@code now}. */
  public static List<UsageRecord> records(JsonObject fixture, Instant now) {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    LocalDate first = today.withDayOfMonth(1).minusMonths(MONTHS);
    Map<String, String> techniqueOf = techniques(fixture);
    List<Owner> owners = owners(fixture, techniqueOf);
    List<UsageRecord> out = new ArrayList<>();
    for (LocalDate day = first; day.isBefore(today); day = day.plusDays(1)) {
      for (Owner o : owners) {
        session(o, day, out);
      }
      for (Object f : fixture.getJsonArray("facilities")) {
        String facility = ((JsonObject) f).getString("id");
        Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        long gib = 2048 + pick(facility + "/storage/" + day, 4096);
        out.add(new UsageRecord(SOURCE, facility + "/" + day + "/" + Metric.STORAGE_GIB_DAYS.wire(), facility,
            facility + "-storage", null, null, null, null, null, Metric.STORAGE_GIB_DAYS, start,
            start.plus(Duration.ofDays(1)), BigDecimal.valueOf(gib), false, false));
      }
    }
    return out;
  }

  /** Who uses compute: each demo proposal (its members, its technique), and each facility without one. */
  private record Owner(String key, String facility, String proposal, String community, List<String> users,
      int sessionsPerTen) {}

  private static List<Owner> owners(JsonObject fixture, Map<String, String> techniqueOf) {
    List<Owner> owners = new ArrayList<>();
    Set<String> withProposal = new HashSet<>();
    Map<String, String> proposalTechnique = new HashMap<>();
    for (Object d : fixture.getJsonArray("datasets")) {
      JsonObject ds = (JsonObject) d;
      proposalTechnique.putIfAbsent(ds.getString("proposal"), techniqueOf.get(ds.getString("instrument")));
    }
    for (Object p : fixture.getJsonArray("proposals")) {
      JsonObject proposal = (JsonObject) p;
      String id = proposal.getString("id");
      String facility = proposal.getString("facility");
      withProposal.add(facility);
      List<String> users = new ArrayList<>();
      for (Object m : proposal.getJsonArray("members", new JsonArray())) {
        users.add(pseudonym(((JsonObject) m).getString("user")));
      }
      owners.add(new Owner(id, facility, id, slug(proposalTechnique.getOrDefault(id, "general")), users, 6));
    }
    for (Object f : fixture.getJsonArray("facilities")) {
      JsonObject facility = (JsonObject) f;
      String id = facility.getString("id");
      if (!withProposal.contains(id)) {
        JsonObject instrument = facility.getJsonArray("instruments").getJsonObject(0);
        owners.add(new Owner(id, id, null, slug(instrument.getString("technique")),
            List.of(pseudonym("staff@" + id + ".demo")), 3));
      }
    }
    return owners;
  }

  /** On some days (more on weekdays) one session of one of the owner's users, with its metrics. */
  private static void session(Owner o, LocalDate day, List<UsageRecord> out) {
    String seed = o.key() + "/" + day;
    boolean weekend = day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY;
    if (pick(seed + "/on", 10) >= (weekend ? o.sessionsPerTen() / 3 : o.sessionsPerTen())) {
      return;
    }
    Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant()
        .plus(Duration.ofMinutes(8 * 60 + pick(seed + "/start", 8 * 60)));
    long minutes = 60 + pick(seed + "/minutes", 5 * 60);
    Instant end = start.plus(Duration.ofMinutes(minutes));
    String user = o.users().isEmpty() ? null : o.users().get(pick(seed + "/user", o.users().size()));
    String installation = o.facility() + "-hpc";
    String cluster = o.facility() + "-k8s";
    String session = "demo-" + o.key().replace(':', '-') + "-" + day;
    BigDecimal hours = BigDecimal.valueOf(minutes).divide(BigDecimal.valueOf(60), 4, RoundingMode.HALF_EVEN);
    int cores = 4 << pick(seed + "/cores", 4); // 4, 8, 16 or 32
    Map<Metric, BigDecimal> values = new EnumMap<>(Metric.class);
    values.put(Metric.CPU_CORE_HOURS, hours.multiply(BigDecimal.valueOf(cores)));
    values.put(Metric.MEMORY_GIB_HOURS, hours.multiply(BigDecimal.valueOf(4L * cores)));
    if (o.community().contains("crystallography")) {
      values.put(Metric.GPU_HOURS, hours.multiply(BigDecimal.valueOf(1 + pick(seed + "/gpus", 2))));
    }
    values.put(Metric.DATA_STAGED_GIB, BigDecimal.valueOf(5 + pick(seed + "/staged", 200)));
    values.forEach((metric, value) -> out.add(new UsageRecord(SOURCE, seed + "/" + metric.wire(), o.facility(),
        installation, cluster, session, user, o.proposal(), o.community(), metric, start, end,
        value.stripTrailingZeros(), false, false)));
    // a session counts once, in the hour it started
    out.add(new UsageRecord(SOURCE, seed + "/" + Metric.SESSIONS.wire(), o.facility(), installation, cluster, session,
        user, o.proposal(), o.community(), Metric.SESSIONS, start, start, BigDecimal.ONE, false, false));
  }

  private static Map<String, String> techniques(JsonObject fixture) {
    Map<String, String> out = new HashMap<>();
    for (Object f : fixture.getJsonArray("facilities")) {
      for (Object i : ((JsonObject) f).getJsonArray("instruments")) {
        JsonObject instrument = (JsonObject) i;
        out.put(instrument.getString("id"), instrument.getString("technique"));
      }
    }
    return out;
  }

  /** {@code macromolecular crystallography} becomes {@code macromolecular-crystallography}. */
  static String slug(String technique) {
    return technique.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
  }

  static String pseudonym(String canonicalId) {
    return "u-" + HexFormat.of().formatHex(sha256(canonicalId), 0, 6);
  }

  /** A number in [0, bound) fixed by {@code key}. */
  private static int pick(String key, int bound) {
    byte[] h = sha256(key);
    int v = ((h[0] & 0x7f) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
    return v % bound;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
