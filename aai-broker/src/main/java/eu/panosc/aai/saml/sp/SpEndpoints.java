package eu.panosc.aai.saml.sp;

import java.net.URI;
import java.util.Objects;

/**
 * Where the broker's SAML service provider is: its entity id (the metadata URL, so it resolves to the metadata) and
 * its endpoints, all under the aai-broker's public URL.
 *
 * @param entityId {@code <aai>/saml2/sp/metadata}
 * @param assertionConsumer {@code <aai>/saml2/sp/acs} (HTTP-POST)
 * @param singleLogout {@code <aai>/saml2/sp/slo} (HTTP-Redirect and HTTP-POST)
 */
public record SpEndpoints(String entityId, String assertionConsumer, String singleLogout) {
  public static final String METADATA_PATH = "/saml2/sp/metadata";
  public static final String ACS_PATH = "/saml2/sp/acs";
  public static final String SLO_PATH = "/saml2/sp/slo";

  public SpEndpoints {
    Objects.requireNonNull(entityId, "entityId");
    Objects.requireNonNull(assertionConsumer, "assertionConsumer");
    Objects.requireNonNull(singleLogout, "singleLogout");
  }

  /** The endpoints under {@code aaiBase} (the aai-broker's public URL, without a trailing slash). */
  public static SpEndpoints under(URI aaiBase) {
    String base = aaiBase.toString().replaceAll("/+$", "");
    return new SpEndpoints(base + METADATA_PATH, base + ACS_PATH, base + SLO_PATH);
  }
}
