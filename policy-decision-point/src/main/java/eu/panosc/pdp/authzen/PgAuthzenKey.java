package eu.panosc.pdp.authzen;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * The key of the search page tokens ({@link PageTokens}) in table {@code authzen_key}: generated and
 * stored by the first replica to start, read by every other, so each replica accepts every other's tokens.
 */
public final class PgAuthzenKey {
  private final Pool pool;

  public PgAuthzenKey(Pool pool) {
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  /** The shared 32-byte key (created when none is stored). */
  public Future<byte[]> load() {
    byte[] fresh = new byte[32];
    new SecureRandom().nextBytes(fresh);
    return pool.preparedQuery("INSERT INTO authzen_key (id, key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING")
        .execute(Tuple.of(Buffer.buffer(fresh)))
        .compose(v -> pool.query("SELECT key FROM authzen_key WHERE id = 1").execute())
        .map(rows -> rows.iterator().next().getBuffer("key").getBytes());
  }
}
