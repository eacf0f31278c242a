package eu.panosc.registry;

import com.nimbusds.jose.jwk.JWKSet;
import eu.panosc.platform.demo.DemoFederation;
import eu.panosc.registry.oidfed.Subordinate;
import eu.panosc.registry.oidfed.SubordinateSource;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * In demo mode, the registry's subordinates plus the aai-broker as an {@code openid_provider}: its entity id is
 * the issuer the deployment trusts, its federation key on file the fixture's public demo key. It hosts its own
 * entity configuration ({@code <issuer>/.well-known/openid-federation}, signed with that key), so
 * {@code /federation/resolve} fetches and checks it; the subordinate statement pins {@code issuer} and
 * {@code jwks_uri} (the aai-broker's token keys) with {@code value} and allows only the {@code openid_provider}
 * entity type.
 */
final class DemoSubordinates implements SubordinateSource {
  static final String OPENID_PROVIDER = "openid_provider";

  private final SubordinateSource registered;
  private final Subordinate aaiBroker;

  DemoSubordinates(SubordinateSource registered, String issuer, String jwksUri) {
    this.registered = Objects.requireNonNull(registered, "registered");
    this.aaiBroker = aaiBroker(issuer, jwksUri);
  }

  /** The aai-broker's subordinate: hosts its configuration; policy pins its issuer and token keys' URL. */
  static Subordinate aaiBroker(String issuer, String jwksUri) {
    JsonObject demo = DemoFederation.fixture().getJsonObject("federation").getJsonObject("aaiBroker");
    JWKSet jwks;
    try {
      jwks = JWKSet.parse(demo.getJsonObject("jwks").encode());
    } catch (ParseException e) {
      throw new IllegalStateException("the demo fixture's aai-broker jwks does not parse", e);
    }
    JsonObject policy = new JsonObject().put(OPENID_PROVIDER, new JsonObject()
        .put("issuer", new JsonObject().put("value", issuer))
        .put("jwks_uri", new JsonObject().put("value", jwksUri)));
    JsonObject constraints = new JsonObject().put("allowed_entity_types", new JsonArray().add(OPENID_PROVIDER));
    return new Subordinate(issuer, Set.of(OPENID_PROVIDER, "federation_entity"), jwks, new JsonObject(), policy,
        constraints, false, true, List.of());
  }

  @Override
  public Future<List<Subordinate>> approved() {
    return registered.approved().map(list -> {
      List<Subordinate> out = new ArrayList<>(list);
      if (out.stream().noneMatch(s -> s.entityId().equals(aaiBroker.entityId()))) {
        out.add(aaiBroker);
      }
      return out;
    });
  }

  @Override
  public Future<Optional<Subordinate>> approved(String entityId) {
    return registered.approved(entityId).map(found -> found.isPresent() || !aaiBroker.entityId().equals(entityId)
        ? found : Optional.of(aaiBroker));
  }
}
