package eu.panosc.keycloak.registration;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * {@code POST /realms/<realm>/panosc/registration}: registers the realm's OIDC clients in the federation-registry
 * and answers one outcome per client. Needs a bearer token of this realm whose user holds realm-management's
 * {@code manage-clients} (realm-admin includes it). Errors are RFC 9457 problem details.
 */
public final class RegistrationResource {
  static final String MANAGE_CLIENTS = "manage-clients";
  private static final Logger LOG = Logger.getLogger(RegistrationResource.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROBLEM = "application/problem+json";

  private final KeycloakSession session;
  private final RegistrationResourceProviderFactory factory;

  RegistrationResource(KeycloakSession session, RegistrationResourceProviderFactory factory) {
    this.session = session;
    this.factory = factory;
  }

  @POST
  @Path("registration")
  public Response register() {
    RealmModel realm = session.getContext().getRealm();
    Response denied = authorise(realm);
    if (denied != null) {
      return denied;
    }
    FederationRegistration registration = factory.registration();
    if (registration == null) {
      return problem(503, "Registration not configured", "this Keycloak has no federation-registry configured "
          + "(--spi-realm-restapi-extension--panosc--registry-url and the client credentials)", null);
    }
    List<RealmClient> clients = session.clients().getClientsStream(realm)
        .sorted(Comparator.comparing(ClientModel::getClientId)).map(RegistrationResource::plain).toList();
    List<ClientOutcome> outcomes;
    try {
      outcomes = registration.register(realm.getName(), clients);
    } catch (RegistryApi.RegistryException e) {
      LOG.warnf("panosc registration of realm %s: %s", realm.getName(), e.getMessage());
      return problem(502, "Federation registry unavailable", e.getMessage(), null);
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("realm", realm.getName());
    body.put("facility", factory.settings().facility());
    Map<String, Integer> counts = new TreeMap<>();
    ArrayNode list = body.putArray("clients");
    for (ClientOutcome o : outcomes) {
      ObjectNode n = list.addObject().put("clientId", o.clientId()).put("outcome", o.outcome());
      if (o.reason() != null) {
        n.put("reason", o.reason());
      }
      counts.merge(o.outcome(), 1, Integer::sum);
    }
    ObjectNode summary = body.putObject("summary");
    for (String k : List.of(ClientOutcome.REGISTERED, ClientOutcome.UPDATED, ClientOutcome.UNCHANGED,
        ClientOutcome.SKIPPED, ClientOutcome.FAILED)) {
      summary.put(k, counts.getOrDefault(k, 0));
    }
    return Response.ok(body.toString(), "application/json").build();
  }

  /** Anything else under /registration is not there: a JSON 405 for GET rather than Keycloak's HTML page. */
  @GET
  @Path("registration")
  public Response get() {
    return Response.fromResponse(problem(405, "Method not allowed", "use POST to register the realm's clients",
        null)).header("Allow", "POST").build();
  }

  private Response authorise(RealmModel realm) {
    String header = session.getContext().getRequestHeaders().getHeaderString("Authorization");
    AuthenticationManager.AuthResult auth = new AppAuthManager.BearerTokenAuthenticator(session).authenticate();
    if (auth == null) {
      // RFC 6750 §3: challenge; invalid_token only when a token was sent
      boolean sent = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7);
      String challenge = "Bearer realm=\"" + realm.getName() + "\"" + (sent ? ", error=\"invalid_token\"" : "");
      return Response.fromResponse(problem(401, "Unauthorized", sent ? "the bearer token is not valid for realm "
          + realm.getName() : "a bearer token of realm " + realm.getName() + " is required", null))
          .header("WWW-Authenticate", challenge).build();
    }
    ClientModel management = realm.getClientByClientId("realm-management");
    RoleModel manage = management == null ? null : management.getRole(MANAGE_CLIENTS);
    if (manage == null || auth.getUser() == null || !auth.getUser().hasRole(manage)) {
      return problem(403, "Forbidden", "registering the realm's clients needs realm-management's role "
          + MANAGE_CLIENTS, null);
    }
    return null;
  }

  static RealmClient plain(ClientModel c) {
    List<String> scopes = new ArrayList<>(c.getClientScopes(true).keySet());
    scopes.addAll(c.getClientScopes(false).keySet());
    return new RealmClient(c.getClientId(), c.getName(), c.getProtocol() == null ? "openid-connect" : c.getProtocol(),
        c.isEnabled(), c.isPublicClient(), c.isBearerOnly(), c.isStandardFlowEnabled(),
        Boolean.TRUE.equals(c.isServiceAccountsEnabled()),
        "true".equals(c.getAttribute("oauth2.device.authorization.grant.enabled")), c.getClientAuthenticatorType(),
        c.getRootUrl(), c.getRedirectUris().stream().sorted().toList(), scopes);
  }

  static Response problem(int status, String title, String detail, String type) {
    ObjectNode p = JSON.createObjectNode();
    p.put("type", type == null ? "about:blank" : type);
    p.put("title", title);
    p.put("status", status);
    p.put("detail", detail);
    return Response.status(status).type(PROBLEM).entity(p.toString()).build();
  }
}
