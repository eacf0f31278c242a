package eu.panosc.aai.attributes;

import java.util.List;

/**
 * The IdP did not release attributes the upstream requires. {@link #missing()} names them (internal names) so
 * the caller can render a page telling the person what their IdP did not release.
 */
public final class MissingAttributesException extends RuntimeException {
  private final String idpEntityId;
  private final List<String> missing;

  public MissingAttributesException(String idpEntityId, List<String> missing) {
    super("the IdP " + idpEntityId + " did not release the required attributes " + missing);
    this.idpEntityId = idpEntityId;
    this.missing = List.copyOf(missing);
  }

  public String idpEntityId() {
    return idpEntityId;
  }

  /** The required attributes without a value, in configured order. */
  public List<String> missing() {
    return missing;
  }
}
