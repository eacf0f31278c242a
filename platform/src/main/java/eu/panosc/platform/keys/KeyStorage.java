package eu.panosc.platform.keys;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Persists a set of key records (private JWKs included). Updates go through an updater function that sees the
 * current records and returns the wanted ones, run so that concurrent updaters (several replicas rotating at the
 * same instant) follow one another: each sees what the one before it wrote.
 */
public interface KeyStorage {
  /** The records that can be read (a record this storage cannot decrypt is left out and logged). */
  Future<List<KeyRecord>> load();

  /**
   * Replaces the readable records with what {@code updater} makes of them, serialized with every other update of
   * this storage; records that cannot be read are kept as they are. Succeeds with the records now stored.
   */
  Future<List<KeyRecord>> update(Function<List<KeyRecord>, Future<List<KeyRecord>>> updater);

  /**
   * One stored signing key (a federation entity key or a token signing key).
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

    @Override
    public String toString() {
      return "KeyRecord[kid=" + kid + ", activeFrom=" + activeFrom + ", privateJwk=[redacted]]";
    }
  }
}
