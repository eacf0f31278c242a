package eu.panosc.aai.user;

import eu.panosc.aai.registry.RegisteredClient;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PairwiseSubjectsTest {
  private static RegisteredClient client(String id, String facility) {
    return new RegisteredClient(id, "confidential", facility, List.of("authorization_code"), "client_secret_basic",
        List.of("https://app.example/cb"), List.of("openid"), List.of(), "ES256", null, false, null, null, List.of());
  }

  final PairwiseSubjects subjects = new PairwiseSubjects(new byte[32], null);

  @Test
  void subjectWhenSameSectorAndUserThenStableElseDifferent() {
    String esrf = PairwiseSubjects.sectorOf(client("scicat-esrf", "esrf"));
    String esrfToo = PairwiseSubjects.sectorOf(client("other-esrf", "esrf"));
    String cli = PairwiseSubjects.sectorOf(client("panosc-cli", null));
    assertThat(esrfToo).isEqualTo(esrf);
    String a = subjects.subject(esrf, "alice@demo.panosc.eu");
    assertThat(subjects.subject(esrf, "alice@demo.panosc.eu")).isEqualTo(a).hasSize(43).doesNotContain("alice");
    assertThat(subjects.subject(cli, "alice@demo.panosc.eu")).isNotEqualTo(a);
    assertThat(subjects.subject(esrf, "bob@demo.panosc.eu")).isNotEqualTo(a);
    assertThat(new PairwiseSubjects(new byte[] {1}, null).subject(esrf, "alice@demo.panosc.eu")).as("another key")
        .isNotEqualTo(a);
  }
}
