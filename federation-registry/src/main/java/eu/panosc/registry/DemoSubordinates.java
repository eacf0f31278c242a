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
 * the issuer the deployment trusts, its metadata on file the aai-broker's endpoints under that issuer with
 * {@code jwks_uri} at the aai-broker's JWKS, and its federation keys the fixture's public demo keys. It hosts no
 * entity configuration, so {@code /federation/resolve} answers the metadata on file.
 */
final class DemoSubordinates implements SubordinateSource {
  static final String OPENID_PROVIDER = "openid_provider";

  private final SubordinateSource registered;
  private final Subordinate aaiBroker;

  DemoSubordinates(SubordinateSource registered, String issuer, String jwksUri) {
    this.registered = Objects.requireNonNull(registered, "registered");
    this.aaiBroker = aaiBroker(issuer, jwksUri);
  }

  /** The aai-broker's subordinate: {@code openid_provider} metadata under {@code issuer}. */
  static Subordinate aaiBroker(String issuer, String jwksUri) {
    JsonObject demo = DemoFederation.fixture().getJsonObject("federation").getJsonObject("aaiBroker");
    JWKSet jwks;
    try {
      jwks = JWKSet.parse(demo.getJsonObject("jwks").encode());
    } catch (ParseException e) {
      throw new IllegalStateException("the demo fixture's aai-broker jwks does not parse", e);
    }
    JsonObject op = new JsonObject()
        .put("issuer", issuer)
        .put("authorization_endpoint", issuer + "/authorize")
        .put("token_endpoint", issuer + "/token")
        .put("userinfo_endpoint", issuer + "/userinfo")
        .put("jwks_uri", jwksUri)
        .put("introspection_endpoint", issuer + "/introspect")
        .put("revocation_endpoint", issuer + "/revoke")
        .put("pushed_authorization_request_endpoint", issuer + "/par")
        .put("end_session_endpoint", issuer + "/logout")
        .put("response_types_supported", new JsonArray().add("code"))
        .put("subject_types_supported", new JsonArray().add("pairwise"))
        .put("id_token_signing_alg_values_supported", new JsonArray().add("ES256"))
        .put("code_challenge_methods_supported", new JsonArray().add("S256"))
        .put("token_endpoint_auth_methods_supported",
            new JsonArray().add("client_secret_basic").add("client_secret_post").add("private_key_jwt").add("none"))
        .put("organization_name", "PaNOSC aai-broker (demo)");
    return new Subordinate(issuer, Set.of(OPENID_PROVIDER, "federation_entity"), jwks,
        new JsonObject().put(OPENID_PROVIDER, op), new JsonObject(), new JsonObject(), false, false, List.of());
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
