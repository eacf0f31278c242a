package eu.panosc.broker.staging;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How far a session's staging has come: {@code done} of {@code datasets} datasets copied, {@code bytesDone} of
 * {@code bytesTotal} bytes (the sizes of the copied datasets; 0 when sizes are unknown).
 *
 * @param job the Kubernetes Job copying the data
 * @param reason why it FAILED, else empty
 */
public record StagingProgress(String sessionId, String cluster, String job, State state, int datasets, int done,
    long bytesTotal, long bytesDone, Optional<String> reason, Instant started, Instant updated) {
  /** Where staging stands. */
  public enum State { RUNNING, SUCCEEDED, FAILED }

  public StagingProgress {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(started, "started");
    Objects.requireNonNull(updated, "updated");
    if (datasets < 1 || done < 0 || done > datasets || bytesTotal < 0 || bytesDone < 0 || bytesDone > bytesTotal) {
      throw new IllegalArgumentException("inconsistent staging progress " + done + "/" + datasets + ", " + bytesDone
          + "/" + bytesTotal + " bytes");
    }
  }

  public StagingProgress advanced(State s, int nowDone, long nowBytes, Optional<String> why, Instant at) {
    return new StagingProgress(sessionId, cluster, job, s, datasets, nowDone, bytesTotal, nowBytes, why, started, at);
  }
}
