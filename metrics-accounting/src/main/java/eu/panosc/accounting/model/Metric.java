package eu.panosc.accounting.model;

import java.util.Arrays;
import java.util.Optional;

/** The fixed list of usage metrics a record may carry (issue 12), with their wire names. */
public enum Metric {
  CPU_CORE_HOURS("cpu_core_hours"),
  GPU_HOURS("gpu_hours"),
  MEMORY_GIB_HOURS("memory_gib_hours"),
  STORAGE_GIB_DAYS("storage_gib_days"),
  DATA_STAGED_GIB("data_staged_gib"),
  SESSIONS("sessions");

  private final String wire;

  Metric(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  private static final Metric[] ALL = values();

  public static Optional<Metric> parse(String name) {
    for (Metric m : ALL) { // no stream: called once per ingested record
      if (m.wire.equals(name)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  /** The wire names, comma-separated, for error messages. */
  public static String names() {
    return String.join(", ", Arrays.stream(values()).map(Metric::wire).toList());
  }
}
