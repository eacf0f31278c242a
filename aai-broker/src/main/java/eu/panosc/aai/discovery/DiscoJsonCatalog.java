package eu.panosc.aai.discovery;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity providers approved in the federation-registry, from its discovery feed ({@code /registry/discovery/
 * idps.json}, pyFF discojson), offered through the SAML upstream {@code upstreamId} that reaches them through discovery
 * (its metadata source holds the registry's IdPs, e.g. the registry's MDQ). Each IdP is found by its name and its
 * scopes (its domains); entries hidden from discovery (REFEDS hide-from-discovery) and entries that break the input
 * rule are left out. The feed is read at most every {@code refresh}; a feed that cannot be read or parsed leaves the last
 * good list (none at first) and is logged.
 */
public final class DiscoJsonCatalog implements UpstreamCatalog {
  private static final Logger LOG = LoggerFactory.getLogger(DiscoJsonCatalog.class);
  /** At most this many IdPs are taken from the feed. */
  static final int MAX_ENTRIES = 5000;

  private final String upstreamId;
  private final Supplier<Future<String>> feed;
  private final Clock clock;
  private final Duration refresh;
  private volatile List<LoginUpstream> last = List.of();
  private volatile Instant readAt;

  public DiscoJsonCatalog(String upstreamId, Supplier<Future<String>> feed, Clock clock, Duration refresh) {
    this.upstreamId = Objects.requireNonNull(upstreamId, "upstreamId");
    this.feed = Objects.requireNonNull(feed, "feed");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.refresh = Objects.requireNonNull(refresh, "refresh");
  }

  @Override
  public Future<List<LoginUpstream>> upstreams() {
    Instant now = clock.instant();
    if (readAt != null && now.isBefore(readAt.plus(refresh))) {
      return Future.succeededFuture(last);
    }
    readAt = now;
    return feed.get().map(this::parse).map(list -> {
      last = list;
      return list;
    }).otherwise(e -> {
      LOG.warn("the registry's discovery feed could not be read ({}); keeping {} identity providers", e.toString(),
          last.size());
      return last;
    });
  }

  /** The feed's IdPs; a feed that is not a JSON array fails. */
  List<LoginUpstream> parse(String json) {
    JsonArray entries = new JsonArray(json);
    List<LoginUpstream> out = new ArrayList<>();
    for (Object o : entries) {
      if (out.size() >= MAX_ENTRIES) {
        break;
      }
      if (!(o instanceof JsonObject e) || "true".equals(String.valueOf(e.getValue("hidden")))) {
        continue;
      }
      try {
        String entityId = e.getString("entityID");
        String title = e.getString("title", entityId);
        List<String> domains = new ArrayList<>(Catalogs.domains(entityId));
        Object scope = e.getValue("scope");
        if (scope instanceof String s && !s.isBlank()) {
          Arrays.stream(s.split(",")).map(String::strip).filter(x -> !x.isEmpty()).forEach(domains::add);
        }
        out.add(new LoginUpstream(entityId, upstreamId, title, domains, Catalogs.SAML_START,
            Catalogs.samlStart(upstreamId, entityId), false));
      } catch (RuntimeException bad) {
        // a missing or unusable entityID or title: not offered
      }
    }
    return List.copyOf(out);
  }
}
