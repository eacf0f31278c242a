package eu.panosc.aai.saml.validate;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.StoreFailures;
import eu.panosc.platform.testing.TestDatabase;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The replay cache contract on real PostgreSQL (schema {@code aai}, table {@code saml_assertion_use}), each instance on
 * its own pool like a replica; and the consumer on two replicas refusing a response replayed at the other one.
 */
class PgReplayCacheIT extends ReplayCacheContract {
  @RegisterExtension
  static final TestDatabase db = TestDatabase.perClass("aai", 4);

  @Override
  protected ReplayCache newCache(Clock clock) {
    return new PgReplayCache(db.pool(), clock);
  }

  @Override
  protected io.vertx.core.Vertx vertx() {
    return db.vertx();
  }

  @Override
  protected boolean remembered(String assertionId) {
    return db.shared().preparedQuery("SELECT 1 FROM saml_assertion_use WHERE issuer = $1 AND assertion_id = $2")
        .execute(Tuple.of(IDP, assertionId)).await().rowCount() == 1;
  }

  @Test
  void consumeWhenTheSameResponseIsPostedToTwoReplicasThenTheSecondIsReplayed() throws Exception {
    SamlResponseValidator validator = new SamlResponseValidator();
    var spec = FixtureIdp.valid().with(s -> s.assertionId = ReplayCacheContract.assertionId());
    byte[] posted = FixtureIdp.posted(spec);
    Clock atLogin = new eu.panosc.platform.testing.MutableClock(FixtureIdp.NOW);
    SamlResponseConsumer first = new SamlResponseConsumer(db.vertx(), validator, new PgReplayCache(db.pool(), atLogin));
    SamlResponseConsumer second =
        new SamlResponseConsumer(db.vertx(), validator, new PgReplayCache(db.pool(), atLogin));

    assertThat(first.consume(posted, FixtureIdp.expectation()).await().assertionId()).isEqualTo(spec.assertionId);
    Throwable replay = StoreFailures.of(second.consume(posted, FixtureIdp.expectation()));

    assertThat(replay).isInstanceOfSatisfying(SamlRejectedException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.REPLAYED));
    assertThat(remembered(spec.assertionId)).isTrue();
  }
}
