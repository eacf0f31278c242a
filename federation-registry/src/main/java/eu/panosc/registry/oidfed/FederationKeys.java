package eu.panosc.registry.oidfed;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;

/**
 * The trust anchor's Federation Entity Keys.
 *
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-11.2">OpenID Federation 1.0, Key Rollover for a Trust Anchor</a>
 */
public interface FederationKeys {
  /** The private key that signs now; its {@code kid} is set. */
  JWK signingKey();

  /** The public keys to publish in the entity configuration: current, next and recently retired. */
  JWKSet publishedKeys();
}
