package eu.panosc.registry.federation;

import eu.panosc.registry.model.Member;
import eu.panosc.registry.model.MemberKind;
import eu.panosc.registry.saml.MetadataException;
import eu.panosc.registry.saml.SamlEntity;
import eu.panosc.registry.saml.SamlMetadataParser;
import eu.panosc.registry.saml.XmlSigning;
import eu.panosc.registry.store.RegistryStore;
import eu.panosc.registry.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Imports a SAML upstream IdP's metadata feed (behind {@code POST /admin/v1/upstream-idps/{id}/import}): fetches it
 * from the upstream's {@code metadataUrl}, verifies the feed's signature against the pinned certificate and its
 * {@code validUntil}, and replaces that upstream's imported entities in one transaction. A feed that fails any check
 * changes nothing. Imported entities are published in the aggregate and MDQ while the upstream IdP is approved.
 * Refusals are domain errors the admin endpoint maps to HTTP: {@link StoreException#notFound} (no such upstream),
 * {@link StoreException#conflict} (an OpenID Connect upstream), {@link StoreException#invalidField} of
 * {@code /metadataUrl} (the feed was refused), {@link FeedUnavailableException} (the feed could not be fetched).
 */
public final class UpstreamImport {
  private static final int MAX_FEED_BYTES = 128 * 1024 * 1024;

  private final Vertx vertx;
  private final Pool pool;
  private final RegistryStore store;
  private final SamlMetadataParser parser;
  private final WebClient web;
  private final Clock clock;
  private final Consumer<String> imported;

  /** @param imported called with the upstream id after a successful import (e.g. to republish) */
  public UpstreamImport(Vertx vertx, Pool pool, RegistryStore store, SamlMetadataParser parser, WebClient web,
      Clock clock, Consumer<String> imported) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.pool = Objects.requireNonNull(pool, "pool");
    this.store = Objects.requireNonNull(store, "store");
    this.parser = Objects.requireNonNull(parser, "parser");
    this.web = Objects.requireNonNull(web, "web");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.imported = Objects.requireNonNull(imported, "imported");
  }

  /** What an import did. */
  public record Result(String upstream, int imported, List<String> rejected, java.time.Instant validUntil) {
    public Result {
      Objects.requireNonNull(upstream, "upstream");
      rejected = List.copyOf(rejected);
      Objects.requireNonNull(validUntil, "validUntil");
    }

    public JsonObject toJson() {
      return new JsonObject().put("upstream", upstream).put("imported", imported)
          .put("rejected", new JsonArray(rejected)).put("validUntil", validUntil.toString());
    }
  }

  /** Imports the feed of the registered upstream IdP {@code id}. */
  public Future<Result> importFeed(String id) {
    return store.get(MemberKind.UPSTREAM_IDP, id)
        .compose(m -> m.isPresent() ? importFeed(m.get())
            : Future.failedFuture(StoreException.notFound("no upstream IdP '" + id + "' is registered")));
  }

  Future<Result> importFeed(Member upstream) {
    JsonObject d = upstream.document();
    if (!"saml".equals(d.getString("protocol"))) {
      return Future.failedFuture(StoreException.conflict("upstream IdP '" + upstream.id()
          + "' speaks OpenID Connect; only SAML feeds are imported"));
    }
    String url = d.getString("metadataUrl");
    return web.getAbs(url).timeout(60_000).send()
        .recover(e -> Future.failedFuture(new FeedUnavailableException("fetching " + url + " failed: " + e.getMessage())))
        .compose(r -> {
          if (r.statusCode() != 200 || r.body() == null) {
            return Future.failedFuture(new FeedUnavailableException("fetching " + url + " answered HTTP " + r.statusCode()));
          }
          if (r.body().length() > MAX_FEED_BYTES) {
            return Future.failedFuture(new FeedUnavailableException("the feed at " + url + " is larger than 128 MB"));
          }
          byte[] bytes = r.body().getBytes();
          return vertx.executeBlocking(() -> {
            try {
              return parser.parseAggregate(bytes, XmlSigning.readCertificate(d.getString("signingCertificate")));
            } catch (MetadataException e) {
              throw StoreException.invalidField("/metadataUrl", "the feed was refused: " + e.getMessage());
            }
          }, false);
        })
        .compose(feed -> {
          List<Tuple> rows = new ArrayList<>();
          var now = clock.instant().atOffset(ZoneOffset.UTC);
          for (SamlEntity e : feed.entities()) {
            rows.add(Tuple.of(upstream.id(), e.entityId(), new String(e.xml(), StandardCharsets.UTF_8), now));
          }
          return pool.withTransaction(conn -> conn.preparedQuery("DELETE FROM upstream_entity WHERE upstream_id = $1")
                  .execute(Tuple.of(upstream.id()))
                  .compose(v -> rows.isEmpty() ? Future.succeededFuture()
                      : conn.preparedQuery("INSERT INTO upstream_entity (upstream_id, entity_id, xml, imported_at)"
                          + " VALUES ($1, $2, $3, $4)").executeBatch(rows).mapEmpty()))
              .map(v -> {
                imported.accept(upstream.id());
                return new Result(upstream.id(), rows.size(), feed.rejected(), feed.validUntil());
              });
        });
  }

  /** The stored XML of entities imported from approved upstream IdPs. */
  public static Future<List<String>> approvedImports(Pool pool) {
    return pool.query("SELECT u.xml FROM upstream_entity u JOIN member m ON m.kind = 'upstream_idp'"
            + " AND m.id = u.upstream_id AND m.state = 'approved' ORDER BY u.entity_id").execute()
        .map(rows -> {
          List<String> out = new ArrayList<>();
          rows.forEach(r -> out.add(r.getString(0)));
          return out;
        });
  }
}
