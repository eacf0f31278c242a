package eu.panosc.pdp.model;

import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Change} as JSON, both ways: the ingest record that means it (an NDJSON line of the README, a
 * per-entity body with its key fields filled in from the path) and the change log's stored batches, so a
 * replica replays exactly what the writer applied.
 *
 * <p>Reading yields a {@link Change} that passed {@link Change#checked}: every id, text, date and number is
 * checked with the platform's {@link Input} rule before anything is stored. Faults are
 * {@link InvalidInputException}s naming the field.
 */
public final class ChangeJson {
  private static final int MAX_KEYWORD = 64;

  private ChangeJson() {}

  /** Records as {@link #read} reads them, in order; an element that is not an object is refused by index. */
  public static List<Change> readAll(JsonArray records) {
    List<Change> out = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      if (!(records.getValue(i) instanceof JsonObject o)) {
        throw new InvalidInputException("[" + i + "]", "must be an object");
      }
      out.add(read(o));
    }
    return out;
  }

  /** The records {@link #write} writes, in order. */
  public static JsonArray writeAll(List<Change> changes) {
    JsonArray out = new JsonArray();
    changes.forEach(c -> out.add(write(c)));
    return out;
  }

  /** The ingest record meaning {@code change}; {@link #read} reads it back as an equal change. */
  public static JsonObject write(Change change) {
    return switch (change) {
      case Change.PutFacility(Facility f) -> new JsonObject().put("type", "facility").put("id", f.id())
          .put("name", f.name()).put("embargoYears", f.embargoYears());
      case Change.PutProposal(Proposal p) -> new JsonObject().put("type", "proposal").put("id", p.id())
          .put("facility", p.facility()).put("title", p.title()).put("start", instant(p.start()))
          .put("end", instant(p.end())).put("releaseDate", instant(p.releaseOverride()));
      case Change.PutMember(Member m) -> new JsonObject().put("type", "member").put("proposal", m.proposal())
          .put("user", m.user()).put("orcid", m.orcid()).put("role", m.role());
      case Change.PutStaff(StaffRole s) -> new JsonObject().put("type", "staff").put("user", s.user())
          .put("facility", s.facility()).put("role", s.role());
      case Change.PutDataset(Dataset d) -> new JsonObject().put("type", "dataset").put("pid", d.pid())
          .put("proposal", d.proposal()).put("facility", d.facility()).put("instrument", d.instrument())
          .put("created", instant(d.created())).put("releaseDate", instant(d.releaseOverride()))
          .put("public", d.isPublic())
          .put("storage", new JsonObject().put("site", d.storageSite()).put("path", d.storagePath()))
          .put("sizeBytes", d.sizeBytes());
      case Change.DeleteFacility(String id) -> deleteRecord("facility").put("id", id);
      case Change.DeleteProposal(String id) -> deleteRecord("proposal").put("id", id);
      case Change.DeleteMember(String proposal, String user) -> deleteRecord("member").put("proposal", proposal)
          .put("user", user);
      case Change.DeleteStaff(String user, String facility, String role) -> deleteRecord("staff").put("user", user)
          .put("facility", facility).put("role", role);
      case Change.DeleteDataset(String pid) -> deleteRecord("dataset").put("pid", pid);
    };
  }

  private static JsonObject deleteRecord(String entity) {
    return new JsonObject().put("type", "delete").put("entity", entity);
  }

  private static String instant(Instant i) {
    return i == null ? null : i.toString();
  }

  /** A record with a {@code type}: facility, proposal, member, staff, dataset or delete. */
  public static Change read(JsonObject o) {
    String type = text(o, "type", true, MAX_KEYWORD);
    return switch (type) {
      case "facility" -> new Change.PutFacility(facility(o));
      case "proposal" -> new Change.PutProposal(proposal(o));
      case "member" -> new Change.PutMember(member(o));
      case "staff" -> new Change.PutStaff(staff(o));
      case "dataset" -> new Change.PutDataset(dataset(o));
      case "delete" -> delete(o);
      default -> throw new InvalidInputException("type",
          "must be facility, proposal, member, staff, dataset or delete");
    };
  }

  public static Facility facility(JsonObject o) {
    return new Facility(id(o, "id"), text(o, "name", false, Facility.MAX_NAME),
        (int) integer(o, "embargoYears", 3, 0, Facility.MAX_EMBARGO_YEARS)).checked();
  }

  public static Proposal proposal(JsonObject o) {
    String id = id(o, "id");
    String facility = id(o, "facility");
    String title = text(o, "title", false, Proposal.MAX_TITLE);
    Instant start = time(o, "start", false);
    Instant end = time(o, "end", true);
    return new Proposal(id, facility, title, start, end, time(o, "releaseDate", false)).checked();
  }

  public static Member member(JsonObject o) {
    String proposal = id(o, "proposal");
    String user = id(o, "user");
    String orcid = text(o, "orcid", false, Member.MAX_ORCID);
    String role = text(o, "role", true, MAX_KEYWORD);
    if (!Member.ROLES.contains(role)) {
      throw new InvalidInputException("role", "must be pi, co-proposer or local-contact");
    }
    return new Member(proposal, user, orcid, role).checked();
  }

  public static StaffRole staff(JsonObject o) {
    String user = id(o, "user");
    String facility = id(o, "facility");
    return new StaffRole(user, facility, StaffRole.checkRole(text(o, "role", true, MAX_KEYWORD))).checked();
  }

  public static Dataset dataset(JsonObject o) {
    String pid = id(o, "pid");
    String proposal = id(o, "proposal");
    String facility = id(o, "facility");
    String instrument = text(o, "instrument", false, Input.MAX_ID);
    Object storage = o.getValue("storage");
    String site = null;
    String path = null;
    if (storage != null) {
      if (!(storage instanceof JsonObject s)) {
        throw new InvalidInputException("storage", "must be an object {site, path}");
      }
      site = prefixed("storage.", () -> text(s, "site", false, Dataset.MAX_SITE));
      path = prefixed("storage.", () -> text(s, "path", false, Dataset.MAX_PATH));
    }
    long sizeBytes = integer(o, "sizeBytes", 0, 0, Long.MAX_VALUE);
    Object pub = o.getValue("public");
    if (pub != null && !(pub instanceof Boolean)) {
      throw new InvalidInputException("public", "must be true or false");
    }
    Instant created = time(o, "created", true);
    Instant release = time(o, "releaseDate", false);
    return new Dataset(pid, proposal, facility, instrument, created, release, Boolean.TRUE.equals(pub), site, path,
        sizeBytes).checked();
  }

  public static Change delete(JsonObject o) {
    String entity = text(o, "entity", true, MAX_KEYWORD);
    return switch (entity) {
      case "facility" -> Change.checked(new Change.DeleteFacility(id(o, "id")));
      case "proposal" -> Change.checked(new Change.DeleteProposal(id(o, "id")));
      case "member" -> Change.checked(new Change.DeleteMember(id(o, "proposal"), id(o, "user")));
      case "staff" -> {
        String user = id(o, "user");
        String facility = id(o, "facility");
        yield Change.checked(new Change.DeleteStaff(user, facility,
            StaffRole.checkRole(text(o, "role", true, MAX_KEYWORD))));
      }
      case "dataset" -> Change.checked(new Change.DeleteDataset(id(o, "pid")));
      default -> throw new InvalidInputException("entity", "must be facility, proposal, member, staff or dataset");
    };
  }

  private static String prefixed(String prefix, java.util.function.Supplier<String> read) {
    try {
      return read.get();
    } catch (InvalidInputException e) {
      throw new InvalidInputException(prefix + e.field(), e.reason());
    }
  }

  private static String id(JsonObject o, String field) {
    return Input.id(field, string(o, field, true));
  }

  private static String text(JsonObject o, String field, boolean required, int max) {
    return Input.text(field, string(o, field, required), max, required);
  }

  private static String string(JsonObject o, String field, boolean required) {
    Object v = o.getValue(field);
    if (v == null) {
      if (required) {
        throw new InvalidInputException(field, "is required");
      }
      return null;
    }
    if (!(v instanceof String s)) {
      throw new InvalidInputException(field, "must be a string");
    }
    return s;
  }

  /** A JSON integer in {@code [min, max]}: a fraction, an exponent beyond the range or a string is refused. */
  private static long integer(JsonObject o, String field, long fallback, long min, long max) {
    Object v = o.getValue(field);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Number n)) {
      throw new InvalidInputException(field, "must be an integer from " + min + " to " + max);
    }
    BigDecimal exact;
    try {
      exact = n instanceof BigDecimal b ? b : n instanceof BigInteger b ? new BigDecimal(b)
          : n instanceof Double || n instanceof Float ? new BigDecimal(n.doubleValue()) : BigDecimal.valueOf(n.longValue());
    } catch (NumberFormatException e) { // NaN or an infinity
      throw new InvalidInputException(field, "must be an integer from " + min + " to " + max);
    }
    if (exact.signum() != 0 && exact.stripTrailingZeros().scale() > 0
        || exact.compareTo(BigDecimal.valueOf(min)) < 0 || exact.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw new InvalidInputException(field, "must be an integer from " + min + " to " + max);
    }
    return exact.longValueExact();
  }

  private static Instant time(JsonObject o, String field, boolean required) {
    return Input.instant(field, string(o, field, required), required);
  }
}
