package eu.panosc.aai.attributes.identity;

import eu.panosc.aai.attributes.scope.IdpScope;
import java.util.List;

/** What the canonical-id selection may look at in one login, independent of the protocol. */
public interface IdentityEvidence {
  /** The IdP's entity id (SAML) or issuer (OIDC). */
  String issuer();

  /** The values of the SAML attribute with this Name (empty when absent or not SAML). */
  List<String> samlValues(String name);

  /** The values of this claim (empty when absent or not OIDC). */
  List<String> claimValues(String claim);

  /** The NameID value, or null. */
  String nameIdValue();

  /** The NameID Format, or null. */
  String nameIdFormat();

  /** The IdP's {@code shibmd:Scope}s. */
  List<IdpScope> scopes();
}
