package eu.panosc.aai.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.crypto.EnvelopeEncryption;
import eu.panosc.platform.crypto.KeyEncryptionKey;
import eu.panosc.platform.testing.TestDatabase;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The upstream session contract on real PostgreSQL (schema {@code aai}, V30); and the OP's ID token at rest: sealed
 * under the key-encryption key, readable by another instance with the same key (a restart), a row from before sealing
 * (plaintext) still read, a row that does not open read as no session while the others still are.
 */
class PgOidcSessionsIT extends OidcSessionsContract {
  @RegisterExtension
  static final TestDatabase db = TestDatabase.perClass("aai", 4);
  private static final String TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2lnbmF0dXJl";

  private final EnvelopeEncryption envelopes = envelopes();

  static EnvelopeEncryption envelopes() {
    byte[] material = new byte[32];
    new SecureRandom().nextBytes(material);
    return new EnvelopeEncryption(KeyEncryptionKey.of(material), List.of());
  }

  @Override
  protected OidcSessions newStore(Clock clock, Duration lifetime) {
    return new PgOidcSessions(db.shared(), clock, lifetime, envelopes);
  }

  private String stored(String sid) {
    return db.shared().preparedQuery("SELECT id_token FROM oidc_session WHERE sid = $1").execute(Tuple.of(sid))
        .map(rows -> rows.iterator().next().getString(0)).await();
  }

  private static OidcSession session(String sid) {
    return new OidcSession(sid, "eduteams", "https://proxy.eduteams.org", "bob", "op-9", TOKEN);
  }

  @Test
  void rememberWhenIdTokenThenSealedAtRestAndReadAfterARestart() {
    String sid = "sealed-" + System.nanoTime();
    sessions.remember(session(sid)).await();

    assertThat(stored(sid)).startsWith(EnvelopeEncryption.VERSION + ".").doesNotContain(TOKEN)
        .doesNotContain("eyJ");
    OidcSessions restarted = new PgOidcSessions(db.shared(), clock, LIFETIME, envelopes);
    assertThat(restarted.find(sid).await()).contains(session(sid));
  }

  @Test
  void findWhenRowFromBeforeSealingThenItsPlaintextTokenIsRead() {
    String sid = "plain-" + System.nanoTime();
    sessions.remember(session(sid)).await();
    db.shared().preparedQuery("UPDATE oidc_session SET id_token = $2 WHERE sid = $1").execute(Tuple.of(sid, TOKEN))
        .await();

    assertThat(sessions.find(sid).await()).contains(session(sid));
  }

  @Test
  void findWhenRowDoesNotOpenThenNoSessionAndOtherRowsStillRead() {
    String foreign = "foreign-" + System.nanoTime();
    String moved = "moved-" + System.nanoTime();
    String good = "good-" + System.nanoTime();
    new PgOidcSessions(db.shared(), clock, LIFETIME, envelopes()).remember(session(foreign)).await();
    sessions.remember(session(moved)).await();
    sessions.remember(session(good)).await();
    db.shared().preparedQuery("UPDATE oidc_session SET id_token = $2 WHERE sid = $1")
        .execute(Tuple.of(moved, stored(good))).await();

    assertThat(sessions.find(foreign).await()).as("sealed under another key-encryption key").isEmpty();
    assertThat(sessions.find(moved).await()).as("an envelope copied from another row").isEmpty();
    assertThat(sessions.find(good).await()).contains(session(good));
    assertThat(sessions.sessionsOf("https://proxy.eduteams.org", "bob", "op-9").await())
        .as("back-channel logout still finds every row").contains(foreign, moved, good);
  }

  @Test
  void purgeWhenRowsDoNotOpenThenStillPurged() {
    String foreign = "foreign-purge-" + System.nanoTime();
    new PgOidcSessions(db.shared(), clock, LIFETIME, envelopes()).remember(session(foreign)).await();
    clock.advance(LIFETIME.plusSeconds(1));
    sessions.purgeExpired().await();

    assertThat(db.shared().preparedQuery("SELECT count(*) FROM oidc_session WHERE sid = $1")
        .execute(Tuple.of(foreign)).map(r -> r.iterator().next().getLong(0)).await()).isZero();
  }
}
