package eu.panosc.registry.federation;

import eu.panosc.platform.http.ApiException;
import eu.panosc.registry.model.Member;
import eu.panosc.registry.model.MemberKind;
import eu.panosc.registry.model.OnboardingState;
import eu.panosc.registry.saml.DiscoveryFeed;
import eu.panosc.registry.saml.Mdq;
import eu.panosc.registry.saml.MdqResponse;
import eu.panosc.registry.saml.MetadataException;
import eu.panosc.registry.saml.SamlEntity;
import eu.panosc.registry.saml.SamlMetadataParser;
import eu.panosc.registry.store.RegistryStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the approved SAML entities: the signed aggregate and MDQ
 * ({@code GET /mdq/entities}, {@code GET /mdq/entities/{id or {sha1}hex}}) with ETag, 304, gzip and
 * Cache-Control, and the SeamlessAccess discovery feed ({@code GET /discovery/idps.json}). The set is
 * rebuilt off the event loop whenever a SAML entity changes; several changes in a burst rebuild once.
 */
public final class SamlPublishing {
  private static final Logger LOG = LoggerFactory.getLogger(SamlPublishing.class);

  private final Vertx vertx;
  private final RegistryStore store;
  private final SamlMetadataParser parser;
  private final Mdq mdq;
  private final AtomicReference<byte[]> discovery = new AtomicReference<>("[]".getBytes(StandardCharsets.UTF_8));
  private final AtomicBoolean rebuildQueued = new AtomicBoolean();
  /** Parsed entities by member id and version, and imported ones by the SHA-256 of their XML: a rebuild parses only what changed. */
  private volatile Map<String, SamlEntity> parsed = Map.of();

  private final java.util.function.Supplier<Future<List<String>>> importedXml;
  private final io.micrometer.core.instrument.Counter unpublishable;

  private final boolean demo;

  /**
   * @param importedXml the XML of entities imported from approved upstream IdPs' feeds
   * @param demo whether the demo federation is active; outside demo mode entities seeded for it
   *     ({@code demo: true}) are never published
   */
  public SamlPublishing(Vertx vertx, RegistryStore store, SamlMetadataParser parser, Mdq mdq,
      java.util.function.Supplier<Future<List<String>>> importedXml, io.micrometer.core.instrument.MeterRegistry meters,
      boolean demo) {
    this.demo = demo;
    this.unpublishable = meters.counter(RegistrySubordinates.METER_UNPUBLISHABLE, "kind", MemberKind.SAML_ENTITY.dbName());
    this.importedXml = Objects.requireNonNull(importedXml, "importedXml");
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.store = Objects.requireNonNull(store, "store");
    this.parser = Objects.requireNonNull(parser, "parser");
    this.mdq = Objects.requireNonNull(mdq, "mdq");
  }

  /** Validates submitted metadata for the admin API; the summary becomes part of the stored document. */
  public JsonObject validate(String xml) {
    SamlEntity e;
    try {
      e = parser.parse(xml.getBytes(StandardCharsets.UTF_8));
    } catch (MetadataException ex) {
      throw ApiException.invalidField("/metadata", ex.getMessage());
    }
    return new JsonObject().put("entityID", e.entityId())
        .put("roles", new JsonArray(e.roles().stream().map(r -> r.name().toLowerCase(java.util.Locale.ROOT)).sorted().toList()))
        .put("displayName", e.displayName())
        .put("registrationAuthority", e.registrationAuthority().orElse(null))
        .put("sirtfi", e.sirtfiCompliant());
  }

  /** Rebuilds the published set from the approved SAML entities (now, or soon after a burst of changes). */
  public Future<Void> rebuild() {
    Future<List<Member>> registered = store.list(MemberKind.SAML_ENTITY, Optional.of(OnboardingState.APPROVED),
        Optional.empty());
    Future<List<String>> imports = importedXml.get();
    return Future.all(registered, imports)
        .compose(all -> vertx.executeBlocking(() -> {
          List<Member> members = all.resultAt(0);
          List<String> upstream = all.resultAt(1);
          List<SamlEntity> entities = new ArrayList<>(members.size() + upstream.size());
          java.util.Set<String> ids = new java.util.HashSet<>();
          Map<String, SamlEntity> previous = parsed;
          Map<String, SamlEntity> next = new HashMap<>(members.size() + upstream.size());
          java.time.Instant now = java.time.Instant.now();
          for (Member m : members) {
            if (!demo && m.document().getBoolean("demo", false)) {
              continue;
            }
            try {
              String key = "m:" + m.id() + "#" + m.version();
              SamlEntity e = previous.get(key);
              if (e == null || e.validUntil().map(v -> v.isBefore(now)).orElse(false)) {
                e = parser.parse(m.document().getString("metadata").getBytes(StandardCharsets.UTF_8));
              }
              next.put(key, e);
              entities.add(e);
              ids.add(e.entityId());
            } catch (MetadataException | NullPointerException | ClassCastException e) {
              // e.g. its validUntil passed since it was approved, or it was stored before today's checks:
              // it is left out, and the aggregate of every other member is still published
              LOG.error("SAML entity {} is left out of the published metadata: {}", m.id(), e.getMessage());
              unpublishable.increment();
            }
          }
          for (String xml : upstream) {
            try {
              byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
              String key = "u:" + java.util.HexFormat.of().formatHex(
                  java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
              SamlEntity e = previous.get(key);
              if (e == null || e.validUntil().map(v -> v.isBefore(now)).orElse(false)) {
                e = parser.parseImported(bytes);
              }
              next.put(key, e);
              if (ids.add(e.entityId())) { // an entity registered directly wins over an imported copy
                entities.add(e);
              }
            } catch (MetadataException e) {
              LOG.warn("an imported upstream entity is no longer publishable: {}", e.getMessage());
            }
          }
          parsed = next;
          mdq.update(entities);
          discovery.set(DiscoveryFeed.toJson(entities));
          return entities.size();
        }, false))
        .onSuccess(n -> {
          LOG.debug("SAML metadata rebuilt: {} entities", n);
          // sign single-entity documents ahead of the first MDQ request, off the request path
          vertx.executeBlocking(mdq::presign, false)
              .onFailure(e -> LOG.warn("pre-signing MDQ documents failed: {}", e.toString()));
        })
        .mapEmpty();
  }

  /** Called for every registry change; SAML changes schedule one rebuild shortly after. */
  public void changed(String kind) {
    if ((MemberKind.SAML_ENTITY.dbName().equals(kind) || MemberKind.UPSTREAM_IDP.dbName().equals(kind))
        && rebuildQueued.compareAndSet(false, true)) {
      vertx.setTimer(200, t -> {
        rebuildQueued.set(false);
        rebuild().onFailure(e -> LOG.error("SAML metadata rebuild failed", e));
      });
    }
  }

  public void mount(Router router) {
    router.get("/mdq/entities").handler(ctx -> answer(ctx, () -> mdq.lookupAll()));
    router.get("/mdq/entities/*").handler(ctx -> {
      String raw = ctx.request().path();
      String encoded = raw.substring(raw.indexOf("/mdq/entities/") + "/mdq/entities/".length());
      String id;
      try {
        id = URLDecoder.decode(encoded, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw ApiException.invalidField("entityID", "is not correctly percent-encoded");
      }
      eu.panosc.platform.input.Input.id("entityID", id, 2048);
      answer(ctx, () -> mdq.lookup(id));
    });
    router.get("/discovery/idps.json").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=3600")
        .end(Buffer.buffer(discovery.get())));
  }

  private void answer(RoutingContext ctx, java.util.concurrent.Callable<Optional<MdqResponse>> lookup) {
    vertx.executeBlocking(lookup, false).onSuccess(found -> {
      var response = ctx.response();
      if (found.isEmpty()) {
        response.setStatusCode(404).putHeader(HttpHeaders.CACHE_CONTROL, mdq.notFoundCacheControl())
            .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain").end("no such entity\n");
        return;
      }
      MdqResponse r = found.get();
      String acceptEncoding = ctx.request().getHeader(HttpHeaders.ACCEPT_ENCODING);
      boolean gzip = acceptEncoding != null && acceptEncoding.toLowerCase(java.util.Locale.ROOT).contains("gzip");
      response.putHeader(HttpHeaders.ETAG, r.etag(gzip)).putHeader(HttpHeaders.CACHE_CONTROL, r.cacheControl())
          .putHeader(HttpHeaders.VARY, "Accept-Encoding");
      if (r.notModified(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH), gzip)) {
        response.setStatusCode(304).end();
        return;
      }
      response.putHeader(HttpHeaders.CONTENT_TYPE, r.contentType());
      if (gzip) {
        // already compressed: tell Vert.x's compressor to leave it alone
        response.putHeader(HttpHeaders.CONTENT_ENCODING, "gzip");
      } else {
        response.putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY);
      }
      response.end(Buffer.buffer(gzip ? r.gzipBody() : r.body()));
    }).onFailure(ctx::fail);
  }

  /** For tests and metrics: how many entities are published. */
  public int size() {
    return mdq.size();
  }

  static List<SamlEntity> list(Collection<SamlEntity> c) {
    return List.copyOf(c);
  }
}
