package eu.panosc.pdp.model;

import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;

/**
 * Reads one ingest record (an NDJSON line, a per-entity body with its key fields filled in from the path,
 * or a change log entry) into a {@link Change} that passed {@link Change#checked}: every id, text, date and
 * number is checked with the platform's {@link Input} rule before anything is stored. Faults are
 * {@link InvalidInputException}s naming the field.
 */
public final class ChangeParser {
  private static final int MAX_KEYWORD = 64;

  private ChangeParser() {}

  /** A record with a {@code type}: facility, proposal, member, staff, dataset or delete. */
  public static Change parse(JsonObject o) {
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
