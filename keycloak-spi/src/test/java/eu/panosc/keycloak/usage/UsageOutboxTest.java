package eu.panosc.keycloak.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageOutboxTest {
  @TempDir Path dir;

  @Test
  void realmNamesBecomeSafeFileNamesAndAreFoundAgainAfterARestart() throws Exception {
    String odd = "../Ünïcode realm/x";
    try (UsageOutbox o = new UsageOutbox(dir, 1 << 20)) {
      o.append("facility", "{\"n\":1}");
      o.append(odd, "{\"n\":2}");
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .allMatch(n -> n.matches("[A-Za-z0-9._%-]+"))
          .contains("facility.ndjson", "%2E.%2F%C3%9Cn%C3%AFcode%20realm%2Fx.ndjson");
    }
    try (UsageOutbox o = new UsageOutbox(dir, 1 << 20)) {
      assertThat(o.realms()).containsExactlyInAnyOrder("facility", odd);
      assertThat(o.queue(odd).peek(10, 1 << 16).lines()).containsExactly("{\"n\":2}");
    }
  }

  @Test
  void encodingRoundTrips() {
    for (String realm : new String[] {"master", "a.b", ".hidden", "sp ace", "ö", "%"}) {
      assertThat(UsageOutbox.decode(UsageOutbox.encode(realm))).isEqualTo(realm);
    }
    assertThat(UsageOutbox.encode(".hidden")).doesNotStartWith(".");
  }
}
