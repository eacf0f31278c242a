package eu.panosc.aai.attributes.process;

import eu.panosc.aai.attributes.scope.IdpScope;
import java.util.List;
import java.util.Objects;

/**
 * What attribute processors know about one login: the upstream (configuration id), the IdP that asserted the
 * attributes (entity id or OIDC issuer), the requester (the client the login is for; null when not known yet)
 * and the IdP's {@code shibmd:Scope}s.
 */
public record ProcessingContext(String upstreamId, String idpEntityId, String requester, List<IdpScope> scopes) {
  public ProcessingContext {
    Objects.requireNonNull(upstreamId, "upstreamId");
    Objects.requireNonNull(idpEntityId, "idpEntityId");
    scopes = List.copyOf(scopes);
  }
}
