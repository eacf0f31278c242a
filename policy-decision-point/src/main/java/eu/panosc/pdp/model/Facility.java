package eu.panosc.pdp.model;

import java.util.Objects;

/** A facility and its embargo rule: proposals release {@code embargoYears} after their end. */
public record Facility(String id, String name, int embargoYears) {
  public Facility {
    Objects.requireNonNull(id, "id");
    if (embargoYears < 0) {
      throw new IllegalArgumentException("embargoYears must not be negative");
    }
  }
}
