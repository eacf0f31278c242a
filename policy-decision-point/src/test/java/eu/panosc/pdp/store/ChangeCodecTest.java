package eu.panosc.pdp.store;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.pdp.model.Change;
import eu.panosc.pdp.model.Dataset;
import eu.panosc.pdp.model.Facility;
import eu.panosc.pdp.model.Member;
import eu.panosc.pdp.model.Proposal;
import eu.panosc.pdp.model.StaffRole;
import io.vertx.core.json.JsonArray;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A change log entry replays exactly the changes that were written. */
class ChangeCodecTest {
  @Test
  void encodeWhenEveryKindOfChangeThenDecodedBackEqual() {
    Instant t = Instant.parse("2025-03-12T14:00:00.123Z");
    List<Change> changes = List.of(
        new Change.PutFacility(new Facility("esrf", null, 0)),
        new Change.PutFacility(new Facility("ill", "Institut Laue-Langevin", 5)),
        new Change.PutProposal(new Proposal("esrf:MX-1", "esrf", null, null, t, null)),
        new Change.PutProposal(new Proposal("esrf:MX-2", "esrf", "T", t.minusSeconds(60), t, t.plusSeconds(3600))),
        new Change.PutMember(new Member("esrf:MX-1", "alice@demo.panosc.eu", null, "pi")),
        new Change.PutMember(new Member("esrf:MX-1", "bob", "0000-0002-1825-0097", "local-contact")),
        new Change.PutStaff(new StaffRole("carol", "ill", "data-manager")),
        new Change.PutDataset(new Dataset("10.1/a/b", "esrf:MX-1", "esrf", null, t, null, false, null, null, 0)),
        new Change.PutDataset(new Dataset("10.1/c", "esrf:MX-1", "esrf", "esrf:id23", t, t, true, "s", "/p", 1L << 40)),
        new Change.DeleteFacility("x"),
        new Change.DeleteProposal("esrf:MX-2"),
        new Change.DeleteMember("esrf:MX-1", "bob"),
        new Change.DeleteStaff("carol", "ill", "data-manager"),
        new Change.DeleteDataset("10.1/c"));
    JsonArray stored = new JsonArray(ChangeCodec.encode(changes).encode());
    assertThat(ChangeCodec.decode(stored)).isEqualTo(changes);
  }

  @Test
  void entryWhenStoredBatchCannotBeReadThenItsProblemNotAnException() {
    assertThat(ChangeLog.entry(7, "[{\"type\":\"delete\",\"entity\":\"dataset\",\"pid\":\"" + "x".repeat(600) + "\"}]"))
        .satisfies(e -> {
          assertThat(e.changes()).isEmpty();
          assertThat(e.problem()).startsWith("pid: must be 1 to 512 characters");
        });
    assertThat(ChangeLog.entry(8, "[\"not a record\"]").problem()).isNotNull();
    assertThat(ChangeLog.entry(9, "{").problem()).isNotNull();
    assertThat(ChangeLog.entry(10, "[]").problem()).isNull();
  }
}
