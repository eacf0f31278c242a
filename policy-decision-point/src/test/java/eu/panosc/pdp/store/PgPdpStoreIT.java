package eu.panosc.pdp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.pdp.PdpPlatform;
import eu.panosc.pdp.model.Change;
import eu.panosc.pdp.model.Facility;
import eu.panosc.pdp.model.Member;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.LocalIssuer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on real PostgreSQL (the pdp schema of an embedded database). */
class PgPdpStoreIT extends PdpStoreContract {
  @TempDir
  static Path dataDir;
  private static LocalIssuer issuer;
  private static Platform platform;
  private static PgPdpStore store;

  @BeforeAll
  static void start() throws Exception {
    issuer = LocalIssuer.start();
    platform = PdpPlatform.start(dataDir, issuer, false, Map.of());
    store = new PgPdpStore(platform.database().pool(platform.vertx(), "pdp"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (platform != null) {
      platform.stop().get();
    }
    if (issuer != null) {
      issuer.close();
    }
  }

  @Override
  protected PdpStore store() {
    return store;
  }

  @Test
  void applyWhenBatchesCommittedThenNumberedInOrderLoggedAndFailedOnesLeaveNoGap() throws Exception {
    ChangeLog log = new ChangeLog(platform.database().pool(platform.vertx(), "pdp"));
    List<Change> first = List.of(new Change.PutFacility(new Facility("seq-fac", "S", 3)));
    long one = await(store.apply(first));
    assertThatThrownBy(() -> await(store.apply(List.of(new Change.PutMember(new Member("seq-nope", "u", null, "pi"))))))
        .hasCauseInstanceOf(StoreException.class);
    List<Change> second = List.of(new Change.DeleteFacility("seq-fac"));
    long two = await(store.apply(second));
    assertThat(two).isEqualTo(one + 1);
    assertThat(await(log.head())).isEqualTo(two);
    assertThat(await(log.after(one - 1, 10))).containsExactly(new ChangeLog.Entry(one, first),
        new ChangeLog.Entry(two, second));
    assertThat(await(store.snapshotAt()).seq()).isEqualTo(two);
    assertThat(await(store.apply(List.of()))).isZero();
  }
}
