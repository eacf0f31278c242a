package eu.panosc.pdp.store;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.pdp.PdpPlatform;
import eu.panosc.pdp.model.Dataset;
import eu.panosc.pdp.model.Facility;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.LocalIssuer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store contract through the caching decorator (PostgreSQL, then this replica's relation cache). After
 * every test, the cache decisions read holds exactly what PostgreSQL holds: written facts, no refused ones.
 */
class CachingPdpStoreIT extends PdpStoreContract {
  @TempDir
  static Path dataDir;
  private static LocalIssuer issuer;
  private static Platform platform;
  private static PgPdpStore pg;
  private static RelationCache cache;
  private static CacheFollower follower;
  private static CachingPdpStore store;

  @BeforeAll
  static void start() throws Exception {
    issuer = LocalIssuer.start();
    platform = PdpPlatform.start(dataDir, issuer, false, Map.of());
    Pool pool = platform.database().pool(platform.vertx(), "pdp");
    pg = new PgPdpStore(pool);
    cache = new RelationCache();
    follower = new CacheFollower(platform.vertx(), cache, pg, new ChangeLog(pool), new SimpleMeterRegistry());
    await(follower.start(null, Duration.ofSeconds(1), Duration.ofHours(1)));
    store = new CachingPdpStore(pg, follower);
  }

  @AfterAll
  static void stop() throws Exception {
    if (follower != null) {
      await(follower.stop());
    }
    if (platform != null) {
      platform.stop().get(60, TimeUnit.SECONDS);
    }
    if (issuer != null) {
      issuer.close();
    }
  }

  @Override
  protected PdpStore store() {
    return store;
  }

  /** What the cache answers equals what PostgreSQL holds, once the writes returned. */
  @AfterEach
  void cacheHoldsWhatPostgresHolds() throws Exception {
    Snapshot s = await(pg.snapshot());
    assertThat(cache.suspended()).isNull();
    assertThat(follower.applied()).isEqualTo(await(pg.snapshotAt()).seq());
    assertThat(cache.facilityIds()).containsExactlyInAnyOrderElementsOf(s.facilities().stream().map(Facility::id).toList());
    List<Dataset> cached = new ArrayList<>();
    cache.datasetsAfter("").forEachRemaining(cached::add);
    assertThat(cached).containsExactlyInAnyOrderElementsOf(s.datasets());
    Map<String, Map<String, String>> members = new HashMap<>();
    s.members().forEach(m -> members.computeIfAbsent(m.user(), u -> new HashMap<>()).put(m.proposal(), m.role()));
    Map<String, Map<String, Set<String>>> staff = new HashMap<>();
    s.staff().forEach(r -> staff.computeIfAbsent(r.user(), u -> new HashMap<>())
        .computeIfAbsent(r.facility(), f -> new HashSet<>()).add(r.role()));
    Set<String> users = new HashSet<>(members.keySet());
    users.addAll(staff.keySet());
    cache.usersAfter("").forEachRemaining(users::add);
    for (String user : users) {
      assertThat(cache.membershipsOf(user)).as(user).isEqualTo(members.getOrDefault(user, Map.of()));
      for (String facility : s.facilities().stream().map(Facility::id).toList()) {
        assertThat(cache.staffRoles(user, facility)).as(user + " at " + facility)
            .isEqualTo(staff.getOrDefault(user, Map.of()).getOrDefault(facility, Set.of()));
      }
    }
  }

  @Test
  void applyWhenAnswerReturnedThenTheCacheAlreadyHoldsTheBatch() throws Exception {
    long seq = await(store.apply(List.of(new eu.panosc.pdp.model.Change.PutFacility(new Facility("now-fac", "N", 2)))));
    assertThat(follower.applied()).isGreaterThanOrEqualTo(seq);
    assertThat(cache.facilityIds()).contains("now-fac");
  }
}
