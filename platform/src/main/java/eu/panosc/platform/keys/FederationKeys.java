package eu.panosc.platform.keys;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;

/**
 * A rotating set of signing keys: the one that signs now and the public keys to publish (the registry's Federation
 * Entity Keys, the aai-broker's token signing keys).
 *
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-11.2">OpenID Federation 1.0, Key Rollover for a Trust Anchor</a>
 */
public interface FederationKeys {
  /** The private key that signs now; its {@code kid} is set. */
  JWK signingKey();

  /** The public keys to publish in the entity configuration: current, next and recently retired. */
  JWKSet publishedKeys();
}
