package eu.panosc.pdp.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.pdp.DemoSeed;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ChangeParserTest {
  @Test
  void parseWhenDatasetLineThenAllFields() {
    Change c = ChangeParser.parse(new JsonObject("""
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
  void parseWhenFieldMistypedThenNamesField() {
    assertThatThrownBy(() -> ChangeParser.parse(new JsonObject("{\"type\":\"facility\",\"id\":\"esrf\",\"embargoYears\":\"3\"}")))
        .hasMessageStartingWith("embargoYears:");
    assertThatThrownBy(() -> ChangeParser.parse(new JsonObject("{\"type\":\"member\",\"proposal\":\"p\",\"user\":\"u\",\"role\":\"boss\"}")))
        .hasMessageStartingWith("role:");
    assertThatThrownBy(() -> ChangeParser.parse(new JsonObject("{\"type\":\"proposal\",\"id\":\"p\",\"facility\":\"f\",\"end\":\"yesterday\"}")))
        .hasMessageStartingWith("end:");
    assertThatThrownBy(() -> ChangeParser.parse(new JsonObject("{\"type\":\"thing\"}"))).hasMessageStartingWith("type:");
  }

  @Test
  void changesWhenDemoFixtureThenEveryEntity() {
    assertThat(DemoSeed.changes()).hasSize(6 + 4 + 5 + 2 + 5);
  }

  @Test
  void parseWhenDatesOutsideYears1To9999ThenNamesField() {
    String dataset = "{\"type\":\"dataset\",\"pid\":\"10.1/x\",\"proposal\":\"esrf:MX-1\",\"facility\":\"esrf\","
        + "\"created\":\"%s\",\"releaseDate\":\"%s\"}";
    assertThatThrownBy(() -> ChangeParser.parse(new JsonObject(dataset.formatted("2025-01-01T00:00:00Z",
        "+10000-01-01T00:00:00Z")))).isInstanceOf(eu.panosc.platform.input.InvalidInputException.class)
        .hasMessageStartingWith("releaseDate:");
    assertThatThrownBy(() -> ChangeParser.parse(new JsonObject(dataset.formatted("0000-01-01T00:00:00Z",
        "2026-01-01T00:00:00Z")))).hasMessageStartingWith("created:");
    assertThatThrownBy(() -> ChangeParser.parse(new JsonObject(
        "{\"type\":\"proposal\",\"id\":\"esrf:P\",\"facility\":\"esrf\",\"end\":\"+999999999-01-01T00:00:00Z\"}")))
        .hasMessageStartingWith("end:");
  }

  @Test
  void parseWhenInstantHasNanosThenTruncatedToMicrosAsStored() {
    Change c = ChangeParser.parse(new JsonObject(
        "{\"type\":\"proposal\",\"id\":\"esrf:P\",\"facility\":\"esrf\",\"end\":\"2025-01-01T00:00:00.123456789Z\"}"));
    assertThat(((Change.PutProposal) c).proposal().end()).isEqualTo(Instant.parse("2025-01-01T00:00:00.123456Z"));
  }

  @Test
  void parseWhenNumbersOutOfRangeOrNotIntegersThenNamesField() {
    for (String v : new String[] {"-1", "1.5", "1e30", "18446744073709551621", "\"7\""}) {
      assertThatThrownBy(() -> ChangeParser.parse(new JsonObject("{\"type\":\"dataset\",\"pid\":\"p\","
          + "\"proposal\":\"esrf:P\",\"facility\":\"esrf\",\"created\":\"2025-01-01T00:00:00Z\",\"sizeBytes\":" + v + "}")))
          .as(v).hasMessageStartingWith("sizeBytes:");
    }
    assertThatThrownBy(() -> ChangeParser.parse(new JsonObject("{\"type\":\"facility\",\"id\":\"f\",\"embargoYears\":4294967299}")))
        .hasMessageStartingWith("embargoYears:");
    assertThat(ChangeParser.parse(new JsonObject("{\"type\":\"facility\",\"id\":\"f\",\"embargoYears\":5.0}")))
        .isEqualTo(new Change.PutFacility(new Facility("f", null, 5)));
  }

  @Test
  void parseWhenRecordContradictsItsFacilityThenNamesField() {
    assertThatThrownBy(() -> ChangeParser.parse(new JsonObject("{\"type\":\"dataset\",\"pid\":\"p\","
        + "\"proposal\":\"esrf:MX-2415\",\"facility\":\"ill\",\"created\":\"2025-01-01T00:00:00Z\"}")))
        .hasMessageStartingWith("facility: must be the facility of proposal esrf:MX-2415");
    assertThatThrownBy(() -> ChangeParser.parse(new JsonObject("{\"type\":\"dataset\",\"pid\":\"p\","
        + "\"proposal\":\"esrf:MX-2415\",\"facility\":\"esrf\",\"instrument\":\"ill:d22\","
        + "\"created\":\"2025-01-01T00:00:00Z\"}"))).hasMessageStartingWith("instrument:");
    assertThatThrownBy(() -> ChangeParser.parse(new JsonObject(
        "{\"type\":\"proposal\",\"id\":\"esrf:MX-2415\",\"facility\":\"ill\",\"end\":\"2025-01-01T00:00:00Z\"}")))
        .hasMessageStartingWith("id:");
  }

  @Test
  void parseWhenDeleteKeyTooLongOrWithControlCharactersThenNamesField() {
    assertThatThrownBy(() -> ChangeParser.parse(new JsonObject().put("type", "delete").put("entity", "dataset")
        .put("pid", "x".repeat(600)))).hasMessageStartingWith("pid: must be 1 to 512 characters");
    assertThatThrownBy(() -> ChangeParser.parse(new JsonObject().put("type", "delete").put("entity", "member")
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
