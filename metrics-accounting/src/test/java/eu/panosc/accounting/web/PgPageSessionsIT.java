package eu.panosc.accounting.web;

import eu.panosc.platform.testing.TestDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The page-session contract on embedded PostgreSQL. */
class PgPageSessionsIT extends PageSessionsContract {
  @RegisterExtension
  static final TestDatabase DB = TestDatabase.perClass("accounting", 2);

  @Override
  PageSessions sessions() {
    return new PgPageSessions(DB.shared());
  }
}
