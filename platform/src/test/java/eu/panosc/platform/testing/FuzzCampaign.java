package eu.panosc.platform.testing;

import static org.junit.jupiter.api.Assertions.assertAll;

import eu.panosc.platform.service.Platform;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The fuzz ITs' common campaign: start a platform, check it serves, fuzz it ({@link OpenApiFuzzer} with the module's
 * own examples and baselines), then report the findings, check it still serves, and restart it on the same data and
 * check again; every failure is reported together. Each module passes what differs: how to start it, what "serves"
 * means, and how to fuzz it.
 */
public final class FuzzCampaign {
  private FuzzCampaign() {}

  /** Starts the module's platform (on the same data directory each time). */
  @FunctionalInterface
  public interface Starter {
    Platform start() throws Exception;
  }

  /** Asserts that a platform serves as it should. */
  @FunctionalInterface
  public interface Check {
    void check(Platform platform) throws Exception;
  }

  /** Fuzzes a started platform. */
  @FunctionalInterface
  public interface Fuzz {
    FuzzFindings fuzz(Platform platform) throws Exception;
  }

  /**
   * Runs the campaign against {@code service}: {@code serves} before fuzzing, then (all reported together) no
   * findings, {@code serves} after fuzzing, and {@code serves} after a restart.
   */
  public static void run(String service, Starter start, Check serves, Fuzz fuzz) throws Exception {
    Objects.requireNonNull(service, "service");
    Platform platform = start.start();
    boolean stopped = false;
    try {
      serves.check(platform);
      FuzzFindings findings = fuzz.fuzz(platform);
      stopped = true;
      assertAll(service + " after fuzzing",
          findings::assertNone,
          () -> serves.check(platform),
          () -> {
            stop(platform);
            Platform again = start.start();
            try {
              serves.check(again);
            } finally {
              stop(again);
            }
          });
    } finally {
      if (!stopped) {
        stop(platform);
      }
    }
  }

  private static void stop(Platform platform) throws Exception {
    platform.stop().get(60, TimeUnit.SECONDS);
  }
}
