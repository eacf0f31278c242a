package eu.panosc.broker.placement;

import eu.panosc.broker.model.Flavour;
import eu.panosc.broker.model.Image;
import java.util.Objects;
import java.util.Set;

/** What is to be placed: a flavour's resources, an image, and the storage sites holding the requested datasets. */
public record PlacementRequest(Flavour flavour, Image image, Set<String> storageSites) {
  public PlacementRequest {
    Objects.requireNonNull(flavour, "flavour");
    Objects.requireNonNull(image, "image");
    storageSites = Set.copyOf(storageSites);
  }
}
