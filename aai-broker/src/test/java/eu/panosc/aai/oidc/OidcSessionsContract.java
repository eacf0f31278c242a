package eu.panosc.aai.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link OidcSessions} must do: find a broker session's upstream session; find the broker sessions a logout
 * token names (by the OP's sid, by sub, by both), never another issuer's or another subject's; forget and expire.
 */
public abstract class OidcSessionsContract {
  protected static final Duration LIFETIME = Duration.ofHours(8);
  /** Per test (the store may be shared by a class's tests): another issuer each time. */
  private String iss;

  protected MutableClock clock;
  protected OidcSessions sessions;

  protected abstract OidcSessions newStore(Clock clock, Duration lifetime);

  private static OidcSession session(String sid, String iss, String sub, String opSid) {
    return new OidcSession(sid, "eduteams", iss, sub, opSid, "header.payload.signature");
  }

  @BeforeEach
  void newStore() {
    clock = new MutableClock(Instant.parse("2031-05-01T10:00:00Z"));
    sessions = newStore(clock, LIFETIME);
    String run = Long.toString(System.nanoTime());
    prefix = run;
    iss = "https://proxy.eduteams.org/" + run;
    sessions.remember(session(run + "-a", iss, "bob", "op-1")).await();
    sessions.remember(session(run + "-b", iss, "bob", "op-2")).await();
    sessions.remember(session(run + "-c", iss, "alice", "op-3")).await();
    sessions.remember(session(run + "-d", "https://other.example.org", "bob", "op-1")).await();
    sessions.remember(session(run + "-e", iss, "carol", null)).await();
  }

  private String prefix;

  @Test
  void findWhenRememberedThenTheUpstreamSession() {
    assertThat(sessions.find(prefix + "-a").await()).contains(session(prefix + "-a", iss, "bob", "op-1"));
    assertThat(sessions.find(prefix + "-e").await()).hasValueSatisfying(s -> assertThat(s.upstreamSid()).isNull());
    assertThat(sessions.find(prefix + "-zzz").await()).isEmpty();
    assertThat(sessions.find("x\u0000").await()).isEmpty();
  }

  @Test
  void sessionsOfWhenOpSidThenOnlyThatSessionOfThatIssuer() {
    assertThat(sessions.sessionsOf(iss, null, "op-1").await()).containsExactly(prefix + "-a");
    assertThat(sessions.sessionsOf(iss, "bob", "op-1").await()).containsExactly(prefix + "-a");
    assertThat(sessions.sessionsOf(iss, "alice", "op-1").await()).isEmpty();
  }

  @Test
  void sessionsOfWhenOnlySubThenEverySessionOfThatSubjectAtThatIssuer() {
    assertThat(sessions.sessionsOf(iss, "bob", null).await()).containsExactlyInAnyOrder(prefix + "-a", prefix + "-b");
    assertThat(sessions.sessionsOf(iss, null, null).await()).isEmpty();
    assertThat(sessions.sessionsOf(null, "bob", null).await()).isEmpty();
  }

  @Test
  void forgetWhenDoneThenGone() {
    sessions.forget(prefix + "-a").await();

    assertThat(sessions.find(prefix + "-a").await()).isEmpty();
    assertThat(sessions.sessionsOf(iss, "bob", null).await()).containsExactly(prefix + "-b");
  }

  @Test
  void findWhenLifetimeOverThenGoneAndPurged() {
    clock.advance(LIFETIME.plusSeconds(1));

    assertThat(sessions.find(prefix + "-a").await()).isEmpty();
    assertThat(sessions.sessionsOf(iss, "bob", null).await()).isEmpty();
    sessions.purgeExpired().await();
    clock.advance(LIFETIME.negated().minusSeconds(1));
    assertThat(sessions.find(prefix + "-a").await()).as("purged, not only hidden").isEmpty();
  }
}
