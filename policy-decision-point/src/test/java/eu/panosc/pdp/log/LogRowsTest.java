package eu.panosc.pdp.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.pdp.engine.AccessRequest;
import eu.panosc.pdp.engine.Decision;
import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LogRowsTest {
  static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  static final Instant T = Instant.parse("2026-11-26T08:00:00Z");

  static AccessRequest request() {
    return new AccessRequest(
        new AccessRequest.Entity("user", "alice@demo.panosc.eu", Map.of("entitlements", List.of("urn:x#y"),
            "facility", "esrf")),
        "read", Map.of("via", "portal"),
        new AccessRequest.Entity("dataset", "10.1/A", Map.of("size", 3L)),
        Map.of("time", T, "ip", "192.0.2.1", "client", Map.of("app", "scicat", "version", 2.5)));
  }

  static LogEntry entry() {
    return new LogEntry(UUID.randomUUID(), T, "evaluation", null, "portal", "req-1", request(),
        new Decision(true, "panosc-data@v3", "proposal-member", "member", "ok", 0, null), null);
  }

  static DecisionLogSettings settings(String subjects, String mask) {
    Map<String, Object> values = new java.util.HashMap<>(Map.of("maskSubjects", subjects));
    if (mask != null) {
      values.put("maskProperties", mask);
    }
    return DecisionLogSettings.from(ConfigNode.of("services.pdp.decisionLog", values));
  }

  @Test
  void rowWhenNoneThenClearIdAndDefaultMaskDropsSubjectProperties() {
    LogRows.Row row = new LogRows(settings("none", null), KEY).row(entry());
    assertThat(row.subjectId()).isEqualTo("alice@demo.panosc.eu");
    assertThat(row.resourceId()).isEqualTo("10.1/A");
    assertThat(row.action()).isEqualTo("read");
    assertThat(row.policy()).isEqualTo("panosc-data");
    assertThat(row.policyVersion()).isEqualTo(3);
    assertThat(row.rule()).isEqualTo("proposal-member");
    assertThat(row.decision()).isTrue();
    assertThat(row.errorStatus()).isNull();
    JsonObject request = new JsonObject(row.request());
    assertThat(request.containsKey("subject")).isFalse();
    assertThat(request.getJsonObject("resource").getJsonObject("properties").getLong("size")).isEqualTo(3L);
    assertThat(request.getJsonObject("action").getJsonObject("properties").getString("via")).isEqualTo("portal");
    assertThat(request.getJsonObject("context").getString("time")).isEqualTo("2026-11-26T08:00:00Z");
    assertThat(request.getJsonObject("context").getJsonObject("client").getDouble("version")).isEqualTo(2.5);
  }

  @Test
  void rowWhenHashThenSameUserSameValueAndKeyMatters() {
    LogRows rows = new LogRows(settings("hash", ""), KEY);
    String stored = rows.row(entry()).subjectId();
    assertThat(stored).startsWith("hmac:").hasSize(5 + 64).doesNotContain("alice");
    assertThat(rows.row(entry()).subjectId()).isEqualTo(stored);
    assertThat(LogRows.hash(KEY, "alice@demo.panosc.eu")).isEqualTo(stored);
    // the page filter's hashes come with the remembered pseudonym: those of the stored value, not of the clear id
    assertThat(rows.row(entry()).subjectFilter()).isEqualTo(PageBloom.hashes(stored));
    assertThat(new LogRows(settings("none", null), KEY).row(entry()).subjectFilter())
        .isEqualTo(PageBloom.hashes("alice@demo.panosc.eu"));
    assertThat(new LogRows(settings("drop", null), KEY).row(entry()).subjectFilter()).isNull();
    assertThat(LogRows.hash("another key of thirty-two bytes!".getBytes(StandardCharsets.US_ASCII),
        "alice@demo.panosc.eu")).isNotEqualTo(stored);
    // an empty mask list keeps everything the caller sent
    assertThat(new JsonObject(rows.row(entry()).request()).getJsonObject("subject").getJsonObject("properties")
        .getString("facility")).isEqualTo("esrf");
  }

  @Test
  void hmacWhenAnyKeyAndTextThenTheSameAsJavaxCryptoMac() throws Exception {
    java.util.Random rnd = new java.util.Random(3);
    for (int keyLength : new int[] {1, 32, 63, 64, 65, 200}) {
      byte[] key = new byte[keyLength];
      rnd.nextBytes(key);
      LogRows.Hmac hmac = new LogRows.Hmac(key);
      for (int n = 0; n < 300; n += 7) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
          text.append((char) (i % 3 == 0 ? 'a' + rnd.nextInt(26) : 0x20 + rnd.nextInt(0x3000)));
        }
        String t = n == 0 ? "" : text.toString() + "\uD83E\uDDEA";
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
        String expected = "hmac:" + java.util.HexFormat.of().formatHex(mac.doFinal(t.getBytes(StandardCharsets.UTF_8)));
        assertThat(hmac.pseudonym(t)).as("key %d, text %d", keyLength, n).isEqualTo(expected);
        assertThat(hmac.pseudonym(t)).isEqualTo(expected);   // the pads' states are copied, never consumed
      }
    }
  }

  @Test
  void hashWhenMoreSubjectsThanRememberedThenEveryValueStillTheKeyedHmac() {
    LogRows rows = new LogRows(settings("hash", ""), KEY);
    int n = LogRows.HASHES_REMEMBERED + 100;
    for (int round = 0; round < 2; round++) {   // the second round finds the oldest forgotten, the newest remembered
      for (int i = 0; i < n; i += 97) {
        String user = "user" + i + "@demo";
        assertThat(rows.hash(user)).isEqualTo(LogRows.hash(KEY, user));
      }
      for (int i = 0; i < n; i++) {
        rows.hash("filler" + i);
      }
    }
    assertThat(rows.hash("alice@demo.panosc.eu")).isNotEqualTo(rows.hash("bob@demo.panosc.eu"));
  }

  @Test
  void rowWhenDropAndPathsThenIdGoneAndOnlyThosePathsRemoved() {
    LogRows rows = new LogRows(settings("drop", "subject.properties.entitlements, context.ip,context.client.app"), KEY);
    LogRows.Row row = rows.row(entry());
    assertThat(row.subjectId()).isNull();
    assertThat(row.subjectType()).isEqualTo("user");
    JsonObject request = new JsonObject(row.request());
    assertThat(request.getJsonObject("subject").getJsonObject("properties").fieldNames()).containsExactly("facility");
    assertThat(request.getJsonObject("context").containsKey("ip")).isFalse();
    assertThat(request.getJsonObject("context").getJsonObject("client").fieldNames()).containsExactly("version");
    assertThat(row.request()).doesNotContain("alice", "urn:x", "192.0.2.1");
  }

  @Test
  void rowWhenSimulatedThenMarkedAndOtherwiseNot() {
    LogEntry e = entry();
    LogEntry simulated = new LogEntry(e.id(), e.at(), e.kind(), e.item(), e.caller(), e.requestId(), e.request(),
        e.decision(), e.search(), true);
    LogRows rows = new LogRows(settings("none", null), KEY);
    assertThat(rows.row(simulated).simulated()).isTrue();
    assertThat(rows.row(e).simulated()).isFalse();
  }

  @Test
  void rowWhenSearchOrBrokenItemThenSummaryOrError() {
    LogRows rows = new LogRows(DecisionLogSettings.defaults(), KEY);
    LogRows.Row search = rows.row(new LogEntry(UUID.randomUUID(), T, "search/resource", null, null, null,
        request().withResource(new AccessRequest.Entity("dataset", null, Map.of())), null,
        new LogEntry.SearchSummary(7, true)));
    assertThat(search.decision()).isNull();
    assertThat(search.resourceId()).isNull();
    assertThat(new JsonObject(search.result()).getMap()).isEqualTo(Map.of("count", 7, "more", true));
    LogRows.Row broken = rows.row(new LogEntry(UUID.randomUUID(), T, "evaluations", 2, null, null, null,
        new Decision(false, null, null, "error", "x", 400, "resource.id is required"), null));
    assertThat(broken.decision()).isFalse();
    assertThat(broken.errorStatus()).isEqualTo(400);
    assertThat(broken.errorMessage()).isEqualTo("resource.id is required");
    assertThat(broken.subjectType()).isNull();
    assertThat(broken.request()).isEqualTo("{}");
  }

  @Test
  void settingsWhenDefaultsThenHashThirtyDaysAndSubjectPropertiesMasked() {
    DecisionLogSettings s = DecisionLogSettings.defaults();
    assertThat(s.enabled()).isTrue();
    assertThat(s.maskSubjects()).isEqualTo(DecisionLogSettings.SubjectMasking.HASH);
    assertThat(s.maskProperties()).containsExactly("subject.properties");
    assertThat(s.retention()).isEqualTo(Duration.ofDays(30));
    assertThat(s.maxRows()).isEqualTo(10_000_000);
  }

  @Test
  void settingsWhenBadValuesThenConfigErrorNamingKey() {
    assertThatThrownBy(() -> settings("scramble", null)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("maskSubjects");
    assertThatThrownBy(() -> settings("hash", "subject.id")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("maskProperties").hasMessageContaining("subject.id");
    assertThatThrownBy(() -> settings("hash", "context..ip")).isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> DecisionLogSettings.from(ConfigNode.of("services.pdp.decisionLog",
        Map.of("retention", "0s")))).isInstanceOf(ConfigException.class).hasMessageContaining("retention");
    assertThatThrownBy(() -> DecisionLogSettings.from(ConfigNode.of("services.pdp.decisionLog",
        Map.of("maxRows", "-1")))).isInstanceOf(ConfigException.class).hasMessageContaining("maxRows");
  }

  @Test
  void rowWhenPoliciesAlternateThenEachSplitIntoNameAndVersion() {
    LogRows rows = new LogRows(settings("hash", null), KEY);
    String[][] cases = {{"panosc-data@v3", "panosc-data", "3"}, {"other@v12", "other", "12"}, {"plain", "plain", null},
        {"odd@vX", "odd@vX", null}, {"panosc-data@v3", "panosc-data", "3"}, {"a@b@v7", "a@b", "7"}};
    for (String[] c : cases) {
      LogRows.Row row = rows.row(new LogEntry(UUID.randomUUID(), T, "evaluation", null, "portal", null, request(),
          new Decision(false, c[0], null, null, "no", 0, null), null));
      assertThat(row.policy()).as(c[0]).isEqualTo(c[1]);
      assertThat(row.policyVersion()).as(c[0]).isEqualTo(c[2] == null ? null : Integer.valueOf(c[2]));
    }
  }

  @Test
  void rowWhenNoPropertiesOrOnlyMaskedOnesThenStoredRequestIsEmptyObject() {
    LogRows rows = new LogRows(settings("hash", null), KEY);   // default mask: subject.properties
    AccessRequest bare = new AccessRequest(new AccessRequest.Entity("user", "bob", null), "read", null,
        new AccessRequest.Entity("dataset", "10.1/B", null), null);
    AccessRequest masked = new AccessRequest(new AccessRequest.Entity("user", "bob", Map.of("email", "b@x")), "read",
        null, new AccessRequest.Entity("dataset", "10.1/B", null), null);
    for (AccessRequest r : List.of(bare, masked)) {
      LogRows.Row row = rows.row(new LogEntry(UUID.randomUUID(), T, "evaluation", null, "portal", null, r,
          new Decision(true, "p@v1", "r", null, "ok", 0, null), null));
      assertThat(row.request()).isEqualTo("{}");
      assertThat(row.resourceId()).isEqualTo("10.1/B");
      assertThat(row.subjectId()).isEqualTo(rows.hash("bob"));
    }
  }
}
