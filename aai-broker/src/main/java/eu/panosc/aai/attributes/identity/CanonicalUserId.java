package eu.panosc.aai.attributes.identity;

import java.util.Objects;

/** The canonical user id of a login and the source it came from. */
public record CanonicalUserId(String value, UserIdSource source) {
  public CanonicalUserId {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(source, "source");
  }
}
