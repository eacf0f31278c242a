package eu.panosc.aai.oidc;

import eu.panosc.aai.attributes.AttributeMapper;
import java.util.Objects;

/** One configured upstream OP at run time: its id, the OP as reached ({@link OidcProvider}), its attribute mapper. */
public record OidcUpstream(String id, OidcProvider provider, AttributeMapper mapper) {
  public OidcUpstream {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(mapper, "mapper");
  }
}
