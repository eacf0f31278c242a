package eu.panosc.aai.user;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PairwiseSubjectsTest {
  final PairwiseSubjects subjects = new PairwiseSubjects(new byte[32], null);

  @Test
  void subjectWhenSameSectorAndUserThenStableElseDifferent() {
    String esrf = PairwiseSubjects.sectorOf(new JsonObject().put("clientId", "scicat-esrf").put("facility", "esrf"));
    String esrfToo = PairwiseSubjects.sectorOf(new JsonObject().put("clientId", "other-esrf").put("facility", "esrf"));
    String cli = PairwiseSubjects.sectorOf(new JsonObject().put("clientId", "panosc-cli"));
    assertThat(esrfToo).isEqualTo(esrf);
    String a = subjects.subject(esrf, "alice@demo.panosc.eu");
    assertThat(subjects.subject(esrf, "alice@demo.panosc.eu")).isEqualTo(a).hasSize(43).doesNotContain("alice");
    assertThat(subjects.subject(cli, "alice@demo.panosc.eu")).isNotEqualTo(a);
    assertThat(subjects.subject(esrf, "bob@demo.panosc.eu")).isNotEqualTo(a);
    assertThat(new PairwiseSubjects(new byte[] {1}, null).subject(esrf, "alice@demo.panosc.eu")).as("another key")
        .isNotEqualTo(a);
  }
}
