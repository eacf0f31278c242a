package eu.panosc.aai.saml.metadata;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the broker needs to know of one SAML identity provider, read from verified metadata: its keys, endpoints,
 * scopes, NameID formats, entity attributes and display name, and how long the answer may be used.
 *
 * @param entityId the IdP's entityID
 * @param signingCertificates certificates of KeyDescriptors with {@code use="signing"} or no {@code use}
 * @param encryptionCertificates certificates of KeyDescriptors with {@code use="encryption"} or no {@code use}
 * @param singleSignOn the first SingleSignOnService location per supported binding
 * @param singleLogout the first SingleLogoutService location per supported binding
 * @param scopes {@code shibmd:Scope} values of the IdP role (or, failing that, the entity)
 * @param nameIdFormats NameIDFormat values of the IdP role, in document order
 * @param entityAttributes {@code mdattr:EntityAttributes} name to values (e.g. REFEDS assurance, SIRTFI)
 * @param displayName {@code mdui:DisplayName} (English preferred) or else the Organization display name
 * @param validUntil after this instant the metadata must not be used (the earliest {@code validUntil} on the path)
 * @param cacheDuration the {@code cacheDuration} that applies, if any (the shortest on the path)
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf">SAML 2.0 metadata</a>
 */
public record IdpMetadata(String entityId, List<X509Certificate> signingCertificates,
    List<X509Certificate> encryptionCertificates, Map<Binding, String> singleSignOn, Map<Binding, String> singleLogout,
    List<Scope> scopes, List<String> nameIdFormats, Map<String, List<String>> entityAttributes,
    Optional<String> displayName, Instant validUntil, Optional<Duration> cacheDuration) {

  /** The SAML bindings the broker speaks with an IdP. */
  public enum Binding {
    /** {@code urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect} */
    REDIRECT("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"),
    /** {@code urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST} */
    POST("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST");

    private final String uri;

    Binding(String uri) {
      this.uri = uri;
    }

    public String uri() {
      return uri;
    }

    static Optional<Binding> of(String uri) {
      for (Binding b : values()) {
        if (b.uri.equals(uri)) {
          return Optional.of(b);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * A {@code shibmd:Scope}: a literal domain, or a regular expression when {@code regexp} is set.
   *
   * @see <a href="https://wiki.refeds.org/display/STAN/Shibboleth+Metadata+Extensions">shibmd</a>
   */
  public record Scope(String value, boolean regexp) {
    public Scope {
      Objects.requireNonNull(value, "value");
    }
  }

  public IdpMetadata {
    Objects.requireNonNull(entityId, "entityId");
    signingCertificates = List.copyOf(signingCertificates);
    encryptionCertificates = List.copyOf(encryptionCertificates);
    singleSignOn = Collections.unmodifiableMap(new LinkedHashMap<>(singleSignOn));
    singleLogout = Collections.unmodifiableMap(new LinkedHashMap<>(singleLogout));
    scopes = List.copyOf(scopes);
    nameIdFormats = List.copyOf(nameIdFormats);
    Map<String, List<String>> attrs = new LinkedHashMap<>();
    entityAttributes.forEach((k, v) -> attrs.put(k, List.copyOf(v)));
    entityAttributes = Collections.unmodifiableMap(attrs);
    Objects.requireNonNull(displayName, "displayName");
    Objects.requireNonNull(validUntil, "validUntil");
    Objects.requireNonNull(cacheDuration, "cacheDuration");
  }

  /** Whether this metadata may still be used at {@code now}. */
  public boolean validAt(Instant now) {
    return now.isBefore(validUntil);
  }
}
