package eu.panosc.keycloak.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class UsageRecordsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T = Instant.parse("2026-12-07T10:15:30.123Z");

  @Test
  void aLoginIsOneSessionRecordKeyedByTheEventId() throws Exception {
    JsonNode r = JSON.readTree(UsageRecords.line(new UsageRecords.UsageEvent("ev-1", "LOGIN", T, "esrf",
        "portal", "sess-9", "pairwise-abc"), "keycloak", "esrf"));
    assertThat(r.get("source").asText()).isEqualTo("keycloak");
    assertThat(r.get("recordId").asText()).isEqualTo("ev-1");
    assertThat(r.get("facility").asText()).isEqualTo("esrf");
    assertThat(r.get("installation").asText()).isEqualTo("esrf/portal");
    assertThat(r.get("session").asText()).isEqualTo("sess-9");
    assertThat(r.get("user").asText()).isEqualTo("pairwise-abc");
    assertThat(r.get("metric").asText()).isEqualTo("sessions");
    assertThat(r.get("start").asText()).isEqualTo("2026-12-07T10:15:30.123Z").isEqualTo(r.get("end").asText());
    assertThat(r.get("value").asInt()).isEqualTo(1);
    assertThat(r.size()).as("only accounting's members").isEqualTo(10);
  }

  @Test
  void tokenEventsCountZeroAndAServiceAccountHasNoUser() throws Exception {
    JsonNode r = JSON.readTree(UsageRecords.line(new UsageRecords.UsageEvent("ev-2", "CODE_TO_TOKEN", T, "esrf",
        "portal", null, null), "keycloak", "esrf"));
    assertThat(r.get("value").asInt()).isZero();
    assertThat(r.has("user")).isFalse();
    assertThat(r.has("session")).isFalse();
    JsonNode c = JSON.readTree(UsageRecords.line(new UsageRecords.UsageEvent("ev-3", "CLIENT_LOGIN", T, "esrf",
        "batch", null, null), "keycloak", "esrf"));
    assertThat(c.get("value").asInt()).isEqualTo(1);
  }

  @Test
  void anEventWithoutIdGetsTheSameDerivedKeyEveryTime() {
    var e = new UsageRecords.UsageEvent(null, "LOGOUT", T, "esrf", "portal", "s", "u");
    assertThat(UsageRecords.line(e, "keycloak", "esrf")).isEqualTo(UsageRecords.line(e, "keycloak", "esrf"));
    assertThat(UsageRecords.derivedId(e)).startsWith("sha256:").hasSize(7 + 64);
    assertThat(UsageRecords.derivedId(new UsageRecords.UsageEvent(null, "LOGOUT", T.plusMillis(1), "esrf", "portal",
        "s", "u"))).isNotEqualTo(UsageRecords.derivedId(e));
  }

  @Test
  void controlCharactersAreDroppedAndLongTextClippedToAccountingsRule() throws Exception {
    JsonNode r = JSON.readTree(UsageRecords.line(new UsageRecords.UsageEvent("ev\u0007-4", "LOGIN", T, "r\nx",
        "c".repeat(600), null, null), "keycloak", "esrf"));
    assertThat(r.get("recordId").asText()).isEqualTo("ev-4");
    assertThat(r.get("installation").asText()).startsWith("rx/").hasSize(512);
    assertThat(UsageRecords.line(new UsageRecords.UsageEvent("e", "LOGIN", T, null, "c", null, null), "k", "f"))
        .as("no realm, no record").isNull();
  }
}
