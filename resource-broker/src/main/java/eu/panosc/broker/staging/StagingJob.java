package eu.panosc.broker.staging;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one session's staging copies: each {@link Item} from its source URL to {@code staged/<n>} in the session's
 * scratch claim (later mounted read-only at {@code /data/<n>}, as a mounted dataset would be).
 *
 * @param claim the session's scratch claim (created by staging when absent, sized {@code claimGi})
 * @param labels put on the Job, its pods and the claim
 */
public record StagingJob(String sessionId, String claim, long claimGi, List<Item> items, Map<String, String> labels) {
  /** One dataset: its position {@code n} among the session's datasets (1-based), source and size (0: unknown). */
  public record Item(int n, String dataset, URI source, long sizeBytes) {
    public Item {
      Objects.requireNonNull(dataset, "dataset");
      Objects.requireNonNull(source, "source");
    }
  }

  public StagingJob {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(claim, "claim");
    items = List.copyOf(items);
    labels = Map.copyOf(labels);
    if (items.isEmpty()) {
      throw new IllegalArgumentException("nothing to stage");
    }
  }

  public long bytes() {
    return items.stream().mapToLong(Item::sizeBytes).sum();
  }

  /** The sub-path of item {@code n} in the claim. */
  public static String subPath(int n) {
    return "staged/" + n;
  }
}
