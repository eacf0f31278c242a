package eu.panosc.pdp.admin;

import eu.panosc.pdp.model.Change;
import eu.panosc.pdp.model.Dataset;
import eu.panosc.pdp.model.Facility;
import eu.panosc.pdp.model.Member;
import eu.panosc.pdp.model.Proposal;
import eu.panosc.pdp.model.StaffRole;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Reads one ingest record (an NDJSON line, or a per-entity body with its key fields filled in from
 * the path) into a {@link Change}. Faults are {@link IllegalArgumentException}s naming the field.
 */
public final class ChangeParser {
  private static final int MAX_ID = 512;

  private ChangeParser() {}

  /** A record with a {@code type}: facility, proposal, member, staff, dataset or delete. */
  public static Change parse(JsonObject o) {
    String type = text(o, "type", true);
    return switch (type) {
      case "facility" -> new Change.PutFacility(facility(o));
      case "proposal" -> new Change.PutProposal(proposal(o));
      case "member" -> new Change.PutMember(member(o));
      case "staff" -> new Change.PutStaff(staff(o));
      case "dataset" -> new Change.PutDataset(dataset(o));
      case "delete" -> delete(o);
      default -> throw new IllegalArgumentException(
          "type: must be facility, proposal, member, staff, dataset or delete, not '" + type + "'");
    };
  }

  static Facility facility(JsonObject o) {
    return new Facility(id(o, "id"), text(o, "name", false), integer(o, "embargoYears", 3, 0, 100));
  }

  static Proposal proposal(JsonObject o) {
    Instant start = time(o, "start", false);
    Instant end = time(o, "end", true);
    if (start != null && end.isBefore(start)) {
      throw new IllegalArgumentException("end: must not be before start");
    }
    return new Proposal(id(o, "id"), id(o, "facility"), text(o, "title", false), start, end,
        time(o, "releaseDate", false));
  }

  static Member member(JsonObject o) {
    String role = text(o, "role", true);
    if (!Member.ROLES.contains(role)) {
      throw new IllegalArgumentException("role: must be pi, co-proposer or local-contact, not '" + role + "'");
    }
    return new Member(id(o, "proposal"), id(o, "user"), text(o, "orcid", false), role);
  }

  static StaffRole staff(JsonObject o) {
    String role = text(o, "role", true);
    if (!StaffRole.ROLES.contains(role)) {
      throw new IllegalArgumentException("role: must be staff-scientist, data-manager or admin, not '" + role + "'");
    }
    return new StaffRole(id(o, "user"), id(o, "facility"), role);
  }

  static Dataset dataset(JsonObject o) {
    Object storage = o.getValue("storage");
    String site = null;
    String path = null;
    if (storage != null) {
      if (!(storage instanceof JsonObject s)) {
        throw new IllegalArgumentException("storage: must be an object {site, path}");
      }
      site = text(s, "site", false);
      path = text(s, "path", false);
    }
    Object size = o.getValue("sizeBytes");
    long sizeBytes = 0;
    if (size != null) {
      if (!(size instanceof Number n) || n.longValue() < 0 || n.doubleValue() != n.longValue()) {
        throw new IllegalArgumentException("sizeBytes: must be a non-negative integer");
      }
      sizeBytes = n.longValue();
    }
    Object pub = o.getValue("public");
    if (pub != null && !(pub instanceof Boolean)) {
      throw new IllegalArgumentException("public: must be true or false");
    }
    return new Dataset(id(o, "pid"), id(o, "proposal"), id(o, "facility"), text(o, "instrument", false),
        time(o, "created", true), time(o, "releaseDate", false), Boolean.TRUE.equals(pub), site, path, sizeBytes);
  }

  static Change delete(JsonObject o) {
    String entity = text(o, "entity", true);
    return switch (entity) {
      case "facility" -> new Change.DeleteFacility(id(o, "id"));
      case "proposal" -> new Change.DeleteProposal(id(o, "id"));
      case "member" -> new Change.DeleteMember(id(o, "proposal"), id(o, "user"));
      case "staff" -> {
        String role = text(o, "role", true);
        if (!StaffRole.ROLES.contains(role)) {
          throw new IllegalArgumentException("role: must be staff-scientist, data-manager or admin");
        }
        yield new Change.DeleteStaff(id(o, "user"), id(o, "facility"), role);
      }
      case "dataset" -> new Change.DeleteDataset(id(o, "pid"));
      default -> throw new IllegalArgumentException(
          "entity: must be facility, proposal, member, staff or dataset, not '" + entity + "'");
    };
  }

  private static String id(JsonObject o, String field) {
    String v = text(o, field, true);
    if (v.isBlank() || v.length() > MAX_ID) {
      throw new IllegalArgumentException(field + ": must be 1 to " + MAX_ID + " characters");
    }
    if (v.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException(field + ": must not contain control characters");
    }
    return v;
  }

  private static String text(JsonObject o, String field, boolean required) {
    Object v = o.getValue(field);
    if (v == null) {
      if (required) {
        throw new IllegalArgumentException(field + ": is required");
      }
      return null;
    }
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException(field + ": must be a string");
    }
    return s;
  }

  private static int integer(JsonObject o, String field, int fallback, int min, int max) {
    Object v = o.getValue(field);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Number n) || n.doubleValue() != n.intValue() || n.intValue() < min || n.intValue() > max) {
      throw new IllegalArgumentException(field + ": must be an integer from " + min + " to " + max);
    }
    return n.intValue();
  }

  private static Instant time(JsonObject o, String field, boolean required) {
    String v = text(o, field, required);
    if (v == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(v).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(field + ": must be an RFC 3339 date-time such as 2025-03-14T08:00:00Z");
    }
  }
}
