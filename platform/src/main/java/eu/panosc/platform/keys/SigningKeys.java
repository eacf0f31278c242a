package eu.panosc.platform.keys;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;

/**
 * A set of signing keys of one kind: the private key that signs now and the public keys to publish (current, next
 * and recently retired). Serves every signing key set of the control plane: the registry's and the aai-broker's
 * Federation Entity Keys (published in an entity configuration's {@code jwks}) and the aai-broker's ES256 and RS256
 * token signing keys (published at its JWKS endpoint); {@link RotatingSigningKeys} is the rotating implementation.
 *
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-11.2">OpenID Federation 1.0 §11.2, Key Rollover for a Trust Anchor</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7517#section-5">RFC 7517 §5, JWK Set</a>
 */
public interface SigningKeys {
  /** The private key that signs now; its {@code kid} is set. */
  JWK signingKey();

  /** The public keys to publish (an entity configuration's {@code jwks}, a JWKS endpoint): current, next and recently retired. */
  JWKSet publishedKeys();

  /**
   * The private keys of every published key, current first: what a recipient may have encrypted to (an encryption
   * key set while it rotates). By default only the current key.
   */
  default java.util.List<JWK> publishedPrivateKeys() {
    return java.util.List.of(signingKey());
  }
}
