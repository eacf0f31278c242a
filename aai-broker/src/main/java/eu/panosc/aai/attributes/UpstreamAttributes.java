package eu.panosc.aai.attributes;

import eu.panosc.aai.attributes.names.SamlAttribute;
import eu.panosc.aai.attributes.scope.IdpScope;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an upstream login delivered, protocol-neutral: the upstream (configuration id), the IdP's entity id (SAML)
 * or issuer (OIDC), the NameID (null for OIDC or when absent), the SAML attributes or the OIDC claims (a claim's
 * value is text, a number, a boolean, a list or a nested object), the IdP's {@code shibmd:Scope}s, the
 * authentication context class ({@code AuthnContextClassRef} or the {@code acr} claim; null when absent) and the
 * requester (the client the login is for; null when not known).
 */
public record UpstreamAttributes(Protocol protocol, String upstreamId, String idpEntityId, NameId nameId,
    List<SamlAttribute> samlAttributes, Map<String, Object> claims, List<IdpScope> scopes,
    String authnContextClassRef, String requester) {

  /** The upstream's protocol, which selects the internal map's profile. */
  public enum Protocol {
    SAML("saml"), OIDC("openid");

    private final String profile;

    Protocol(String profile) {
      this.profile = profile;
    }

    /** The internal attribute map profile of this protocol. */
    public String profile() {
      return profile;
    }
  }

  /** A SAML NameID: value and Format (null when the IdP gave none). */
  public record NameId(String value, String format) {
    public NameId {
      Objects.requireNonNull(value, "value");
    }
  }

  public UpstreamAttributes {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(upstreamId, "upstreamId");
    Objects.requireNonNull(idpEntityId, "idpEntityId");
    samlAttributes = List.copyOf(samlAttributes);
    claims = plain(claims);
    scopes = List.copyOf(scopes);
  }

  /**
   * A copy of {@code claims} in plain maps and lists: Vert.x {@code JsonObject}/{@code JsonArray} (as parsed from an
   * ID token or userinfo response) become {@link Map}/{@link List}, so nested claims are found the same way.
   */
  private static Map<String, Object> plain(Map<String, ?> claims) {
    Map<String, Object> out = new LinkedHashMap<>();
    claims.forEach((k, v) -> out.put(k, plainValue(v)));
    return Collections.unmodifiableMap(out);
  }

  private static Object plainValue(Object v) {
    if (v instanceof io.vertx.core.json.JsonObject o) {
      return plain(o.getMap());
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), plainValue(x)));
      return Collections.unmodifiableMap(out);
    }
    if (v instanceof io.vertx.core.json.JsonArray a) {
      return a.stream().map(UpstreamAttributes::plainValue).toList();
    }
    if (v instanceof List<?> l) {
      return l.stream().map(UpstreamAttributes::plainValue).toList();
    }
    return v;
  }

  /** A SAML login. */
  public static UpstreamAttributes saml(String upstreamId, String idpEntityId, NameId nameId,
      List<SamlAttribute> attributes, List<IdpScope> scopes, String authnContextClassRef, String requester) {
    return new UpstreamAttributes(Protocol.SAML, upstreamId, idpEntityId, nameId, attributes, Map.of(), scopes,
        authnContextClassRef, requester);
  }

  /** An OpenID Connect login (claims of the ID token and userinfo). */
  public static UpstreamAttributes oidc(String upstreamId, String issuer, Map<String, Object> claims,
      List<IdpScope> scopes, String acr, String requester) {
    return new UpstreamAttributes(Protocol.OIDC, upstreamId, issuer, null, List.of(), claims, scopes, acr,
        requester);
  }
}
