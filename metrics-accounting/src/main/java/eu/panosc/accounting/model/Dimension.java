package eu.panosc.accounting.model;

import java.util.Arrays;
import java.util.Optional;

/** What a report may group by; each is a rollup column (a fixed list: never text from a request in SQL). */
public enum Dimension {
  FACILITY("facility"),
  INSTALLATION("installation"),
  PROPOSAL("proposal"),
  COMMUNITY("community");

  private final String wire;

  Dimension(String wire) {
    this.wire = wire;
  }

  /** The query-parameter name, JSON member and rollup column. */
  public String wire() {
    return wire;
  }

  public static Optional<Dimension> parse(String name) {
    return Arrays.stream(values()).filter(d -> d.wire.equals(name)).findFirst();
  }

  public static String names() {
    return String.join(", ", Arrays.stream(values()).map(Dimension::wire).toList());
  }
}
