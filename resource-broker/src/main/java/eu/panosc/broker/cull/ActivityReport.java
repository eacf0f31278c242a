package eu.panosc.broker.cull;

import java.util.Objects;
import java.util.Optional;
import java.time.Instant;

/**
 * What a session reports about itself (its image's agent, e.g. from Jupyter's {@code /api/status} and
 * {@code /api/kernels}, the desktop's input events, {@code nvidia-smi}): each part optional.
 *
 * @param gpuUtilisation percent of GPU in use now (0–100); above {@link #GPU_BUSY_PERCENT} counts as use
 */
public record ActivityReport(Optional<Instant> kernelLastActivity, Optional<Boolean> kernelBusy,
    Optional<Instant> desktopLastInput, Optional<Integer> gpuUtilisation) {
  public static final int GPU_BUSY_PERCENT = 5;

  public ActivityReport {
    Objects.requireNonNull(kernelLastActivity, "kernelLastActivity");
    Objects.requireNonNull(kernelBusy, "kernelBusy");
    Objects.requireNonNull(desktopLastInput, "desktopLastInput");
    Objects.requireNonNull(gpuUtilisation, "gpuUtilisation");
    gpuUtilisation.ifPresent(g -> {
      if (g < 0 || g > 100) {
        throw new IllegalArgumentException("gpuUtilisation must be 0 to 100");
      }
    });
  }
}
