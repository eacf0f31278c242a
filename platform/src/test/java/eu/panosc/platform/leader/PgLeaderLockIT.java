package eu.panosc.platform.leader;

import eu.panosc.platform.testing.TestDatabase;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@link LeaderLock} contract for the PostgreSQL advisory lock on embedded PostgreSQL, each replica its own pool. */
class PgLeaderLockIT extends LeaderLockContract {
  @RegisterExtension
  static final TestDatabase DB = TestDatabase.perClass("leader", 2);

  final Map<LeaderLock, Pool> pools = new IdentityHashMap<>();
  final List<Pool> all = new ArrayList<>();

  @Override
  LeaderLock replica(String identity) {
    Pool pool = DB.pool();
    all.add(pool);
    LeaderLock l = new PgLeaderLock(pool, "platform.contract");
    pools.put(l, pool);
    return l;
  }

  @Override
  void cutOff(LeaderLock replica) {
    // the replica's pool, and with it the lock's connection, closed without unlocking: PostgreSQL ends the session
    await(pools.get(replica).close());
  }

  @AfterEach
  void closePools() {
    all.forEach(p -> p.close().toCompletionStage().toCompletableFuture().join());
  }
}
