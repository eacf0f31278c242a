package eu.panosc.aai.federation;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import eu.panosc.platform.demo.DemoFederation;
import eu.panosc.platform.keys.SigningKeys;
import io.vertx.core.json.JsonObject;
import java.text.ParseException;
import java.util.Objects;

/**
 * In demo mode, the aai-broker's one Federation Entity Key: the demo fixture's published {@code signingKey}, whose
 * public half the registry's trust anchor has on file for it ({@code federation.aaiBroker.jwks}), so the demo
 * federation resolves the broker without an operator registering its keys. Public like every demo credential;
 * never used outside demo mode, where the keys rotate in {@code aai.federation_key}.
 */
public final class DemoFederationKey implements SigningKeys {
  private final ECKey key;

  private DemoFederationKey(ECKey key) {
    this.key = Objects.requireNonNull(key, "key");
    if (!key.isPrivate() || key.getKeyID() == null) {
      throw new IllegalStateException("the demo fixture's aai-broker signingKey must be a private EC key with a kid");
    }
  }

  /** The key of the demo fixture ({@code federation.aaiBroker.signingKey}). */
  public static DemoFederationKey fromFixture() {
    JsonObject demo = DemoFederation.fixture().getJsonObject("federation").getJsonObject("aaiBroker");
    try {
      return new DemoFederationKey(ECKey.parse(demo.getJsonObject("signingKey").encode()));
    } catch (ParseException | RuntimeException e) {
      throw new IllegalStateException("the demo fixture's aai-broker signingKey does not parse: " + e.getMessage(), e);
    }
  }

  @Override
  public JWK signingKey() {
    return key;
  }

  @Override
  public JWKSet publishedKeys() {
    return new JWKSet(key.toPublicJWK());
  }
}
