package eu.panosc.aai.oauth;

import eu.panosc.aai.token.JwtSigner;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.Objects;
import java.util.Set;

/**
 * Provider metadata (OpenID Connect Discovery / RFC 8414) at {@code /.well-known/openid-configuration}
 * and {@code /.well-known/oauth-authorization-server}, and the signing keys at {@code /jwks}. Lists only
 * what this provider implements today.
 *
 * @see <a href="https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata">OIDC Discovery §3</a>
 */
public final class DiscoveryEndpoint {
  /** RFC 8628 §3.4: the device flow's grant type, which brings the device authorization endpoint along. */
  static final String DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
  private final String issuer;
  private final JwtSigner keys;
  private final Set<String> grantTypes;

  public DiscoveryEndpoint(String issuer, JwtSigner keys, Set<String> grantTypes) {
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.grantTypes = Set.copyOf(grantTypes);
  }

  static final JsonArray SCOPES = new JsonArray().add("openid").add("profile").add("email").add("offline_access");
  static final JsonArray CLAIMS = new JsonArray().add("iss").add("sub").add("aud").add("exp").add("iat")
      .add("auth_time").add("nonce").add("acr").add("amr").add("azp").add("at_hash").add("name").add("email")
      .add("eduperson_entitlement").add("eduperson_assurance").add("sid").add("voperson_id");

  /**
   * The metadata as served under the issuer and at the server root where RFC 8414 §3 looks for it: {@code /.well-known/oauth-authorization-server}
   * inserted before the issuer's path (e.g. {@code /.well-known/oauth-authorization-server/aai}), and likewise
   * {@code /.well-known/openid-configuration/aai}, which some OpenID clients try (RFC 8414 §5).
   */
  public io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> rootMetadataHandler() {
    String json = metadata().encodePrettily();
    return ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=3600").end(json);
  }

  public JsonObject metadata() {
    JsonArray authMethods = new JsonArray().add("client_secret_basic").add("client_secret_post").add("private_key_jwt");
    JsonObject meta = new JsonObject()
        .put("issuer", issuer)
        .put("authorization_endpoint", issuer + "/authorize")
        .put("token_endpoint", issuer + "/token")
        .put("userinfo_endpoint", issuer + "/userinfo")
        .put("jwks_uri", issuer + "/jwks")
        .put("introspection_endpoint", issuer + "/introspect")
        .put("revocation_endpoint", issuer + "/revoke")
        .put("grant_types_supported", new JsonArray(grantTypes.stream().sorted().toList()))
        .put("token_endpoint_auth_methods_supported", authMethods.copy().add("none"))
        .put("token_endpoint_auth_signing_alg_values_supported", new JsonArray(
            eu.panosc.platform.auth.SignatureCheck.ALLOWED.stream().map(a -> a.getName()).sorted().toList()))
        .put("introspection_endpoint_auth_methods_supported", authMethods)
        // RFC 7009 §5: public clients revoke their tokens with their client_id alone
        .put("revocation_endpoint_auth_methods_supported", authMethods.copy().add("none"))
        .put("response_types_supported", new JsonArray().add("code"))
        .put("response_modes_supported", new JsonArray().add("query"))
        .put("code_challenge_methods_supported", new JsonArray().add("S256"))
        .put("subject_types_supported", new JsonArray().add("pairwise"))
        .put("id_token_signing_alg_values_supported", new JsonArray(keys.algorithmNames()))
        .put("userinfo_signing_alg_values_supported", new JsonArray())
        .put("scopes_supported", SCOPES.copy())
        .put("claims_supported", CLAIMS.copy())
        .put("prompt_values_supported", new JsonArray().add("none").add("login").add("consent"))
        .put("acr_values_supported", new JsonArray().add("https://refeds.org/sfa"))
        // OIDC Core 5.5: only its acr member is acted on (ClaimsParameter)
        .put("claims_parameter_supported", true)
        .put("request_parameter_supported", false)
        .put("request_uri_parameter_supported", false)
        .put("authorization_response_iss_parameter_supported", true)
        .put("access_token_signing_alg_values_supported", new JsonArray(keys.algorithmNames()))
        // RP-Initiated Logout 1.0 §2.1, Back-Channel Logout 1.0 §2.1; no front-channel logout
        // RFC 9126 §5: pushing is offered, not required
        .put("pushed_authorization_request_endpoint", issuer + "/par")
        .put("require_pushed_authorization_requests", false)
        .put("end_session_endpoint", issuer + "/logout")
        .put("backchannel_logout_supported", true)
        .put("backchannel_logout_session_supported", true)
        .put("frontchannel_logout_supported", false)
        .put("service_documentation", issuer + "/openapi.json");
    if (grantTypes.contains(DEVICE_CODE_GRANT)) {
      // RFC 8628 §4
      meta.put("device_authorization_endpoint", issuer + "/device_authorization");
    }
    return meta;
  }

  public void mount(Router router) {
    var metadata = rootMetadataHandler();
    for (String path : new String[] {"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"}) {
      router.get(path).handler(metadata);
    }
    router.get("/jwks").handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/jwk-set+json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=300").end(keys.publishedKeys().toString()));
  }
}
