package eu.panosc.registry.saml;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.xml.security.c14n.Canonicalizer;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The MDQ responder's logic without HTTP: {@link #lookup(String)} answers {@code GET {base}/entities/{id}}
 * (an entityID or {@code {sha1}<hex>}), {@link #lookupAll()} answers {@code GET {base}/entities}.
 *
 * <p>Holds an immutable snapshot of the approved entities, replaced by {@link #update}; lookups are two
 * hash-map reads. Each entity is signed on its own on first request (a few milliseconds; call from a
 * worker thread) and cached; the cache survives {@link #update} for entities whose content did not change,
 * so their bytes and ETag stay the same, and a document is re-signed once half its validity has passed.
 * The aggregate is built on first request per snapshot and kept likewise.
 *
 * @see <a href="https://datatracker.ietf.org/doc/html/draft-young-md-query">Metadata Query Protocol</a>
 * @see <a href="https://datatracker.ietf.org/doc/html/draft-young-md-query-saml">SAML profile for MDQ</a>
 */
public final class Mdq {
  private static final String SHA1_PREFIX = "{sha1}";
  private static final byte[] XML_DECLARATION =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".getBytes(StandardCharsets.UTF_8);

  /**
   * @param validity {@code validUntil} of a single-entity document, from signing time
   * @param cacheDuration {@code cacheDuration} and Cache-Control max-age of found documents
   * @param notFoundCacheDuration Cache-Control max-age of a 404
   */
  public record Settings(Duration validity, Duration cacheDuration, Duration notFoundCacheDuration) {
    public Settings {
      Objects.requireNonNull(validity, "validity");
      Objects.requireNonNull(cacheDuration, "cacheDuration");
      Objects.requireNonNull(notFoundCacheDuration, "notFoundCacheDuration");
      if (validity.compareTo(Duration.ofMinutes(1)) < 0 || cacheDuration.isNegative() || cacheDuration.isZero()
          || notFoundCacheDuration.isNegative()) {
        throw new IllegalArgumentException("MDQ validity must be at least a minute and durations positive");
      }
    }
  }

  /** A signed document and when it was signed; it is re-signed once half its validity has passed. */
  private record Signed(MdqResponse response, Instant signedAt, Duration validity) {
    boolean fresh(Instant now) {
      return now.isBefore(signedAt.plus(validity.dividedBy(2))) && now.isBefore(response.validUntil());
    }
  }

  private static final class Snapshot {
    final Map<String, SamlEntity> byEntityId;
    final Map<String, String> bySha1;
    final List<SamlEntity> ordered;
    final ConcurrentHashMap<String, Signed> signed;
    final AtomicReference<Signed> aggregate;

    Snapshot(Map<String, SamlEntity> byEntityId, Map<String, String> bySha1, List<SamlEntity> ordered,
        ConcurrentHashMap<String, Signed> signed, Signed aggregate) {
      this.byEntityId = byEntityId;
      this.bySha1 = bySha1;
      this.ordered = ordered;
      this.signed = signed;
      this.aggregate = new AtomicReference<>(aggregate);
    }
  }

  private final XmlSigning signing;
  private final MetadataAggregate aggregateBuilder;
  private final Settings settings;
  private final Clock clock;
  private final SafeXml xml = new SafeXml(4 * SafeXml.DEFAULT_ENTITY_LIMIT);
  private final AtomicReference<Snapshot> snapshot;

  public Mdq(XmlSigning signing, MetadataAggregate aggregateBuilder, Settings settings, Clock clock) {
    this.signing = Objects.requireNonNull(signing, "signing");
    this.aggregateBuilder = Objects.requireNonNull(aggregateBuilder, "aggregateBuilder");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.snapshot = new AtomicReference<>(
        new Snapshot(Map.of(), Map.of(), List.of(), new ConcurrentHashMap<>(), null));
  }

  /**
   * Replaces the set of published (approved) entities. Signed documents of unchanged entities are kept;
   * the aggregate is kept only if nothing changed.
   *
   * @throws MetadataException if an entityID appears twice
   */
  public void update(Collection<SamlEntity> entities) {
    Snapshot old = snapshot.get();
    Map<String, SamlEntity> byEntityId = new HashMap<>(entities.size() * 2);
    Map<String, String> bySha1 = new HashMap<>(entities.size() * 2);
    ConcurrentHashMap<String, Signed> signed = new ConcurrentHashMap<>(entities.size() * 2);
    boolean unchanged = entities.size() == old.byEntityId.size();
    for (SamlEntity e : entities) {
      if (byEntityId.put(e.entityId(), e) != null) {
        throw new MetadataException("entity " + e.entityId() + " appears more than once");
      }
      bySha1.put(e.sha1Id().substring(SHA1_PREFIX.length()), e.entityId());
      SamlEntity before = old.byEntityId.get(e.entityId());
      boolean same = before != null && Arrays.equals(before.rawCanonicalXml(), e.rawCanonicalXml());
      unchanged &= same;
      Signed cached = old.signed.get(e.entityId());
      if (same && cached != null) {
        signed.put(e.entityId(), cached);
      }
    }
    List<SamlEntity> ordered = new ArrayList<>(entities);
    ordered.sort(Comparator.comparing(SamlEntity::entityId));
    snapshot.set(new Snapshot(Map.copyOf(byEntityId), Map.copyOf(bySha1), List.copyOf(ordered), signed,
        unchanged ? old.aggregate.get() : null));
  }

  /** The published entity named by an entityID or an MDQ {@code {sha1}} identifier, unsigned. */
  public Optional<SamlEntity> entity(String identifier) {
    Snapshot s = snapshot.get();
    return Optional.ofNullable(resolve(s, identifier)).map(s.byEntityId::get);
  }

  /** The number of published entities. */
  public int size() {
    return snapshot.get().byEntityId.size();
  }

  /**
   * The signed single-entity document for an entityID or {@code {sha1}<hex>} (hex in either case); empty
   * if no published entity matches (answer 404 with {@link #notFoundCacheControl()}).
   */
  public Optional<MdqResponse> lookup(String identifier) {
    Snapshot s = snapshot.get();
    String entityId = resolve(s, identifier);
    if (entityId == null) {
      return Optional.empty();
    }
    SamlEntity entity = s.byEntityId.get(entityId);
    Instant now = clock.instant();
    Signed cached = s.signed.get(entityId);
    if (cached != null && cached.fresh(now)) {
      return Optional.of(cached.response());
    }
    // sign outside any map lock (milliseconds with RSA); two concurrent misses may both sign, both valid
    Signed fresh = new Signed(sign(entity, now), now, settings.validity());
    s.signed.put(entityId, fresh);
    return Optional.of(fresh.response());
  }

  /** Signs every published entity that has no fresh signed document yet; for a background worker. */
  public int presign() {
    Snapshot s = snapshot.get();
    int signed = 0;
    for (String entityId : s.byEntityId.keySet()) {
      if (snapshot.get() != s) {
        break; // the entity set changed; the next update schedules its own pass
      }
      Instant now = clock.instant();
      Signed cached = s.signed.get(entityId);
      if (cached == null || !cached.fresh(now)) {
        s.signed.put(entityId, new Signed(sign(s.byEntityId.get(entityId), now), now, settings.validity()));
        signed++;
      }
    }
    return signed;
  }

  /**
   * The signed aggregate of all published entities (sorted by entityID), built on first use per entity
   * set (seconds for a large federation; call from a worker thread); empty if nothing is published.
   */
  public Optional<MdqResponse> lookupAll() {
    Snapshot s = snapshot.get();
    if (s.ordered.isEmpty()) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Signed current = s.aggregate.get();
    if (current != null && current.fresh(now)) {
      return Optional.of(current.response());
    }
    synchronized (s) {
      current = s.aggregate.get();
      if (current == null || !current.fresh(now)) {
        byte[] body = aggregateBuilder.build(s.ordered, now);
        Instant validUntil = aggregateBuilder.validUntil(now);
        MetadataAggregate.Settings aggregateSettings = aggregateBuilder.settings();
        current = new Signed(
            new MdqResponse(body, cacheControl(now, validUntil, aggregateSettings.cacheDuration()), validUntil),
            now, aggregateSettings.validity());
        s.aggregate.set(current);
      }
      return Optional.of(current.response());
    }
  }

  /** Cache-Control for a 404, so that misses are cached too (MDQ §5.2). */
  public String notFoundCacheControl() {
    return "max-age=" + settings.notFoundCacheDuration().toSeconds();
  }

  private static String resolve(Snapshot s, String identifier) {
    if (identifier == null || identifier.isEmpty()) {
      return null;
    }
    if (identifier.startsWith(SHA1_PREFIX)) {
      return s.bySha1.get(identifier.substring(SHA1_PREFIX.length()).toLowerCase(Locale.ROOT));
    }
    return s.byEntityId.containsKey(identifier) ? identifier : null;
  }

  private MdqResponse sign(SamlEntity entity, Instant now) {
    Document doc = xml.parse(entity.rawXml());
    Element root = doc.getDocumentElement();
    Instant validUntil = now.truncatedTo(ChronoUnit.SECONDS).plus(settings.validity());
    if (entity.validUntil().isPresent() && entity.validUntil().get().isBefore(validUntil)) {
      validUntil = entity.validUntil().get();
    }
    root.setAttributeNS(null, "validUntil", DateTimeFormatter.ISO_INSTANT.format(validUntil));
    root.setAttributeNS(null, "cacheDuration", settings.cacheDuration().toString());
    signing.signEnveloped(root, "_" + entity.sha1Id().substring(SHA1_PREFIX.length()));
    byte[] body = XmlSigning.canonicalize(root, Canonicalizer.ALGO_ID_C14N_OMIT_COMMENTS);
    byte[] withDeclaration = new byte[XML_DECLARATION.length + body.length];
    System.arraycopy(XML_DECLARATION, 0, withDeclaration, 0, XML_DECLARATION.length);
    System.arraycopy(body, 0, withDeclaration, XML_DECLARATION.length, body.length);
    return new MdqResponse(withDeclaration, cacheControl(now, validUntil, settings.cacheDuration()), validUntil);
  }

  private static String cacheControl(Instant now, Instant validUntil, Duration cacheDuration) {
    long remaining = Math.max(0, Duration.between(now, validUntil).toSeconds());
    return "max-age=" + Math.min(cacheDuration.toSeconds(), remaining);
  }
}
