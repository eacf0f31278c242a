package eu.panosc.pdp.store;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.pdp.model.Change;
import eu.panosc.pdp.model.Dataset;
import eu.panosc.pdp.model.Facility;
import eu.panosc.pdp.model.Member;
import eu.panosc.pdp.model.Proposal;
import eu.panosc.pdp.model.StaffRole;
import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link PdpStore} must do. A backend's test extends this and supplies an empty store per
 * test. Keys are prefixed per test so a shared database does no harm.
 */
public abstract class PdpStoreContract {
  /** A store; earlier tests' data may be present. */
  protected abstract PdpStore store();

  protected static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static List<Change> world(String k) {
    return List.of(
        new Change.PutFacility(new Facility(k + "fac", "Facility", 3)),
        new Change.PutProposal(new Proposal(k + "fac:P1", k + "fac", "T", null, Instant.parse("2025-01-01T00:00:00Z"),
            null)),
        new Change.PutMember(new Member(k + "fac:P1", k + "alice", "0000-0001", "pi")),
        new Change.PutStaff(new StaffRole(k + "carol", k + "fac", "data-manager")),
        new Change.PutDataset(new Dataset(k + "10.1/d1", k + "fac:P1", k + "fac", k + "fac:i", Instant.parse("2025-01-01T00:00:00Z"),
            null, false, "s", "/p", 7)));
  }

  @Test
  void applyWhenSameChangesTwiceThenSameSnapshot() throws Exception {
    await(store().apply(world("idem-")));
    Snapshot first = await(store().snapshot());
    await(store().apply(world("idem-")));
    assertThat(await(store().snapshot())).isEqualTo(first);
    assertThat(first.datasets()).extracting(Dataset::pid).contains("idem-10.1/d1");
  }

  @Test
  void applyWhenUpsertThenFieldsReplaced() throws Exception {
    await(store().apply(world("upd-")));
    await(store().apply(List.of(new Change.PutMember(new Member("upd-fac:P1", "upd-alice", null, "co-proposer")))));
    assertThat(await(store().snapshot()).members()).contains(new Member("upd-fac:P1", "upd-alice", null, "co-proposer"));
  }

  @Test
  void applyWhenOneBatchPutsADatasetTwiceThenTheLaterRowWins() throws Exception {
    await(store().apply(world("twice-")));
    Instant t = Instant.parse("2025-02-01T00:00:00Z");
    Dataset first = new Dataset("twice-10.1/x", "twice-fac:P1", "twice-fac", "twice-fac:i1", t, null, false, "s", "/a", 1);
    Dataset other = new Dataset("twice-10.1/y", "twice-fac:P1", "twice-fac", null, t, null, true, null, null, 2);
    Dataset second = new Dataset("twice-10.1/x", "twice-fac:P1", "twice-fac", "twice-fac:i2", t, t, true, null, "/b", 3);
    await(store().apply(List.of(new Change.PutDataset(first), new Change.PutDataset(other),
        new Change.PutDataset(second))));
    assertThat(await(store().snapshot()).datasets()).contains(second, other).doesNotContain(first);
  }

  @Test
  void applyWhenReferenceUnknownThenStoreExceptionAndNothingWritten() throws Exception {
    List<Change> changes = List.of(
        new Change.PutFacility(new Facility("bad-fac", null, 3)),
        new Change.PutMember(new Member("bad-nope:P9", "someone", null, "pi")));
    Throwable failure = store().apply(changes).toCompletionStage().toCompletableFuture()
        .handle((v, e) -> e).get(30, TimeUnit.SECONDS);
    assertThat(failure).hasRootCauseInstanceOf(io.vertx.pgclient.PgException.class);
    assertThat(unwrap(failure)).isInstanceOf(StoreException.class);
    assertThat(await(store().snapshot()).facilities()).extracting(Facility::id).doesNotContain("bad-fac");
  }

  @Test
  void applyWhenProposalDeletedThenMembersGoneAndDatasetBlocks() throws Exception {
    await(store().apply(world("del-")));
    Throwable blocked = store().apply(List.of(new Change.DeleteProposal("del-fac:P1"))).toCompletionStage()
        .toCompletableFuture().handle((v, e) -> e).get(30, TimeUnit.SECONDS);
    assertThat(unwrap(blocked)).isInstanceOf(StoreException.class);
    await(store().apply(List.of(new Change.DeleteDataset("del-10.1/d1"), new Change.DeleteProposal("del-fac:P1"))));
    Snapshot s = await(store().snapshot());
    assertThat(s.members()).extracting(Member::proposal).doesNotContain("del-fac:P1");
    assertThat(s.proposals()).extracting(Proposal::id).doesNotContain("del-fac:P1");
  }

  @Test
  void applyWhenOneChangeFailsTheInputRuleThenInvalidInputExceptionAndNothingWritten() throws Exception {
    List<Change> changes = List.of(
        new Change.PutFacility(new Facility("in-fac", "Facility", 3)),
        new Change.PutMember(new Member("in-fac:P1", "bad\u0000user", null, "pi")));
    Throwable failure = store().apply(changes).toCompletionStage().toCompletableFuture()
        .handle((v, e) -> e).get(30, TimeUnit.SECONDS);
    assertThat(unwrap(failure)).isInstanceOf(InvalidInputException.class);
    assertThat(await(store().snapshot()).facilities()).extracting(Facility::id).doesNotContain("in-fac");
  }

  @Test
  void applyWhenBatchesFollowEachOtherThenSequenceGrowsAndAnEmptyBatchAnswersNoNewer() throws Exception {
    long first = await(store().apply(world("seqc-")));
    long second = await(store().apply(List.of(new Change.DeleteStaff("seqc-carol", "seqc-fac", "data-manager"))));
    assertThat(second).isGreaterThan(first);
    assertThat(await(store().apply(List.of()))).isLessThanOrEqualTo(second);
  }

  @Test
  void applyWhenStaffDeletedThenGone() throws Exception {
    await(store().apply(world("st-")));
    await(store().apply(List.of(new Change.DeleteStaff("st-carol", "st-fac", "data-manager"))));
    assertThat(await(store().snapshot()).staff()).extracting(StaffRole::user).doesNotContain("st-carol");
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
