package eu.panosc.aai.register;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.protocol.Opaque;
import eu.panosc.aai.user.UpstreamIdentity;
import eu.panosc.platform.crypto.EnvelopeEncryption;
import eu.panosc.platform.crypto.KeyEncryptionKey;
import eu.panosc.platform.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pending registration contract on real PostgreSQL (schema {@code aai}, V27); and an upstream OP's ID token at
 * rest: sealed under the key-encryption key, readable by another instance with the same key (a restart), a row from
 * before sealing (plaintext) still read, a row that does not open read as no registration.
 */
class PgPendingRegistrationsIT extends PendingRegistrationsContract {
  @RegisterExtension
  static final TestDatabase db = TestDatabase.perClass("aai", 4);
  private static final String TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJlcmluIn0.c2lnbmF0dXJl";
  private static final PendingRegistration ERIN = new PendingRegistration("pending-erin", new UpstreamIdentity(
      "erin@eduteams.org", "Erin", null, List.of(), List.of(), "https://refeds.org/sfa", List.of()),
      new JsonObject().put("protocol", "oidc").put("upstream", "eduteams").put("id_token", TOKEN));

  private final EnvelopeEncryption envelopes = envelopes();

  private static EnvelopeEncryption envelopes() {
    byte[] material = new byte[32];
    new SecureRandom().nextBytes(material);
    return new EnvelopeEncryption(KeyEncryptionKey.of(material), List.of());
  }

  @Override
  protected PendingRegistrations newStore(Clock clock, Duration lifetime) {
    return new PgPendingRegistrations(db.shared(), clock, lifetime, envelopes);
  }

  private static JsonObject upstreamAtRest(String handle) {
    return db.shared().preparedQuery("SELECT upstream FROM pending_registration WHERE handle_hash = $1")
        .execute(Tuple.of(Opaque.hash(handle))).map(rows -> (JsonObject) rows.iterator().next().getValue(0)).await();
  }

  private static void setUpstream(String handle, JsonObject upstream) {
    db.shared().preparedQuery("UPDATE pending_registration SET upstream = $2 WHERE handle_hash = $1")
        .execute(Tuple.of(Opaque.hash(handle), upstream)).await();
  }

  @Test
  void saveWhenIdTokenThenSealedAtRestAndReadAfterARestart() {
    String handle = store.save(ERIN).await();

    JsonObject atRest = upstreamAtRest(handle);
    assertThat(atRest.getString("id_token")).startsWith(EnvelopeEncryption.VERSION + ".").doesNotContain("eyJ");
    assertThat(atRest.getString("upstream")).isEqualTo("eduteams");
    assertThat(atRest.encode()).doesNotContain(TOKEN);
    PendingRegistrations restarted = new PgPendingRegistrations(db.shared(), clock, LIFETIME, envelopes);
    assertThat(restarted.take(handle).await()).contains(ERIN);
  }

  @Test
  void findWhenRowFromBeforeSealingThenItsPlaintextTokenIsRead() {
    String handle = store.save(ERIN).await();
    setUpstream(handle, ERIN.upstream());

    assertThat(store.find(handle).await()).contains(ERIN);
  }

  @Test
  void findWhenRowDoesNotOpenThenNoRegistrationAndOtherRowsStillRead() {
    String foreign = new PgPendingRegistrations(db.shared(), clock, LIFETIME, envelopes()).save(ERIN).await();
    String moved = store.save(ERIN).await();
    String good = store.save(ERIN).await();
    setUpstream(moved, upstreamAtRest(good));

    assertThat(store.find(foreign).await()).as("sealed under another key-encryption key").isEmpty();
    assertThat(store.take(moved).await()).as("an envelope copied from another row").isEmpty();
    assertThat(store.take(good).await()).contains(ERIN);
  }
}
