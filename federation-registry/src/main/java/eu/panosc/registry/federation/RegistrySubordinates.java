package eu.panosc.registry.federation;

import com.nimbusds.jose.jwk.JWKSet;
import eu.panosc.registry.model.Member;
import eu.panosc.registry.model.MemberKind;
import eu.panosc.registry.model.OnboardingState;
import eu.panosc.registry.oidfed.Subordinate;
import eu.panosc.registry.oidfed.SubordinateSource;
import eu.panosc.registry.oidfed.TrustMarkStore;
import eu.panosc.registry.store.RegistryStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trust anchor's immediate subordinates: approved OIDC clients ({@code openid_relying_party}) and
 * resource servers ({@code oauth_resource}) that were registered with a {@code federation} section
 * (entity id, federation keys, optional metadata policy). Only approved members appear.
 */
public final class RegistrySubordinates implements SubordinateSource {
  /** Stored members left out of what is published because they cannot be published safely. */
  public static final String METER_UNPUBLISHABLE = "panosc_registry_unpublishable_members_total";
  private static final Logger LOG = LoggerFactory.getLogger(RegistrySubordinates.class);

  private final Counter unpublishable;
  private final RegistryStore store;
  private final TrustMarkStore trustMarks;
  private final Clock clock;
  private final boolean demo;

  /**
   * @param demo whether the demo federation is active; outside demo mode members seeded for it
   *     ({@code demo: true}) are never published, so nothing trusts demo entities left in the database
   */
  public RegistrySubordinates(RegistryStore store, TrustMarkStore trustMarks, Clock clock, MeterRegistry meters,
      boolean demo) {
    this.demo = demo;
    this.unpublishable = meters.counter(METER_UNPUBLISHABLE, "kind", "federation_entity");
    this.store = Objects.requireNonNull(store, "store");
    this.trustMarks = Objects.requireNonNull(trustMarks, "trustMarks");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Future<List<Subordinate>> approved() {
    Future<List<Member>> clients = store.list(MemberKind.OIDC_CLIENT, Optional.of(OnboardingState.APPROVED), Optional.empty());
    Future<List<Member>> servers = store.list(MemberKind.RESOURCE_SERVER, Optional.of(OnboardingState.APPROVED),
        Optional.empty());
    return Future.all(clients, servers, trustMarks.list(null, null)).map(all -> {
      List<TrustMarkStore.TrustMarkRecord> marks = all.resultAt(2);
      List<Member> members = concat(all.resultAt(0), all.resultAt(1)).stream()
          .filter(m -> demo || !m.document().getBoolean("demo", false)).toList();
      java.util.Map<String, Long> holders = members.stream()
          .map(m -> m.document().getJsonObject("federation"))
          .filter(Objects::nonNull)
          .map(f -> String.valueOf(f.getValue("entityId")))
          .collect(java.util.stream.Collectors.groupingBy(e -> e, java.util.stream.Collectors.counting()));
      List<Subordinate> out = new ArrayList<>();
      for (Member m : members) {
        JsonObject fed = m.document().getJsonObject("federation");
        if (fed == null) {
          continue;
        }
        String entityId = String.valueOf(fed.getValue("entityId"));
        if (holders.getOrDefault(entityId, 0L) > 1) {
          // stored before duplicates were refused: which member's keys are meant is unknown, so neither is served
          LOG.error("federation entity id {} is registered for more than one member ({} '{}' among them);"
              + " none of them is published until the duplicate is removed", entityId, m.kind().dbName(), m.id());
          unpublishable.increment();
          continue;
        }
        try {
          out.add(subordinate(m, fed, marks));
        } catch (RuntimeException e) {
          LOG.error("{} '{}' has a stored federation section that cannot be published: {}", m.kind().dbName(),
              m.id(), e.getMessage());
          unpublishable.increment();
        }
      }
      return out;
    });
  }

  @Override
  public Future<Optional<Subordinate>> approved(String entityId) {
    return approved().map(list -> list.stream().filter(s -> s.entityId().equals(entityId)).findFirst());
  }

  private static List<Member> concat(List<Member> a, List<Member> b) {
    List<Member> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private Subordinate subordinate(Member m, JsonObject fed, List<TrustMarkStore.TrustMarkRecord> marks) {
    String entityId = fed.getString("entityId");
    JWKSet jwks;
    try {
      jwks = JWKSet.parse(fed.getJsonObject("jwks").encode());
    } catch (ParseException e) {
      throw new IllegalStateException("stored federation jwks of " + m.id() + " does not parse", e);
    }
    JsonObject d = m.document();
    String type;
    JsonObject metadata;
    if (m.kind() == MemberKind.OIDC_CLIENT) {
      type = "openid_relying_party";
      metadata = new JsonObject().put("client_name", d.getString("description", d.getString("clientId")))
          .put("redirect_uris", d.getJsonArray("redirectUris", new JsonArray()))
          .put("grant_types", d.getJsonArray("grantTypes"))
          .put("scope", String.join(" ", d.getJsonArray("scopes").stream().map(String::valueOf).toList()))
          .put("token_endpoint_auth_method", d.getString("authMethod"));
    } else {
      type = "oauth_resource";
      metadata = new JsonObject().put("resource", d.getString("audience"));
    }
    var now = clock.instant();
    List<String> active = marks.stream().filter(t -> t.sub().equals(entityId) && t.activeAt(now))
        .map(TrustMarkStore.TrustMarkRecord::type).distinct().toList();
    boolean hosted = fed.getBoolean("hostsEntityConfiguration", false);
    JsonObject policy = fed.getJsonObject("metadataPolicy", new JsonObject());
    JsonObject constraints = new JsonObject();
    if (hosted) {
      // The leaf's own entity configuration is not vetted: what the registry registered is pinned by policy
      // and the leaf cannot add entity types of its own (OIDF 1.0 §6.1 metadata_policy, §6.2.3 constraints).
      policy = pinned(policy, type, pins(m, d));
      constraints.put("allowed_entity_types", new JsonArray().add(type));
    }
    return new Subordinate(entityId, Set.of(type, "federation_entity"), jwks, new JsonObject().put(type, metadata),
        policy, constraints, false, hosted, active);
  }

  /**
   * The security-relevant parameters of a member's metadata as the registry vetted them: each is pinned with
   * the {@code value} operator, so a hosted entity configuration that claims other redirect URIs, grant
   * types, authentication method or keys resolves to the registered ones; a parameter the registry did not
   * register is pinned to absent ({@code value: null}).
   */
  static JsonObject pins(Member m, JsonObject d) {
    JsonObject pins = new JsonObject();
    if (m.kind() == MemberKind.OIDC_CLIENT) {
      JsonArray grants = d.getJsonArray("grantTypes", new JsonArray());
      boolean code = grants.contains("authorization_code");
      pins.put("redirect_uris", d.getJsonArray("redirectUris", new JsonArray()).copy())
          .put("grant_types", grants.copy())
          .put("response_types", code ? new JsonArray().add("code") : null)
          .put("token_endpoint_auth_method", d.getString("authMethod"))
          .put("scope", String.join(" ", d.getJsonArray("scopes", new JsonArray()).stream().map(String::valueOf)
              .toList()))
          .put("jwks", d.getJsonObject("jwks") == null ? null : d.getJsonObject("jwks").copy())
          .put("jwks_uri", null)
          .put("signed_jwks_uri", null)
          .put("post_logout_redirect_uris", d.getJsonArray("postLogoutRedirectUris", new JsonArray()).isEmpty() ? null
              : d.getJsonArray("postLogoutRedirectUris").copy())
          .put("backchannel_logout_uri", d.getString("backchannelLogoutUri"))
          .put("initiate_login_uri", null)
          .put("request_uris", null);
    } else {
      pins.put("resource", d.getString("audience"))
          .put("jwks", null)
          .put("jwks_uri", null)
          .put("signed_jwks_uri", null);
    }
    return pins;
  }

  /** {@code policy} with every pinned parameter of {@code type} replaced by a {@code value} operator. */
  static JsonObject pinned(JsonObject policy, String type, JsonObject pins) {
    JsonObject out = policy.copy();
    JsonObject forType = out.getJsonObject(type) == null ? new JsonObject() : out.getJsonObject(type);
    for (String parameter : pins.fieldNames()) {
      forType.put(parameter, new JsonObject().put("value", pins.getValue(parameter)));
    }
    out.put(type, forType);
    return out;
  }
}
