package eu.panosc.broker.driver;

import java.util.Objects;
import java.util.Optional;

/** What a cluster says about one session: absent, starting, ready (with its URL) or failed (with the reason). */
public record Observation(Phase phase, Optional<String> url, Optional<String> reason) {
  /** The phases a driver reports. */
  public enum Phase { ABSENT, STARTING, READY, FAILED }

  public Observation {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(reason, "reason");
  }

  public static Observation absent() {
    return new Observation(Phase.ABSENT, Optional.empty(), Optional.empty());
  }

  public static Observation starting() {
    return new Observation(Phase.STARTING, Optional.empty(), Optional.empty());
  }

  public static Observation ready(String url) {
    return new Observation(Phase.READY, Optional.of(url), Optional.empty());
  }

  public static Observation failed(String reason) {
    return new Observation(Phase.FAILED, Optional.empty(), Optional.of(reason));
  }
}
