package eu.panosc.registry.federation;

import com.nimbusds.jose.jwk.JWKSet;
import eu.panosc.registry.model.Member;
import eu.panosc.registry.model.MemberKind;
import eu.panosc.registry.model.OnboardingState;
import eu.panosc.registry.oidfed.Subordinate;
import eu.panosc.registry.oidfed.SubordinateSource;
import eu.panosc.registry.oidfed.TrustMarkStore;
import eu.panosc.registry.store.RegistryStore;
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

/**
 * The trust anchor's immediate subordinates: approved OIDC clients ({@code openid_relying_party}) and
 * resource servers ({@code oauth_resource}) that were registered with a {@code federation} section
 * (entity id, federation keys, optional metadata policy). Only approved members appear.
 */
public final class RegistrySubordinates implements SubordinateSource {
  private final RegistryStore store;
  private final TrustMarkStore trustMarks;
  private final Clock clock;

  public RegistrySubordinates(RegistryStore store, TrustMarkStore trustMarks, Clock clock) {
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
      List<Subordinate> out = new ArrayList<>();
      for (Member m : concat(all.resultAt(0), all.resultAt(1))) {
        JsonObject fed = m.document().getJsonObject("federation");
        if (fed != null) {
          out.add(subordinate(m, fed, marks));
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
    return new Subordinate(entityId, Set.of(type, "federation_entity"), jwks, new JsonObject().put(type, metadata),
        fed.getJsonObject("metadataPolicy", new JsonObject()), new JsonObject(), false,
        fed.getBoolean("hostsEntityConfiguration", false), active);
  }
}
