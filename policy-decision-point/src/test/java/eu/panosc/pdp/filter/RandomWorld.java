package eu.panosc.pdp.filter;

import eu.panosc.pdp.model.Dataset;
import eu.panosc.pdp.model.Facility;
import eu.panosc.pdp.model.Member;
import eu.panosc.pdp.model.Proposal;
import eu.panosc.pdp.model.StaffRole;
import eu.panosc.pdp.store.Snapshot;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded random world for checking filters against decisions: three facilities (embargo 0–3 years),
 * proposals ending around {@link #NOW} (some with release overrides exactly at {@code NOW}), users with
 * random roles, staff roles, and datasets (some public, some with their own release date).
 */
final class RandomWorld {
  static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  static final List<String> FACILITIES = List.of("esrf", "ill", "xfel");
  static final List<String> USERS = List.of("u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7");
  private static final String[] MEMBER_ROLES = {"pi", "co-proposer", "local-contact"};
  private static final String[] STAFF_ROLES = {"staff-scientist", "data-manager", "admin"};

  private RandomWorld() {}

  static Snapshot snapshot(long seed, int proposals, int datasets) {
    Random r = new Random(seed);
    List<Facility> facilities = new ArrayList<>();
    for (int i = 0; i < FACILITIES.size(); i++) {
      facilities.add(new Facility(FACILITIES.get(i), FACILITIES.get(i).toUpperCase(), i));
    }
    List<Proposal> ps = new ArrayList<>();
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < proposals; i++) {
      String f = FACILITIES.get(r.nextInt(FACILITIES.size()));
      Instant end = NOW.minus(Duration.ofDays(r.nextInt(6 * 365))).plus(Duration.ofDays(r.nextInt(400)));
      Instant override = r.nextInt(5) == 0 ? NOW : r.nextInt(5) == 0 ? NOW.plusSeconds(1) : null;
      String id = f + ":P-" + i;
      ps.add(new Proposal(id, f, "Proposal " + i, end.minus(Duration.ofDays(3)), end, override));
      for (String u : USERS) {
        if (r.nextInt(4) == 0) {
          members.add(new Member(id, u, null, MEMBER_ROLES[r.nextInt(MEMBER_ROLES.length)]));
        }
      }
    }
    List<StaffRole> staff = new ArrayList<>();
    for (String u : USERS) {
      if (r.nextInt(3) == 0) {
        staff.add(new StaffRole(u, FACILITIES.get(r.nextInt(FACILITIES.size())), STAFF_ROLES[r.nextInt(3)]));
      }
    }
    List<Dataset> ds = new ArrayList<>();
    for (int i = 0; i < datasets; i++) {
      Proposal p = ps.get(r.nextInt(ps.size()));
      Instant override = r.nextInt(6) == 0 ? NOW.plusSeconds(r.nextInt(3) - 1) : null;
      ds.add(new Dataset(String.format("10.5555/%s-%05d", p.facility(), i), p.id(), p.facility(), p.facility() + ":i",
          p.end().minus(Duration.ofDays(1)), override, r.nextInt(8) == 0, "site", "/data/" + i, 1000L + i));
    }
    return new Snapshot(facilities, ps, members, staff, ds);
  }

  /** The snapshot as the NDJSON a user office would send to {@code /pdp/v1/ingest}. */
  static String ndjson(Snapshot s) {
    StringBuilder out = new StringBuilder();
    s.facilities().forEach(f -> out.append(new JsonObject().put("type", "facility").put("id", f.id())
        .put("name", f.name()).put("embargoYears", f.embargoYears()).encode()).append('\n'));
    s.proposals().forEach(p -> {
      JsonObject o = new JsonObject().put("type", "proposal").put("id", p.id()).put("facility", p.facility())
          .put("title", p.title()).put("start", p.start().toString()).put("end", p.end().toString());
      if (p.releaseOverride() != null) {
        o.put("releaseDate", p.releaseOverride().toString());
      }
      out.append(o.encode()).append('\n');
    });
    s.members().forEach(m -> out.append(new JsonObject().put("type", "member").put("proposal", m.proposal())
        .put("user", m.user()).put("role", m.role()).encode()).append('\n'));
    s.staff().forEach(m -> out.append(new JsonObject().put("type", "staff").put("user", m.user())
        .put("facility", m.facility()).put("role", m.role()).encode()).append('\n'));
    s.datasets().forEach(d -> {
      JsonObject o = new JsonObject().put("type", "dataset").put("pid", d.pid()).put("proposal", d.proposal())
          .put("facility", d.facility()).put("instrument", d.instrument()).put("created", d.created().toString())
          .put("public", d.isPublic()).put("sizeBytes", d.sizeBytes());
      if (d.releaseOverride() != null) {
        o.put("releaseDate", d.releaseOverride().toString());
      }
      out.append(o.encode()).append('\n');
    });
    return out.toString();
  }
}
