package eu.panosc.registry.oidfed;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Persists the trust anchor's key records (private JWKs included), replacing the whole list on save. */
public interface KeyStorage {
  Future<List<KeyRecord>> load();

  Future<Void> save(List<KeyRecord> records);

  /**
   * One Federation Entity Key.
   *
   * @param kid the key id (the JWK SHA-256 thumbprint)
   * @param privateJwk the private key as JWK JSON
   * @param activeFrom when it starts to sign; before that it is published as the next key
   */
  record KeyRecord(String kid, String privateJwk, Instant activeFrom) {
    public KeyRecord {
      Objects.requireNonNull(kid, "kid");
      Objects.requireNonNull(privateJwk, "privateJwk");
      Objects.requireNonNull(activeFrom, "activeFrom");
    }
  }
}
