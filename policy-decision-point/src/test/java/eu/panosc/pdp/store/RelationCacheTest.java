package eu.panosc.pdp.store;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.pdp.model.Change;
import eu.panosc.pdp.model.Dataset;
import eu.panosc.pdp.model.Facility;
import eu.panosc.pdp.model.Proposal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cache decides only about datasets consistent with what it holds, and nothing while suspended. */
class RelationCacheTest {
  static final Instant T = Instant.parse("2025-01-01T00:00:00Z");
  static final Facility ESRF = new Facility("esrf", null, 3);
  static final Facility ILL = new Facility("ill", null, 3);
  static final Proposal MX = new Proposal("esrf:MX", "esrf", null, null, T, null);

  static Dataset dataset(String pid, String proposal, String facility) {
    return new Dataset(pid, proposal, facility, null, T, null, true, null, null, 0);
  }

  @Test
  void loadWhenDatasetLacksOrContradictsItsProposalThenHeldBackAndNotFound() {
    RelationCache cache = new RelationCache();
    cache.load(new Snapshot(List.of(ESRF, ILL), List.of(MX), List.of(), List.of(),
        List.of(dataset("ok", "esrf:MX", "esrf"), dataset("cross", "esrf:MX", "ill"),
            dataset("orphan", "esrf:GONE", "esrf"))));
    assertThat(cache.dataset("ok")).isPresent();
    assertThat(cache.dataset("cross")).isEmpty();
    assertThat(cache.dataset("orphan")).isEmpty();
    assertThat(cache.heldBack()).isEqualTo(2);
    assertThat(cache.publicAfter("")).toIterable().containsExactly("ok");
  }

  @Test
  void appliedWhenTheMissingProposalIsWrittenThenTheHeldBackDatasetIsAdmitted() {
    RelationCache cache = new RelationCache();
    cache.load(new Snapshot(List.of(ESRF), List.of(), List.of(), List.of(), List.of(dataset("d", "esrf:MX", "esrf"))));
    assertThat(cache.dataset("d")).isEmpty();
    cache.applied(List.of(new Change.PutProposal(MX)));
    assertThat(cache.dataset("d")).isPresent();
    assertThat(cache.heldBack()).isZero();
  }

  @Test
  void appliedWhenADatasetContradictsItsProposalThenItsOldVersionIsRemovedToo() {
    RelationCache cache = new RelationCache();
    cache.load(new Snapshot(List.of(ESRF, ILL), List.of(MX), List.of(), List.of(), List.of(dataset("d", "esrf:MX", "esrf"))));
    cache.applied(List.of(new Change.PutDataset(dataset("d", "esrf:MX", "ill"))));
    assertThat(cache.dataset("d")).isEmpty();
    assertThat(cache.datasetsAfter("")).isExhausted();
    cache.applied(List.of(new Change.DeleteDataset("d")));
    assertThat(cache.heldBack()).isZero();
  }

  @Test
  void suspendWhenCalledThenNothingIsFoundUntilTheNextLoad() {
    RelationCache cache = new RelationCache();
    Snapshot s = new Snapshot(List.of(ESRF), List.of(MX), List.of(), List.of(), List.of(dataset("d", "esrf:MX", "esrf")));
    cache.load(s);
    cache.suspend("test");
    assertThat(cache.dataset("d")).isEmpty();
    assertThat(cache.datasetsAfter("")).isExhausted();
    assertThat(cache.publicAfter("")).isExhausted();
    assertThat(cache.releasedAfter("", T.plusSeconds(1L << 32))).isExhausted();
    cache.load(s);
    assertThat(cache.suspended()).isNull();
    assertThat(cache.dataset("d")).isPresent();
  }
}
