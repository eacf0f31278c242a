package eu.panosc.pdp.store;

import eu.panosc.pdp.model.Change;
import eu.panosc.pdp.model.Dataset;
import eu.panosc.pdp.model.Facility;
import eu.panosc.pdp.model.Member;
import eu.panosc.pdp.model.Proposal;
import eu.panosc.pdp.model.StaffRole;
import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * {@link PdpStore} on PostgreSQL (schema {@code pdp}). Consecutive changes of the same kind go to the
 * server as one batch of {@code INSERT ... ON CONFLICT DO UPDATE} (or {@code DELETE}) statements, so a
 * run of 1 000 datasets is one round trip. Each batch ends by numbering itself in the {@link ChangeLog}.
 */
public final class PgPdpStore implements PdpStore {
  private static final String PUT_FACILITY = """
      INSERT INTO facility (id, name, embargo_years) VALUES ($1, $2, $3)
      ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, embargo_years = EXCLUDED.embargo_years""";
  private static final String PUT_PROPOSAL = """
      INSERT INTO proposal (id, facility_id, title, start_at, end_at, release_override) VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (id) DO UPDATE SET facility_id = EXCLUDED.facility_id, title = EXCLUDED.title,
        start_at = EXCLUDED.start_at, end_at = EXCLUDED.end_at, release_override = EXCLUDED.release_override""";
  private static final String PUT_MEMBER = """
      INSERT INTO member (proposal_id, user_id, orcid, role) VALUES ($1, $2, $3, $4)
      ON CONFLICT (proposal_id, user_id) DO UPDATE SET orcid = EXCLUDED.orcid, role = EXCLUDED.role""";
  private static final String PUT_STAFF = """
      INSERT INTO staff_role (user_id, facility_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING""";
  private static final String PUT_DATASET = """
      INSERT INTO dataset (pid, proposal_id, facility_id, instrument, created_at, release_override, public,
        storage_site, storage_path, size_bytes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
      ON CONFLICT (pid) DO UPDATE SET proposal_id = EXCLUDED.proposal_id, facility_id = EXCLUDED.facility_id,
        instrument = EXCLUDED.instrument, created_at = EXCLUDED.created_at,
        release_override = EXCLUDED.release_override, public = EXCLUDED.public,
        storage_site = EXCLUDED.storage_site, storage_path = EXCLUDED.storage_path, size_bytes = EXCLUDED.size_bytes""";

  /** A run of dataset upserts as one statement over arrays (one executor pass instead of one per row). */
  private static final String PUT_DATASETS = """
      INSERT INTO dataset (pid, proposal_id, facility_id, instrument, created_at, release_override, public,
        storage_site, storage_path, size_bytes)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[],
        $7::boolean[], $8::text[], $9::text[], $10::bigint[])
      ON CONFLICT (pid) DO UPDATE SET proposal_id = EXCLUDED.proposal_id, facility_id = EXCLUDED.facility_id,
        instrument = EXCLUDED.instrument, created_at = EXCLUDED.created_at,
        release_override = EXCLUDED.release_override, public = EXCLUDED.public,
        storage_site = EXCLUDED.storage_site, storage_path = EXCLUDED.storage_path, size_bytes = EXCLUDED.size_bytes""";

  /** The constraint (migration V4) that a dataset's (proposal, facility) is a stored proposal's (id, facility). */
  static final String DATASET_PROPOSAL_FACILITY = "dataset_proposal_facility";
  /** A timestamp column only when within the years {@link Input} allows, and whether it was outside. */
  private static final String IN_RANGE = "CASE WHEN %1$s BETWEEN TIMESTAMPTZ '0001-01-01 00:00:00+00' AND"
      + " TIMESTAMPTZ '9999-12-31 23:59:59.999999+00' THEN %1$s END, %1$s IS NOT NULL AND %1$s NOT BETWEEN"
      + " TIMESTAMPTZ '0001-01-01 00:00:00+00' AND TIMESTAMPTZ '9999-12-31 23:59:59.999999+00'";

  private final Pool pool;

  public PgPdpStore(Pool pool) {
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  /**
   * Checks every change with {@link Change#checked} first (a change that fails the input rule fails the
   * future with its {@link eu.panosc.platform.input.InvalidInputException} and nothing is written), so the
   * change log holds only changes every replica can read back and apply.
   */
  @Override
  public Future<Long> apply(List<Change> changes) {
    if (changes.isEmpty()) {
      return Future.succeededFuture(0L);
    }
    List<Change> checked;
    try {
      checked = changes.stream().map(Change::checked).toList();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    List<Run> runs = runs(checked);
    return pool.withTransaction(conn -> {
      Future<Void> chain = Future.succeededFuture();
      for (Run run : runs) {
        chain = chain.compose(v -> execute(conn, run));
      }
      // numbered last: the counter's row lock is then held only for the log insert and the commit
      return chain.compose(v -> ChangeLog.append(conn, checked));
    }).recover(e -> Future.failedFuture(translate(e)));
  }

  private static Future<Void> execute(SqlConnection conn, Run run) {
    if (run.kind == Change.PutDataset.class && run.tuples.size() > 1) {
      return conn.preparedQuery(PUT_DATASETS).execute(datasetArrays(run.tuples)).mapEmpty();
    }
    return conn.preparedQuery(run.sql).executeBatch(run.tuples).mapEmpty();
  }

  /**
   * The run's rows as ten column arrays; a PID given twice keeps its last row (as row-by-row upserts would),
   * since one INSERT may not update the same row twice.
   */
  private static Tuple datasetArrays(List<Tuple> rows) {
    java.util.LinkedHashMap<String, Tuple> last = new java.util.LinkedHashMap<>();
    for (Tuple t : rows) {
      last.remove(t.getString(0));
      last.put(t.getString(0), t);
    }
    int n = last.size();
    String[] pid = new String[n];
    String[] proposal = new String[n];
    String[] facility = new String[n];
    String[] instrument = new String[n];
    java.time.OffsetDateTime[] created = new java.time.OffsetDateTime[n];
    java.time.OffsetDateTime[] release = new java.time.OffsetDateTime[n];
    Boolean[] isPublic = new Boolean[n];
    String[] site = new String[n];
    String[] path = new String[n];
    Long[] size = new Long[n];
    int i = 0;
    for (Tuple t : last.values()) {
      pid[i] = t.getString(0);
      proposal[i] = t.getString(1);
      facility[i] = t.getString(2);
      instrument[i] = t.getString(3);
      created[i] = t.getOffsetDateTime(4);
      release[i] = t.getOffsetDateTime(5);
      isPublic[i] = t.getBoolean(6);
      site[i] = t.getString(7);
      path[i] = t.getString(8);
      size[i] = t.getLong(9);
      i++;
    }
    return Tuple.from(new Object[] {pid, proposal, facility, instrument, created, release, isPublic, site, path, size});
  }

  private record Run(Class<?> kind, String sql, List<Tuple> tuples) {}

  /** Groups consecutive changes of one kind; order between groups is kept. */
  private static List<Run> runs(List<Change> changes) {
    List<Run> runs = new ArrayList<>();
    Run current = null;
    for (Change c : changes) {
      if (current == null || current.kind != c.getClass()) {
        current = new Run(c.getClass(), sql(c), new ArrayList<>());
        runs.add(current);
      }
      current.tuples.add(tuple(c));
    }
    return runs;
  }

  private static String sql(Change c) {
    return switch (c) {
      case Change.PutFacility f -> PUT_FACILITY;
      case Change.PutProposal p -> PUT_PROPOSAL;
      case Change.PutMember m -> PUT_MEMBER;
      case Change.PutStaff s -> PUT_STAFF;
      case Change.PutDataset d -> PUT_DATASET;
      case Change.DeleteFacility f -> "DELETE FROM facility WHERE id = $1";
      case Change.DeleteProposal p -> "DELETE FROM proposal WHERE id = $1";
      case Change.DeleteMember m -> "DELETE FROM member WHERE proposal_id = $1 AND user_id = $2";
      case Change.DeleteStaff s -> "DELETE FROM staff_role WHERE user_id = $1 AND facility_id = $2 AND role = $3";
      case Change.DeleteDataset d -> "DELETE FROM dataset WHERE pid = $1";
    };
  }

  private static Tuple tuple(Change c) {
    return switch (c) {
      case Change.PutFacility(Facility f) -> Tuple.of(f.id(), f.name(), f.embargoYears());
      case Change.PutProposal(Proposal p) -> Tuple.of(p.id(), p.facility(), p.title(), odt(p.start()), odt(p.end()),
          odt(p.releaseOverride()));
      case Change.PutMember(Member m) -> Tuple.of(m.proposal(), m.user(), m.orcid(), m.role());
      case Change.PutStaff(StaffRole s) -> Tuple.of(s.user(), s.facility(), s.role());
      case Change.PutDataset(Dataset d) -> Tuple.from(new Object[] {d.pid(), d.proposal(), d.facility(), d.instrument(),
          odt(d.created()), odt(d.releaseOverride()), d.isPublic(), d.storageSite(), d.storagePath(), d.sizeBytes()});
      case Change.DeleteFacility(String id) -> Tuple.of(id);
      case Change.DeleteProposal(String id) -> Tuple.of(id);
      case Change.DeleteMember(String proposal, String user) -> Tuple.of(proposal, user);
      case Change.DeleteStaff(String user, String facility, String role) -> Tuple.of(user, facility, role);
      case Change.DeleteDataset(String pid) -> Tuple.of(pid);
    };
  }

  private static Throwable translate(Throwable e) {
    if (e instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("23")) {
      String detail = pg.getDetail() == null ? pg.getErrorMessage() : pg.getDetail();
      if (DATASET_PROPOSAL_FACILITY.equals(pg.getConstraint())) {
        return new StoreException("facility", "a dataset's facility must be the facility of its proposal, and a "
            + "proposal with datasets keeps its facility (" + detail + ")", e);
      }
      return new StoreException(detail, e);
    }
    return e;
  }

  @Override
  public Future<Snapshot> snapshot() {
    return snapshotAt().map(Versioned::snapshot);
  }

  /** A snapshot, the number of the last change batch it contains, and the rows it could not read. */
  public record Versioned(Snapshot snapshot, long seq, List<Unreadable> unreadable) {
    public Versioned {
      unreadable = List.copyOf(unreadable);
    }
  }

  /**
   * A stored row left out of a snapshot because it cannot be read back as a valid value (a date outside years
   * 1 to 9999, an id or text that fails the input rule: rows written before those checks existed). Decisions
   * about what it describes deny (fail-closed). {@code key} is printable and at most about 100 characters.
   */
  public record Unreadable(String entity, String key, String reason) {
    public Unreadable {
      key = printable(key);
    }

    private static String printable(String s) {
      if (s == null) {
        return "(none)";
      }
      StringBuilder out = new StringBuilder(Math.min(s.length(), 100));
      for (int i = 0; i < s.length() && out.length() < 96; i++) {
        char c = s.charAt(i);
        out.append(c < 0x20 || (c >= 0x7f && c <= 0x9f) || Character.isSurrogate(c) ? '?' : c);
      }
      return s.length() > out.length() ? out + "...(" + s.length() + " characters)" : out.toString();
    }
  }

  /**
   * Everything, read in one repeatable-read transaction, with the change sequence number it is at: the
   * snapshot holds exactly the batches up to {@code seq}. A row that cannot be read is left out and listed,
   * never failing the whole read.
   */
  public Future<Versioned> snapshotAt() {
    return pool.withTransaction(conn -> conn.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute()
        .compose(x -> conn.query("SELECT seq FROM change_counter").execute())
        .map(rows -> rows.iterator().next().getLong(0))
        .compose(seq -> read(conn, seq)));
  }

  private static Future<Versioned> read(SqlConnection conn, long seq) {
    List<Unreadable> unreadable = new ArrayList<>();
    Future<List<Facility>> facilities = list(conn, "SELECT id, name, embargo_years FROM facility ORDER BY id",
        "facility", r -> new Facility(r.getString(0), r.getString(1), r.getInteger(2)).checked(), unreadable);
    Future<List<Proposal>> proposals = facilities.compose(x -> list(conn,
        "SELECT id, facility_id, title, " + inRange("start_at") + ", " + inRange("end_at") + ", "
            + inRange("release_override") + " FROM proposal ORDER BY id", "proposal",
        r -> {
          dates(r, 3, "start", "end", "releaseDate");
          return new Proposal(r.getString(0), r.getString(1), r.getString(2), instant(r, 3), instant(r, 5),
              instant(r, 7)).checked();
        }, unreadable));
    Future<List<Member>> members = proposals.compose(x -> list(conn,
        "SELECT proposal_id, user_id, orcid, role FROM member ORDER BY proposal_id, user_id", "member",
        r -> new Member(r.getString(0), r.getString(1), r.getString(2), r.getString(3)).checked(), unreadable));
    Future<List<StaffRole>> staff = members.compose(x -> list(conn,
        "SELECT user_id, facility_id, role FROM staff_role ORDER BY user_id, facility_id, role", "staff",
        r -> new StaffRole(r.getString(0), r.getString(1), r.getString(2)).checked(), unreadable));
    Future<List<Dataset>> datasets = staff.compose(x -> list(conn,
        "SELECT pid, proposal_id, facility_id, instrument, " + inRange("created_at") + ", "
            + inRange("release_override") + ", public, storage_site, storage_path, size_bytes FROM dataset ORDER BY pid",
        "dataset", r -> {
          dates(r, 4, "created", "releaseDate");
          return new Dataset(r.getString(0), r.getString(1), r.getString(2), r.getString(3), instant(r, 4),
              instant(r, 6), r.getBoolean(8), r.getString(9), r.getString(10),
              r.getLong(11) == null ? 0L : r.getLong(11)).checked();
        }, unreadable));
    return datasets.map(d -> new Versioned(new Snapshot(facilities.result(), proposals.result(), members.result(),
        staff.result(), d), seq, unreadable));
  }

  private static String inRange(String column) {
    return String.format(IN_RANGE, column);
  }

  /** Refuses a row whose date columns (value, out-of-range flag pairs from {@code first}) were out of range. */
  private static void dates(Row r, int first, String... fields) {
    for (int i = 0; i < fields.length; i++) {
      if (Boolean.TRUE.equals(r.getBoolean(first + 2 * i + 1))) {
        throw new InvalidInputException(fields[i], "is stored outside the years 0001 to 9999");
      }
    }
  }

  /** Maps each row; a row the mapper refuses is listed in {@code unreadable} (keyed by its first column). */
  private static <T> Future<List<T>> list(SqlConnection conn, String sql, String entity, Function<Row, T> mapper,
      List<Unreadable> unreadable) {
    return conn.query(sql).execute().map(rows -> {
      List<T> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        try {
          out.add(mapper.apply(r));
        } catch (RuntimeException e) {
          String key = r.getString(0) + (entity.equals("member") || entity.equals("staff") ? " " + r.getString(1) : "");
          unreadable.add(new Unreadable(entity, key, e instanceof InvalidInputException in
              ? in.field() + ": " + in.reason() : e.getClass().getSimpleName()));
        }
      }
      return out;
    });
  }

  private static OffsetDateTime odt(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(Row r, int i) {
    OffsetDateTime t = r.getOffsetDateTime(i);
    return t == null ? null : t.toInstant();
  }
}
