package eu.panosc.pdp;

import eu.panosc.pdp.model.Change;
import eu.panosc.pdp.model.ChangeJson;
import eu.panosc.platform.demo.DemoFederation;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo federation's facilities, proposals (with members), staff roles and datasets as ingest
 * records, written (idempotently) when the control plane runs with {@code --demo}. Release dates are
 * left to the facilities' embargo rule, which gives the fixture's dates.
 */
public final class DemoSeed {
  private DemoSeed() {}

  public static List<Change> changes() {
    JsonObject fixture = DemoFederation.fixture();
    List<Change> out = new ArrayList<>();
    fixture.getJsonArray("facilities").forEach(o -> {
      JsonObject f = (JsonObject) o;
      out.add(ChangeJson.read(new JsonObject().put("type", "facility").put("id", f.getString("id"))
          .put("name", f.getString("name")).put("embargoYears", f.getInteger("embargoYears", 3))));
    });
    fixture.getJsonArray("proposals").forEach(o -> {
      JsonObject p = (JsonObject) o;
      out.add(ChangeJson.read(new JsonObject().put("type", "proposal").put("id", p.getString("id"))
          .put("facility", p.getString("facility")).put("title", p.getString("title"))
          .put("start", p.getString("start")).put("end", p.getString("end"))));
    });
    fixture.getJsonArray("proposals").forEach(o -> {
      JsonObject p = (JsonObject) o;
      p.getJsonArray("members").forEach(m -> {
        JsonObject member = (JsonObject) m;
        out.add(ChangeJson.read(new JsonObject().put("type", "member").put("proposal", p.getString("id"))
            .put("user", member.getString("user")).put("role", member.getString("role"))
            .put("orcid", orcid(fixture, member.getString("user")))));
      });
    });
    fixture.getJsonArray("staffRoles").forEach(o -> {
      JsonObject s = ((JsonObject) o).copy().put("type", "staff");
      out.add(ChangeJson.read(s));
    });
    fixture.getJsonArray("datasets").forEach(o -> {
      JsonObject d = ((JsonObject) o).copy();
      d.remove("state");
      out.add(ChangeJson.read(d.put("type", "dataset")));
    });
    return out;
  }

  private static String orcid(JsonObject fixture, String user) {
    for (Object o : fixture.getJsonArray("users")) {
      JsonObject u = (JsonObject) o;
      if (user.equals(u.getString("id"))) {
        return u.getString("orcid");
      }
    }
    return null;
  }
}
