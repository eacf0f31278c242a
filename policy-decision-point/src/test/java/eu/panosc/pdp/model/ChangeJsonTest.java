package eu.panosc.pdp.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.pdp.DemoSeed;
import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ingest records and change log batches: every field checked by the input rule, and what is written reads
 * back as the same changes.
 */
class ChangeJsonTest {
  @Test
  void writeAllWhenEveryKindOfChangeThenReadBackEqual() {
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
    JsonArray stored = new JsonArray(ChangeJson.writeAll(changes).encode());
    assertThat(ChangeJson.readAll(stored)).isEqualTo(changes);
    assertThat(changes).allSatisfy(c -> assertThat(ChangeJson.read(ChangeJson.write(c))).isEqualTo(c));
  }

  @Test
  void readAllWhenAnElementIsNotAnObjectThenNamesItsIndex() {
    assertThatThrownBy(() -> ChangeJson.readAll(new JsonArray().add(new JsonObject().put("type", "facility")
        .put("id", "f")).add("not a record")))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("[1]"));
  }

  @Test
  void readWhenDatasetLineThenAllFields() {
    Change c = ChangeJson.read(new JsonObject("""
        {"type":"dataset","pid":"10.1/x","proposal":"esrf:MX-1","facility":"esrf","instrument":"esrf:id19",
         "created":"2025-03-12T14:00:00Z","releaseDate":"2026-01-01T00:00:00+01:00","public":true,
         "storage":{"site":"gpfs","path":"/d"},"sizeBytes":42}"""));
    assertThat(c).isInstanceOfSatisfying(Change.PutDataset.class, d -> {
      assertThat(d.dataset().releaseOverride()).isEqualTo(Instant.parse("2025-12-31T23:00:00Z"));
      assertThat(d.dataset().isPublic()).isTrue();
      assertThat(d.dataset().sizeBytes()).isEqualTo(42);
      assertThat(d.dataset().storagePath()).isEqualTo("/d");
    });
  }

  @Test
  void readWhenFieldMistypedThenNamesField() {
    assertThatThrownBy(() -> ChangeJson.read(new JsonObject("{\"type\":\"facility\",\"id\":\"esrf\",\"embargoYears\":\"3\"}")))
        .hasMessageStartingWith("embargoYears:");
    assertThatThrownBy(() -> ChangeJson.read(new JsonObject("{\"type\":\"member\",\"proposal\":\"p\",\"user\":\"u\",\"role\":\"boss\"}")))
        .hasMessageStartingWith("role:");
    assertThatThrownBy(() -> ChangeJson.read(new JsonObject("{\"type\":\"proposal\",\"id\":\"p\",\"facility\":\"f\",\"end\":\"yesterday\"}")))
        .hasMessageStartingWith("end:");
    assertThatThrownBy(() -> ChangeJson.read(new JsonObject("{\"type\":\"thing\"}"))).hasMessageStartingWith("type:");
  }

  @Test
  void changesWhenDemoFixtureThenEveryEntity() {
    assertThat(DemoSeed.changes()).hasSize(6 + 4 + 5 + 2 + 5);
  }

  @Test
  void readWhenDatesOutsideYears1To9999ThenNamesField() {
    String dataset = "{\"type\":\"dataset\",\"pid\":\"10.1/x\",\"proposal\":\"esrf:MX-1\",\"facility\":\"esrf\","
        + "\"created\":\"%s\",\"releaseDate\":\"%s\"}";
    assertThatThrownBy(() -> ChangeJson.read(new JsonObject(dataset.formatted("2025-01-01T00:00:00Z",
        "+10000-01-01T00:00:00Z")))).isInstanceOf(eu.panosc.platform.input.InvalidInputException.class)
        .hasMessageStartingWith("releaseDate:");
    assertThatThrownBy(() -> ChangeJson.read(new JsonObject(dataset.formatted("0000-01-01T00:00:00Z",
        "2026-01-01T00:00:00Z")))).hasMessageStartingWith("created:");
    assertThatThrownBy(() -> ChangeJson.read(new JsonObject(
        "{\"type\":\"proposal\",\"id\":\"esrf:P\",\"facility\":\"esrf\",\"end\":\"+999999999-01-01T00:00:00Z\"}")))
        .hasMessageStartingWith("end:");
  }

  @Test
  void readWhenInstantHasNanosThenTruncatedToMicrosAsStored() {
    Change c = ChangeJson.read(new JsonObject(
        "{\"type\":\"proposal\",\"id\":\"esrf:P\",\"facility\":\"esrf\",\"end\":\"2025-01-01T00:00:00.123456789Z\"}"));
    assertThat(((Change.PutProposal) c).proposal().end()).isEqualTo(Instant.parse("2025-01-01T00:00:00.123456Z"));
  }

  @Test
  void readWhenNumbersOutOfRangeOrNotIntegersThenNamesField() {
    for (String v : new String[] {"-1", "1.5", "1e30", "18446744073709551621", "\"7\""}) {
      assertThatThrownBy(() -> ChangeJson.read(new JsonObject("{\"type\":\"dataset\",\"pid\":\"p\","
          + "\"proposal\":\"esrf:P\",\"facility\":\"esrf\",\"created\":\"2025-01-01T00:00:00Z\",\"sizeBytes\":" + v + "}")))
          .as(v).hasMessageStartingWith("sizeBytes:");
    }
    assertThatThrownBy(() -> ChangeJson.read(new JsonObject("{\"type\":\"facility\",\"id\":\"f\",\"embargoYears\":4294967299}")))
        .hasMessageStartingWith("embargoYears:");
    assertThat(ChangeJson.read(new JsonObject("{\"type\":\"facility\",\"id\":\"f\",\"embargoYears\":5.0}")))
        .isEqualTo(new Change.PutFacility(new Facility("f", null, 5)));
  }

  @Test
  void readWhenRecordContradictsItsFacilityThenNamesField() {
    assertThatThrownBy(() -> ChangeJson.read(new JsonObject("{\"type\":\"dataset\",\"pid\":\"p\","
        + "\"proposal\":\"esrf:MX-2415\",\"facility\":\"ill\",\"created\":\"2025-01-01T00:00:00Z\"}")))
        .hasMessageStartingWith("facility: must be the facility of proposal esrf:MX-2415");
    assertThatThrownBy(() -> ChangeJson.read(new JsonObject("{\"type\":\"dataset\",\"pid\":\"p\","
        + "\"proposal\":\"esrf:MX-2415\",\"facility\":\"esrf\",\"instrument\":\"ill:d22\","
        + "\"created\":\"2025-01-01T00:00:00Z\"}"))).hasMessageStartingWith("instrument:");
    assertThatThrownBy(() -> ChangeJson.read(new JsonObject(
        "{\"type\":\"proposal\",\"id\":\"esrf:MX-2415\",\"facility\":\"ill\",\"end\":\"2025-01-01T00:00:00Z\"}")))
        .hasMessageStartingWith("id:");
  }

  @Test
  void readWhenDeleteKeyTooLongOrWithControlCharactersThenNamesField() {
    assertThatThrownBy(() -> ChangeJson.read(new JsonObject().put("type", "delete").put("entity", "dataset")
        .put("pid", "x".repeat(600)))).hasMessageStartingWith("pid: must be 1 to 512 characters");
    assertThatThrownBy(() -> ChangeJson.read(new JsonObject().put("type", "delete").put("entity", "member")
        .put("proposal", "esrf:P").put("user", "a\u0000b"))).hasMessageStartingWith("user:");
  }

  @Test
  void checkedWhenBuiltInCodeThenSameRuleAsParsed() {
    assertThatThrownBy(() -> Change.checked(new Change.DeleteDataset("x".repeat(513))))
        .hasMessageStartingWith("pid:");
    assertThatThrownBy(() -> Change.checked(new Change.PutProposal(new Proposal("esrf:P", "esrf", "t\u0000", null,
        Instant.parse("2025-01-01T00:00:00Z"), null)))).hasMessageStartingWith("title:");
  }

  @Test
  void releaseDateWhenEndPlusEmbargoBeyondYear9999ThenCappedAtTheLatestInstant() {
    Proposal p = new Proposal("esrf:P", "esrf", null, null, Instant.parse("9999-06-01T00:00:00Z"), null);
    assertThat(p.releaseDate(new Facility("esrf", null, 100))).isEqualTo(eu.panosc.platform.input.Input.MAX_INSTANT);
  }
}
