package eu.panosc.keycloak.dataset;

import eu.panosc.keycloak.pdp.PdpSettings;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The browser-flow side of the dataset check: placed in the identity provider's post-login flow (or after the
 * login in a browser flow), it reads the datasets the authorization request names (a {@code dataset} request
 * parameter holding a PID, or requested scopes with the prefix) and, unless the PDP lets the now known user read
 * each, stops the login with a human error page (403) saying which dataset and what to do; the client gets no code.
 */
final class DatasetAccessAuthenticator implements Authenticator {
  /** Keycloak keeps unknown authorization-request parameters as client notes with this prefix. */
  static final String REQUEST_PARAM_NOTE = "client_request_param_";
  private static final Logger LOG = Logger.getLogger(DatasetAccessAuthenticator.class);

  @Override
  public void authenticate(AuthenticationFlowContext context) {
    AuthenticatorConfigModel model = context.getAuthenticatorConfig();
    Map<String, String> config = model == null ? Map.of() : model.getConfig();
    AuthenticationSessionModel auth = context.getAuthenticationSession();
    Set<String> datasets = named(auth, config);
    if (datasets.isEmpty()) {
      context.success();
      return;
    }
    PdpSettings settings;
    try {
      settings = PdpSettings.parse(config);
    } catch (PdpSettings.InvalidSetting e) {
      LOG.warnf("%s authenticator misconfigured, refusing dataset logins: %s", DatasetAccessAuthenticatorFactory.ID,
          e.getMessage());
      refuse(context, AuthenticationFlowError.INTERNAL_ERROR, Response.Status.SERVICE_UNAVAILABLE,
          "Access to the requested dataset cannot be checked at the moment. Please try again later or contact the"
              + " facility.");
      return;
    }
    String idp = config.getOrDefault(DatasetAudienceExecutor.Configuration.IDENTITY_PROVIDER, "panosc");
    DatasetAccess.Outcome outcome = DatasetAccess.check(context.getSession(), context.getRealm(), context.getUser(),
        idp == null || idp.isBlank() ? "panosc" : idp, settings, datasets);
    switch (outcome.verdict()) {
      case ALLOWED -> context.success();
      case NOT_FEDERATED -> refuse(context, AuthenticationFlowError.ACCESS_DENIED, Response.Status.FORBIDDEN,
          "Datasets are available only to users who sign in through the PaNOSC federation.");
      case UNAVAILABLE -> refuse(context, AuthenticationFlowError.INTERNAL_ERROR, Response.Status.SERVICE_UNAVAILABLE,
          "Access to the requested dataset could not be checked. Please try again in a moment.");
      default -> refuse(context, AuthenticationFlowError.ACCESS_DENIED, Response.Status.FORBIDDEN,
          "You may not read dataset " + outcome.dataset().orElse("") + ". If you should, ask the PI of the proposal to"
              + " add you to the proposal.");
    }
  }

  /** The PIDs the authorization request names: the {@code dataset} parameter and prefixed scopes. */
  static Set<String> named(AuthenticationSessionModel auth, Map<String, String> config) {
    String prefix = config.getOrDefault(DatasetAudienceExecutor.Configuration.PREFIX, "dataset:");
    if (prefix == null || prefix.isBlank()) {
      prefix = "dataset:";
    }
    Set<String> out = new LinkedHashSet<>();
    String param = auth.getClientNote(REQUEST_PARAM_NOTE + "dataset");
    if (param != null && !param.isBlank()) {
      out.add(param.trim());
    }
    String scope = auth.getClientNote(OIDCLoginProtocol.SCOPE_PARAM);
    if (scope != null) {
      for (String s : List.of(scope.trim().split("\\s+"))) {
        if (s.startsWith(prefix) && s.length() > prefix.length()) {
          out.add(s.substring(prefix.length()));
        }
      }
    }
    return out;
  }

  private static void refuse(AuthenticationFlowContext context, AuthenticationFlowError error, Response.Status status,
      String message) {
    // the text is shown as is (no message key of Keycloak's bundles matches it); no quotes or braces in it
    Response page = context.form().setError(message).createErrorPage(status);
    context.failureChallenge(error, page);
  }

  @Override
  public void action(AuthenticationFlowContext context) {
    context.success();
  }

  @Override
  public boolean requiresUser() {
    return true;
  }

  @Override
  public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
    return true;
  }

  @Override
  public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
  }

  @Override
  public void close() {
  }
}
