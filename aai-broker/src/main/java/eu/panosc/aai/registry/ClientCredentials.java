package eu.panosc.aai.registry;

import com.nimbusds.jose.jwk.JWKSet;
import java.util.Objects;

/**
 * How an approved client authenticates at the token endpoint ({@code GET /registry/v1/clients/{id}/credentials},
 * scope {@code registry:credentials}), parsed once.
 *
 * @param clientId the client id
 * @param type {@code public}, {@code confidential} or {@code service}
 * @param authMethod {@code none}, {@code client_secret_basic}, {@code client_secret_post} or {@code private_key_jwt}
 * @param secretHash the stored hash of its secret ({@code sha256$<salt>$<hash>}), or null when it has none
 * @param jwks its public keys for {@code private_key_jwt}, or null
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7591#section-2">RFC 7591 §2, token_endpoint_auth_method</a>
 */
public record ClientCredentials(String clientId, String type, String authMethod, String secretHash, JWKSet jwks) {
  public ClientCredentials {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(authMethod, "authMethod");
  }

  @Override
  public String toString() {
    return "ClientCredentials[clientId=" + clientId + ", type=" + type + ", authMethod=" + authMethod
        + ", secretHash=" + (secretHash == null ? "none" : "[redacted]") + ", jwks=" + (jwks == null ? "none"
        : jwks.getKeys().size() + " key(s)") + "]";
  }
}
