package eu.panosc.registry.federation;

import eu.panosc.platform.crypto.EnvelopeEncryption;
import eu.panosc.platform.crypto.EnvelopeException;
import eu.panosc.registry.federation.SamlSigningKey.Material;
import eu.panosc.registry.saml.XmlSigning;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's generated SAML metadata signing key, in {@code saml_signing_key}: the PKCS#8 private key sealed
 * ({@link EnvelopeEncryption}, associated data {@code registry.saml_signing_key/<id>}), the certificate in PEM, the
 * id being the certificate's SHA-256 thumbprint. Every replica signs with the newest usable row, so they all
 * publish the same certificate. {@link #open} runs under an advisory lock: the first replica to start imports the
 * key an earlier version left in the data directory or generates one, the others read it; rows sealed under a
 * previous KEK are re-sealed under the current one; rows that cannot be opened are logged and left alone.
 */
public final class PgSamlKeyStore {
  private static final Logger LOG = LoggerFactory.getLogger(PgSamlKeyStore.class);
  static final String TABLE = "saml_signing_key";

  private final Pool pool;
  private final EnvelopeEncryption envelopes;
  private final Clock clock;

  public PgSamlKeyStore(Pool pool, EnvelopeEncryption envelopes, Clock clock) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.envelopes = Objects.requireNonNull(envelopes, "envelopes");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  static String context(String id) {
    return "registry." + TABLE + "/" + id;
  }

  /** What to do when no stored key is usable. */
  public interface Source {
    /** The key an earlier version left on disk, if any (blocking). */
    Optional<Material> legacy() throws Exception;

    /** Called after a legacy key was stored, to delete its files (blocking). */
    void imported() throws Exception;

    /** A new key (blocking). */
    Material generate() throws Exception;
  }

  /** The key to sign with: stored, else imported, else generated; stored sealed before it is returned. */
  public Future<XmlSigning> open(Vertx vertx, Source source) {
    boolean[] importedLegacy = new boolean[1];
    return pool.withTransaction(conn -> conn
            .preparedQuery("SELECT true FROM pg_advisory_xact_lock(hashtextextended($1, 0))")
            .execute(Tuple.of("panosc key storage registry." + TABLE))
            .compose(locked -> conn.query("SELECT id, sealed_key, certificate FROM " + TABLE
                + " ORDER BY created_at DESC").execute())
            .compose(rows -> {
              for (Row r : rows) {
                Optional<Material> m = usable(r);
                if (m.isPresent()) {
                  return reseal(conn, r, m.get()).map(m.get());
                }
              }
              Callable<Material> create = () -> {
                Optional<Material> old = source.legacy();
                importedLegacy[0] = old.isPresent();
                return old.isPresent() ? old.get() : source.generate();
              };
              return vertx.executeBlocking(create, false).compose(m -> insert(conn, m).map(m));
            }))
        .compose(m -> importedLegacy[0]
            ? vertx.executeBlocking(() -> {
              source.imported();
              return m;
            }, false)
            : Future.succeededFuture(m))
        .map(Material::signing);
  }

  private Optional<Material> usable(Row r) {
    String id = r.getString(0);
    try {
      String keyPem = envelopes.openText(r.getString(1), context(id));
      return Optional.of(new Material(XmlSigning.readPrivateKey(keyPem), XmlSigning.readCertificate(r.getString(2))));
    } catch (EnvelopeException | IllegalArgumentException e) {
      LOG.warn("SAML signing key {} cannot be used and is skipped: {}", id, e.getMessage());
      return Optional.empty();
    }
  }

  private Future<Void> reseal(SqlClient conn, Row r, Material m) {
    if (envelopes.isCurrent(r.getString(1))) {
      return Future.succeededFuture();
    }
    String id = r.getString(0);
    return conn.preparedQuery("UPDATE " + TABLE + " SET sealed_key = $2 WHERE id = $1")
        .execute(Tuple.of(id, envelopes.sealText(pem("PRIVATE KEY", m.key().getEncoded()), context(id))))
        .onSuccess(v -> LOG.info("re-sealed SAML signing key {} under key-encryption key {}", id,
            envelopes.currentKekId()))
        .mapEmpty();
  }

  private Future<Void> insert(SqlClient conn, Material m) {
    try {
      byte[] der = m.certificate().getEncoded();
      String id = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
      return conn.preparedQuery("INSERT INTO " + TABLE + " (id, sealed_key, certificate, created_at)"
              + " VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING")
          .execute(Tuple.of(id, envelopes.sealText(pem("PRIVATE KEY", m.key().getEncoded()), context(id)),
              pem("CERTIFICATE", der), clock.instant().atOffset(ZoneOffset.UTC)))
          .mapEmpty();
    } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
      return Future.failedFuture(new IllegalStateException("cannot store the SAML signing key", e));
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
