package eu.panosc.pdp.store;

import eu.panosc.pdp.model.ChangeParser;
import eu.panosc.pdp.model.Change;
import eu.panosc.pdp.model.Dataset;
import eu.panosc.pdp.model.Facility;
import eu.panosc.pdp.model.Member;
import eu.panosc.pdp.model.Proposal;
import eu.panosc.pdp.model.StaffRole;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a {@link Change} as the ingest record that means it (the NDJSON format of the README), and
 * reads it back with {@link ChangeParser}. The change log stores a batch as an array of such records, so
 * a replica replays exactly what the writer applied.
 */
public final class ChangeCodec {
  private ChangeCodec() {}

  public static JsonArray encode(List<Change> changes) {
    JsonArray out = new JsonArray();
    changes.forEach(c -> out.add(encode(c)));
    return out;
  }

  public static List<Change> decode(JsonArray records) {
    List<Change> out = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      out.add(ChangeParser.parse(records.getJsonObject(i)));
    }
    return out;
  }

  public static JsonObject encode(Change change) {
    return switch (change) {
      case Change.PutFacility(Facility f) -> new JsonObject().put("type", "facility").put("id", f.id())
          .put("name", f.name()).put("embargoYears", f.embargoYears());
      case Change.PutProposal(Proposal p) -> new JsonObject().put("type", "proposal").put("id", p.id())
          .put("facility", p.facility()).put("title", p.title()).put("start", time(p.start()))
          .put("end", time(p.end())).put("releaseDate", time(p.releaseOverride()));
      case Change.PutMember(Member m) -> new JsonObject().put("type", "member").put("proposal", m.proposal())
          .put("user", m.user()).put("orcid", m.orcid()).put("role", m.role());
      case Change.PutStaff(StaffRole s) -> new JsonObject().put("type", "staff").put("user", s.user())
          .put("facility", s.facility()).put("role", s.role());
      case Change.PutDataset(Dataset d) -> new JsonObject().put("type", "dataset").put("pid", d.pid())
          .put("proposal", d.proposal()).put("facility", d.facility()).put("instrument", d.instrument())
          .put("created", time(d.created())).put("releaseDate", time(d.releaseOverride()))
          .put("public", d.isPublic())
          .put("storage", new JsonObject().put("site", d.storageSite()).put("path", d.storagePath()))
          .put("sizeBytes", d.sizeBytes());
      case Change.DeleteFacility(String id) -> delete("facility").put("id", id);
      case Change.DeleteProposal(String id) -> delete("proposal").put("id", id);
      case Change.DeleteMember(String proposal, String user) -> delete("member").put("proposal", proposal)
          .put("user", user);
      case Change.DeleteStaff(String user, String facility, String role) -> delete("staff").put("user", user)
          .put("facility", facility).put("role", role);
      case Change.DeleteDataset(String pid) -> delete("dataset").put("pid", pid);
    };
  }

  private static JsonObject delete(String entity) {
    return new JsonObject().put("type", "delete").put("entity", entity);
  }

  private static String time(Instant i) {
    return i == null ? null : i.toString();
  }
}
