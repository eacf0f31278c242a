package eu.panosc.aai.discovery;

import eu.panosc.aai.saml.sp.SamlLogin;
import eu.panosc.aai.user.PasswordConnector;
import io.vertx.core.Future;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The catalogs of the login connectors that exist today: the password form (demo users) and the SAML upstreams. */
public final class Catalogs {
  /** Where a SAML sign-in starts, relative to the provider's root. */
  static final String SAML_START = "saml2/sp/login";

  private Catalogs() {}

  /** The password form on the sign-in page itself (key and upstream id: the connector's id, e.g. {@code demo}). */
  public static UpstreamCatalog password(PasswordConnector connector) {
    LoginUpstream form = new LoginUpstream(connector.id(), connector.id(), connector.displayName(), List.of(),
        "login", Map.of(), true);
    return () -> Future.succeededFuture(List.of(form));
  }

  /**
   * Each SAML upstream that lists one IdP (key and upstream id: the upstream's id; found also by the IdP's host name).
   * IdPs reached through a discovery upstream are found with the SAML discovery box instead.
   */
  public static UpstreamCatalog saml(SamlLogin login) {
    return () -> login.choices().map(choices -> {
      List<LoginUpstream> out = new ArrayList<>();
      for (SamlLogin.Choice c : choices) {
        out.add(new LoginUpstream(c.upstreamId(), c.upstreamId(), c.displayName(), domains(c.entityId()), SAML_START,
            samlStart(c.upstreamId(), c.entityId()), false));
      }
      return out;
    });
  }

  /** The SAML start's parameters, in a fixed order: {@code upstream}, then {@code entity}. */
  static Map<String, String> samlStart(String upstreamId, String entityId) {
    Map<String, String> params = new java.util.LinkedHashMap<>();
    params.put("upstream", upstreamId);
    params.put("entity", entityId);
    return params;
  }

  /** The host of an entity id that is a URL (a urn has none). */
  static List<String> domains(String entityId) {
    try {
      String host = URI.create(entityId).getHost();
      return host == null ? List.of() : List.of(host);
    } catch (IllegalArgumentException e) {
      return List.of();
    }
  }
}
