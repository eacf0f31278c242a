package eu.panosc.pdp.model;

import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import java.util.Objects;

/** A facility and its embargo rule: proposals release {@code embargoYears} after their end. */
public record Facility(String id, String name, int embargoYears) {
  /** The longest display name, in characters. */
  public static final int MAX_NAME = 1024;
  /** The longest embargo, in years. */
  public static final int MAX_EMBARGO_YEARS = 100;

  public Facility {
    Objects.requireNonNull(id, "id");
    if (embargoYears < 0) {
      throw new IllegalArgumentException("embargoYears must not be negative");
    }
  }

  /** This facility if every field passes the platform's {@link Input} rule, else {@link InvalidInputException}. */
  public Facility checked() {
    Input.id("id", id);
    Input.text("name", name, MAX_NAME, false);
    Input.range("embargoYears", embargoYears, 0, MAX_EMBARGO_YEARS);
    return this;
  }
}
