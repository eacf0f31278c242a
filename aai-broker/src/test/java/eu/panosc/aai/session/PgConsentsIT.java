package eu.panosc.aai.session;

import eu.panosc.aai.user.PgUsers;
import eu.panosc.aai.user.UpstreamIdentity;
import eu.panosc.platform.testing.TestDatabase;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The consent contract on real PostgreSQL (schema {@code aai}). */
class PgConsentsIT extends ConsentsContract {
  @RegisterExtension
  static final TestDatabase db = TestDatabase.perClass("aai", 8);

  @Override
  protected Consents store() {
    return new PgConsents(db.shared(), Clock.systemUTC());
  }

  @Override
  protected String existingUser(String id) {
    new PgUsers(db.shared(), Clock.systemUTC()).recordLogin(new UpstreamIdentity(id, "N", null, List.of(), List.of(), "acr",
        List.of())).await();
    return id;
  }
}
