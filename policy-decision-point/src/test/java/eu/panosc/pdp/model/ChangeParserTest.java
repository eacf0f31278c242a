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
}
