package eu.panosc.accounting.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link PageSessions} must do; each test uses fresh random keys, so the tests share one store. */
abstract class PageSessionsContract {
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  abstract PageSessions sessions();

  static String key() {
    return UUID.randomUUID().toString();
  }

  @Test
  void takeLoginWhenTakenTwiceThenOnlyOnce() {
    String state = key();
    sessions().saveLogin(new PageSessions.PendingLogin(state, "verifier", "nonce", "period=2026-11",
        NOW.plusSeconds(600))).await();
    var first = sessions().takeLogin(state, NOW).await();
    assertThat(first).hasValueSatisfying(l -> {
      assertThat(l.codeVerifier()).isEqualTo("verifier");
      assertThat(l.nonce()).isEqualTo("nonce");
      assertThat(l.returnQuery()).isEqualTo("period=2026-11");
    });
    assertThat(sessions().takeLogin(state, NOW).await()).isEmpty();
    assertThat(sessions().takeLogin(key(), NOW).await()).isEmpty();
  }

  @Test
  void takeLoginWhenExpiredThenEmpty() {
    String state = key();
    sessions().saveLogin(new PageSessions.PendingLogin(state, "v", "n", "", NOW.plusSeconds(60))).await();
    assertThat(sessions().takeLogin(state, NOW.plusSeconds(61)).await()).isEmpty();
  }

  @Test
  void sessionWhenSavedThenFoundUntilExpiryOrDeletion() {
    String id = key();
    PageSessions.PageSession s = new PageSessions.PageSession(id, "sub-1", "Carol Dubois", true, "csrf-1", "id.token.x",
        NOW.plusSeconds(3600));
    sessions().saveSession(s).await();
    assertThat(sessions().session(id, NOW).await()).contains(s);
    assertThat(sessions().session(id, NOW.plusSeconds(3600)).await()).isEmpty();
    assertThat(sessions().session(key(), NOW).await()).isEmpty();
    sessions().deleteSession(id).await();
    assertThat(sessions().session(id, NOW).await()).isEmpty();
    sessions().deleteSession(id).await();
  }
}
