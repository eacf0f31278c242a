package eu.panosc.registry.store;

import java.util.Objects;

/** Who makes a change (token subject or client id, or {@code system} for seeding) and under which request. */
public record Actor(String name, String requestId) {
  public static final Actor SYSTEM = new Actor("system", null);

  public Actor {
    Objects.requireNonNull(name, "name");
  }
}
