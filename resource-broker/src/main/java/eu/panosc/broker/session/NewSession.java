package eu.panosc.broker.session;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A parsed request for a session: image, flavour, datasets (persistent ids) and the proposal to charge. */
public record NewSession(String image, String flavour, List<String> datasets, Optional<String> proposal) {
  public NewSession {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(flavour, "flavour");
    datasets = List.copyOf(datasets);
    Objects.requireNonNull(proposal, "proposal");
  }
}
