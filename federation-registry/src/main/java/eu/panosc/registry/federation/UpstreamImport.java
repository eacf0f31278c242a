package eu.panosc.registry.federation;

import eu.panosc.platform.auth.AccessTokenPrincipal;
import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.http.ApiException;
import eu.panosc.platform.http.RequestIds;
import eu.panosc.registry.admin.AdminEndpoint;
import eu.panosc.registry.model.Member;
import eu.panosc.registry.model.MemberKind;
import eu.panosc.registry.saml.MetadataException;
import eu.panosc.registry.saml.SamlEntity;
import eu.panosc.registry.saml.SamlMetadataParser;
import eu.panosc.registry.saml.XmlSigning;
import eu.panosc.registry.store.RegistryStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /admin/v1/upstream-idps/{id}/import} (scope {@code registry:admin}): fetches a SAML
 * upstream IdP's metadata feed from its {@code metadataUrl}, verifies the feed's signature against the
 * pinned certificate and its {@code validUntil}, and replaces that upstream's imported entities in one
 * transaction. A feed that fails any check changes nothing. Imported entities are published in the
 * aggregate and MDQ while the upstream IdP is approved.
 */
public final class UpstreamImport {
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamImport.class);
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

  public void mount(Router router, BearerAuth auth) {
    router.post("/admin/v1/upstream-idps/:id/import").handler(auth.requireScopes(AdminEndpoint.ADMIN_SCOPE))
        .handler(this::handle);
  }

  private void handle(RoutingContext ctx) {
    String id = AdminEndpoint.id(ctx);
    AccessTokenPrincipal p = BearerAuth.principal(ctx);
    store.get(MemberKind.UPSTREAM_IDP, id)
        .map(m -> m.orElseThrow(() -> ApiException.notFound("no upstream IdP '" + id + "' is registered")))
        .compose(upstream -> importFeed(upstream))
        .onSuccess(result -> {
          LOG.info("imported {} entities from upstream {} (by {}, rid={})", result.getInteger("imported"), id,
              p.clientId() != null ? p.clientId() : p.subject(), RequestIds.of(ctx));
          ctx.json(result);
        })
        .onFailure(ctx::fail);
  }

  Future<JsonObject> importFeed(Member upstream) {
    JsonObject d = upstream.document();
    if (!"saml".equals(d.getString("protocol"))) {
      return Future.failedFuture(ApiException.conflict("upstream IdP '" + upstream.id()
          + "' speaks OpenID Connect; only SAML feeds are imported"));
    }
    String url = d.getString("metadataUrl");
    return web.getAbs(url).timeout(60_000).send()
        .recover(e -> Future.failedFuture(ApiException.unavailable("fetching " + url + " failed: " + e.getMessage())))
        .compose(r -> {
          if (r.statusCode() != 200 || r.body() == null) {
            return Future.failedFuture(ApiException.unavailable("fetching " + url + " answered HTTP " + r.statusCode()));
          }
          if (r.body().length() > MAX_FEED_BYTES) {
            return Future.failedFuture(ApiException.unavailable("the feed at " + url + " is larger than 128 MB"));
          }
          byte[] bytes = r.body().getBytes();
          return vertx.executeBlocking(() -> {
            try {
              return parser.parseAggregate(bytes, XmlSigning.readCertificate(d.getString("signingCertificate")));
            } catch (MetadataException e) {
              throw ApiException.invalidField("metadataUrl", "the feed was refused: " + e.getMessage());
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
                return new JsonObject().put("upstream", upstream.id()).put("imported", rows.size())
                    .put("rejected", new JsonArray(feed.rejected()))
                    .put("validUntil", feed.validUntil().toString());
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
