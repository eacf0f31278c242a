package eu.panosc.aai.saml.sp;

import eu.panosc.platform.input.Input;

/**
 * Who a SAML login was for, as the IdP's validated assertion named them: the IdP, the NameID with its format and
 * qualifiers, and the AuthnStatement's SessionIndex (null when the IdP sent none). A LogoutRequest for the session
 * names the same (SAML core §3.7.1), and an IdP's LogoutRequest is matched against it.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-core-2.0-os.pdf">SAML 2.0 core §3.7</a>
 */
public record SamlSubject(String idpEntityId, String nameId, String nameIdFormat, String nameQualifier,
    String spNameQualifier, String sessionIndex) {
  public SamlSubject {
    Input.id("idpEntityId", idpEntityId, 1024);
    Input.id("nameId", nameId, 1024);
    Input.text("nameIdFormat", nameIdFormat, 1024, false);
    Input.text("nameQualifier", nameQualifier, 1024, false);
    Input.text("spNameQualifier", spNameQualifier, 1024, false);
    Input.text("sessionIndex", sessionIndex, 1024, false);
  }

  /** As JSON (members named like the components; absent values left out). */
  public io.vertx.core.json.JsonObject toJson() {
    return new io.vertx.core.json.JsonObject().put("idpEntityId", idpEntityId).put("nameId", nameId)
        .put("nameIdFormat", nameIdFormat).put("nameQualifier", nameQualifier).put("spNameQualifier", spNameQualifier)
        .put("sessionIndex", sessionIndex);
  }

  /** From {@link #toJson()}. */
  public static SamlSubject fromJson(io.vertx.core.json.JsonObject j) {
    return new SamlSubject(j.getString("idpEntityId"), j.getString("nameId"), j.getString("nameIdFormat"),
        j.getString("nameQualifier"), j.getString("spNameQualifier"), j.getString("sessionIndex"));
  }
}
