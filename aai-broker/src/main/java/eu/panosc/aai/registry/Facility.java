package eu.panosc.aai.registry;

import java.util.Objects;

/**
 * A facility as the registry publishes it ({@code GET /registry/v1/facilities/{id}}): what the provider reads of it.
 *
 * @param id the facility id (a slug such as {@code esrf})
 * @param name its display name, or null
 * @param releaseVopersonId whether its clients may receive the user's federation-wide {@code voperson_id}
 */
public record Facility(String id, String name, boolean releaseVopersonId) {
  public Facility {
    Objects.requireNonNull(id, "id");
  }
}
