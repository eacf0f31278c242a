package eu.panosc.platform.keys;

import eu.panosc.platform.crypto.EnvelopeEncryption;
import eu.panosc.platform.crypto.EnvelopeException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signing keys in a table {@code (kid TEXT PRIMARY KEY, private_jwk TEXT, sealed_jwk TEXT, active_from TIMESTAMPTZ)}
 * of the pool's schema (each service creates its own in its migrations): the registry's {@code federation_key}, the
 * aai-broker's {@code signing_key} and {@code rsa_signing_key}. The private JWK is stored sealed ({@link EnvelopeEncryption}: AES-256-GCM under the
 * key-encryption key, the row's identity {@code <schema>.<table>/<kid>} as associated data); {@code private_jwk} only
 * holds plaintext written by versions before V20, which the next update seals and clears.
 *
 * <p>Every {@link #update} runs in one transaction holding a PostgreSQL advisory lock named after the table, so
 * replicas rotating at the same instant take turns and the second sees the first one's keys. The same update
 * re-seals rows sealed under a previous KEK (a KEK rotation) and seals legacy plaintext rows. A row under an
 * unknown KEK, or one that does not authenticate, is logged and left alone: it is neither used nor deleted.
 */
public final class PgKeyStorage implements KeyStorage {
  /** Gauge: rows of the table that could not be used at the last read (no key material, unknown KEK, tampered). */
  public static final String UNUSABLE_ROWS = "panosc_platform_keys_unusable_rows";
  private static final Logger LOG = LoggerFactory.getLogger(PgKeyStorage.class);

  private final Pool pool;
  private final String schema;
  private final String table;
  private final EnvelopeEncryption envelopes;
  private final java.util.concurrent.atomic.AtomicInteger unusable = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * @param schema the pool's schema, part of each row's identity in the envelope
   * @param table the table in it
   */
  public PgKeyStorage(Pool pool, String schema, String table, EnvelopeEncryption envelopes) {
    this(pool, schema, table, envelopes, null);
  }

  /** As above, and publishes {@value #UNUSABLE_ROWS}{@code {table="<schema>.<table>"}} in {@code meters}. */
  public PgKeyStorage(Pool pool, String schema, String table, EnvelopeEncryption envelopes,
      io.micrometer.core.instrument.MeterRegistry meters) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.envelopes = Objects.requireNonNull(envelopes, "envelopes");
    if (!table.matches("[a-z_]{1,63}") || !schema.matches("[a-z_]{1,63}")) {
      throw new IllegalArgumentException("schema or table name " + schema + "." + table);
    }
    this.schema = schema;
    this.table = table;
    if (meters != null) {
      io.micrometer.core.instrument.Gauge.builder(UNUSABLE_ROWS, unusable, java.util.concurrent.atomic.AtomicInteger::get)
          .description("stored private keys that could not be used at the last read")
          .tag("table", schema + "." + table).register(meters);
    }
  }

  /** How many rows could not be used at the last read. */
  public int unusableRows() {
    return unusable.get();
  }

  /** The associated data that binds an envelope to its row. */
  String context(String kid) {
    return schema + "." + table + "/" + kid;
  }

  /** A stored row before decryption. */
  private record Stored(String kid, String plaintext, String sealed, java.time.Instant activeFrom) {}

  /** What could be read of the table: the records, and which of them need (re-)sealing. */
  private record Read(List<KeyRecord> records, List<KeyRecord> toSeal) {}

  @Override
  public Future<List<KeyRecord>> load() {
    return select(pool).map(rows -> read(rows).records());
  }

  @Override
  public Future<List<KeyRecord>> update(Function<List<KeyRecord>, Future<List<KeyRecord>>> updater) {
    return pool.withTransaction(conn -> conn
        .preparedQuery("SELECT true FROM pg_advisory_xact_lock(hashtextextended($1, 0))")
        .execute(Tuple.of("panosc key storage " + schema + "." + table))
        .compose(locked -> select(conn))
        .compose(rows -> {
          Read read = read(rows);
          return seal(conn, read.toSeal()).compose(v -> updater.apply(read.records()))
              .compose(wanted -> write(conn, read.records(), wanted).map(wanted));
        }));
  }

  private Future<List<Stored>> select(SqlClient client) {
    return client.query("SELECT kid, private_jwk, sealed_jwk, active_from FROM " + table + " ORDER BY active_from")
        .execute().map(rows -> {
          List<Stored> out = new ArrayList<>();
          for (Row r : rows) {
            out.add(new Stored(r.getString(0), r.getString(1), r.getString(2), r.getOffsetDateTime(3).toInstant()));
          }
          return out;
        });
  }

  private Read read(List<Stored> rows) {
    List<KeyRecord> records = new ArrayList<>();
    List<KeyRecord> toSeal = new ArrayList<>();
    int skipped = 0;
    for (Stored s : rows) {
      if (s.sealed() == null) {
        if (s.plaintext() == null) {
          LOG.warn("{}.{} key {} has no key material; skipped", schema, table, s.kid());
          skipped++;
          continue;
        }
        KeyRecord r = new KeyRecord(s.kid(), s.plaintext(), s.activeFrom());
        records.add(r);
        toSeal.add(r);
        continue;
      }
      try {
        KeyRecord r = new KeyRecord(s.kid(), envelopes.openText(s.sealed(), context(s.kid())), s.activeFrom());
        records.add(r);
        if (!envelopes.isCurrent(s.sealed())) {
          toSeal.add(r);
        }
      } catch (EnvelopeException e) {
        LOG.warn("{}.{} key {} cannot be used and is skipped: {} (configure its key-encryption key in"
            + " keys.previousKekFiles or keys.previousKekEnvs)", schema, table, s.kid(), e.getMessage());
        skipped++;
      }
    }
    unusable.set(skipped);
    return new Read(records, toSeal);
  }

  /** Seals legacy plaintext rows and re-seals rows under a previous KEK, clearing the plaintext column. */
  private Future<Void> seal(SqlClient conn, List<KeyRecord> records) {
    if (records.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = records.stream()
        .map(r -> Tuple.of(r.kid(), envelopes.sealText(r.privateJwk(), context(r.kid())))).toList();
    return conn.preparedQuery("UPDATE " + table + " SET sealed_jwk = $2, private_jwk = NULL WHERE kid = $1")
        .executeBatch(batch)
        .onSuccess(v -> LOG.info("{}.{}: sealed {} key(s) under key-encryption key {}", schema, table,
            records.size(), envelopes.currentKekId()))
        .mapEmpty();
  }

  /** Deletes readable records no longer wanted and inserts new ones; unreadable rows stay. */
  private Future<Void> write(SqlClient conn, List<KeyRecord> before, List<KeyRecord> wanted) {
    Map<String, KeyRecord> old = new HashMap<>();
    before.forEach(r -> old.put(r.kid(), r));
    Set<String> wantedKids = wanted.stream().map(KeyRecord::kid).collect(Collectors.toSet());
    List<Tuple> deletes = before.stream().filter(r -> !wantedKids.contains(r.kid()))
        .map(r -> Tuple.of(r.kid())).toList();
    List<Tuple> upserts = wanted.stream().filter(r -> !r.equals(old.get(r.kid())))
        .map(r -> Tuple.of(r.kid(), envelopes.sealText(r.privateJwk(), context(r.kid())),
            r.activeFrom().atOffset(ZoneOffset.UTC)))
        .toList();
    Future<Void> deleted = deletes.isEmpty() ? Future.succeededFuture()
        : conn.preparedQuery("DELETE FROM " + table + " WHERE kid = $1").executeBatch(deletes).mapEmpty();
    return deleted.compose(v -> upserts.isEmpty() ? Future.succeededFuture()
        : conn.preparedQuery("INSERT INTO " + table + " (kid, sealed_jwk, active_from) VALUES ($1, $2, $3)"
                + " ON CONFLICT (kid) DO UPDATE SET sealed_jwk = EXCLUDED.sealed_jwk, private_jwk = NULL,"
                + " active_from = EXCLUDED.active_from")
            .executeBatch(upserts).mapEmpty());
  }
}
