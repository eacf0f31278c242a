package eu.panosc.aai.oidc;

import com.nimbusds.jwt.JWTClaimsSet;

/**
 * Signs the broker's {@code private_key_jwt} client assertions (RFC 7523 §2.2) with its own published keys (the OP
 * reads them at the broker's {@code jwks_uri}).
 */
@FunctionalInterface
public interface ClientAssertionSigner {
  String sign(JWTClaimsSet claims);
}
