package eu.panosc.broker.session;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.broker.Fixtures;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.model.Session;
import eu.panosc.broker.model.SessionState;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Session ids are Kubernetes-name friendly and unique; access secrets are random and kept only as SHA-256. */
class SessionSecretsTest {
  @Test
  void newIdWhenManyThenDistinctDnsLabels() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = SessionService.newId();
      assertThat(id).matches("s[a-z0-9]{20}");
      ids.add(id);
    }
    assertThat(ids).hasSize(10_000);
  }

  @Test
  void secretWhenHashedThenMatchesOnlyItself() {
    String secret = SessionService.newSecret();
    assertThat(secret).matches("[A-Za-z0-9_-]{43}");
    assertThat(SessionService.newSecret()).isNotEqualTo(secret);
    String hash = SessionService.sha256(secret);
    assertThat(hash).matches("[0-9a-f]{64}").doesNotContain(secret);
    // SHA-256 of "abc" (FIPS 180-2 test vector)
    assertThat(SessionService.sha256("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    Session s = Fixtures.session("sx", "alice", null, new Resources(1, 1, 0), SessionState.RUNNING);
    Session withSecret = new Session(s.id(), s.owner(), Optional.empty(), s.datasets(), s.flavour(), s.image(),
        s.resources(), s.cluster(), s.state(), s.url(), s.placement(), s.failure(), hash, s.created(), s.updated(),
        s.expiresAt(), s.lastActivity());
    assertThat(SessionService.secretMatches(withSecret, secret)).isTrue();
    assertThat(SessionService.secretMatches(withSecret, secret + "x")).isFalse();
    assertThat(SessionService.secretMatches(withSecret, "")).isFalse();
  }
}
