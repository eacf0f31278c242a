package eu.panosc.keycloak.dataset;

import com.fasterxml.jackson.annotation.JsonProperty;
import eu.panosc.keycloak.pdp.PdpSettings;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.representations.idm.ClientPolicyExecutorConfigurationRepresentation;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.context.TokenRefreshResponseContext;
import org.keycloak.services.clientpolicy.context.TokenRequestContext;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;

/**
 * Client-policy executor: at the token request of the authorization-code grant and at every refresh (Keycloak's
 * {@code TOKEN_REFRESH_RESPONSE} event, before the refreshed tokens are sent), every dataset the request names
 * (a requested scope, or a {@code resource} / {@code audience} value, starting with the configured prefix, e.g.
 * {@code dataset:10.15151/ESRF-DC-2415001}) must be readable by the user, as the PDP decides (AuthZEN evaluation,
 * action {@code read}, the user's pairwise {@code sub} at the facility). A denial refuses the token with
 * {@code access_denied} naming the dataset (Keycloak's code grant sends it as {@code invalid_grant}, 400, with this
 * description); a user without a federation link, or a PDP that cannot answer within the budget, refuses it too
 * (fail closed; the latter raised as {@code temporarily_unavailable}, 503). At a refresh the named datasets are the
 * refresh request's {@code scope} (else the scope of the original authorization request) and its {@code resource} /
 * {@code audience} values, so a dataset granted at login is checked again at each refresh. Token exchange is not
 * covered (Keycloak 26.7's {@code TOKEN_EXCHANGE_REQUEST} context carries the form parameters, not the user).
 */
public final class DatasetAudienceExecutor
    implements ClientPolicyExecutorProvider<DatasetAudienceExecutor.Configuration> {
  private static final Logger LOG = Logger.getLogger(DatasetAudienceExecutor.class);

  private final KeycloakSession session;
  private Configuration configuration;

  DatasetAudienceExecutor(KeycloakSession session) {
    this.session = session;
  }

  /** The executor's configuration as Keycloak stores it (JSON). */
  public static final class Configuration extends ClientPolicyExecutorConfigurationRepresentation {
    public static final String PREFIX = "prefix";
    public static final String IDENTITY_PROVIDER = "identityProvider";

    @JsonProperty(PREFIX)
    public String prefix = "dataset:";
    @JsonProperty(IDENTITY_PROVIDER)
    public String identityProvider = "panosc";
    @JsonProperty(PdpSettings.PDP_URL)
    public String pdpUrl;
    @JsonProperty(PdpSettings.TOKEN_ENDPOINT)
    public String tokenEndpoint;
    @JsonProperty(PdpSettings.CLIENT_ID)
    public String pdpClientId;
    @JsonProperty(PdpSettings.CLIENT_SECRET)
    public String pdpClientSecret;
    @JsonProperty(PdpSettings.FACILITY)
    public String facility;
    @JsonProperty(PdpSettings.BUDGET_MS)
    public String budgetMillis;

    Map<String, String> asMap() {
      Map<String, String> m = new HashMap<>();
      m.put(PdpSettings.PDP_URL, pdpUrl);
      m.put(PdpSettings.TOKEN_ENDPOINT, tokenEndpoint);
      m.put(PdpSettings.CLIENT_ID, pdpClientId);
      m.put(PdpSettings.CLIENT_SECRET, pdpClientSecret);
      m.put(PdpSettings.FACILITY, facility);
      m.put(PdpSettings.BUDGET_MS, budgetMillis);
      return m;
    }

    /** The problems of this configuration, empty when it is usable. */
    public List<String> problems() {
      List<String> problems = new ArrayList<>();
      if (prefix == null || prefix.isBlank() || prefix.length() > 128) {
        problems.add(PREFIX + " is required (at most 128 characters)");
      }
      if (identityProvider == null || identityProvider.isBlank()) {
        problems.add(IDENTITY_PROVIDER + " is required");
      }
      try {
        PdpSettings.parse(asMap());
      } catch (PdpSettings.InvalidSetting e) {
        problems.add(e.getMessage());
      }
      return problems;
    }

    @Override
    public boolean validateConfig() {
      List<String> problems = problems();
      if (!problems.isEmpty()) {
        LOG.warnf("refused the configuration of a %s executor: %s", DatasetAudienceExecutorFactory.ID, problems);
      }
      return problems.isEmpty();
    }
  }

  @Override
  public void setupConfiguration(Configuration config) {
    this.configuration = config;
  }

  @Override
  public Class<Configuration> getExecutorConfigurationClass() {
    return Configuration.class;
  }

  @Override
  public String getProviderId() {
    return DatasetAudienceExecutorFactory.ID;
  }

  @Override
  public void executeOnEvent(ClientPolicyContext context) throws ClientPolicyException {
    if (context instanceof TokenRequestContext token) {
      AuthenticatedClientSessionModel clientSession = token.getParseResult() == null ? null
          : token.getParseResult().getClientSession();
      if (clientSession == null) {
        return; // Keycloak itself refuses the code (invalid_grant)
      }
      Set<String> datasets = named(clientSession.getNote(OIDCLoginProtocol.SCOPE_PARAM), token.getParams());
      if (!datasets.isEmpty()) {
        check(clientSession.getUserSession().getUser(), datasets, "access_denied");
      }
    } else if (context instanceof TokenRefreshResponseContext refresh) {
      AuthenticatedClientSessionModel clientSession = refresh.getClientSession();
      if (clientSession == null || clientSession.getUserSession() == null) {
        return; // Keycloak itself refuses a refresh without a session
      }
      MultivaluedMap<String, String> params = refresh.getParams();
      String requested = params == null ? null : params.getFirst(OIDCLoginProtocol.SCOPE_PARAM);
      String scope = requested != null && !requested.isBlank() ? requested
          : clientSession.getNote(OIDCLoginProtocol.SCOPE_PARAM);
      Set<String> datasets = named(scope, params);
      if (!datasets.isEmpty()) {
        // Keycloak's refresh grant sends the executor's error as it is; invalid_grant (RFC 6749 §5.2) is what the
        // code grant answers for the same refusal
        check(clientSession.getUserSession().getUser(), datasets, "invalid_grant");
      }
    }
  }

  /** The datasets named by the requested scope and the {@code resource} / {@code audience} parameters. */
  Set<String> named(String scope, MultivaluedMap<String, String> params) {
    String prefix = configuration.prefix == null || configuration.prefix.isBlank() ? "dataset:" : configuration.prefix;
    Set<String> out = new LinkedHashSet<>();
    List<String> values = new ArrayList<>();
    if (scope != null) {
      values.addAll(List.of(scope.trim().split("\\s+")));
    }
    for (String p : List.of("resource", "audience")) {
      List<String> given = params == null ? null : params.get(p);
      if (given != null) {
        values.addAll(given);
      }
    }
    for (String v : values) {
      if (v != null && v.startsWith(prefix) && v.length() > prefix.length()) {
        out.add(v.substring(prefix.length()));
      }
    }
    return out;
  }

  private void check(UserModel user, Set<String> datasets, String denied) throws ClientPolicyException {
    PdpSettings settings;
    try {
      settings = PdpSettings.parse(configuration.asMap());
    } catch (PdpSettings.InvalidSetting e) {
      LOG.warnf("%s executor misconfigured, refusing dataset tokens: %s", DatasetAudienceExecutorFactory.ID,
          e.getMessage());
      throw new ClientPolicyException("temporarily_unavailable",
          "Dataset access cannot be checked now; the facility must fix its configuration.",
          Response.Status.SERVICE_UNAVAILABLE);
    }
    DatasetAccess.Outcome outcome = DatasetAccess.check(session, session.getContext().getRealm(), user,
        configuration.identityProvider, settings, datasets);
    switch (outcome.verdict()) {
      case ALLOWED:
        return;
      case NOT_FEDERATED:
        throw new ClientPolicyException(denied, "Datasets can be granted only to users signed in through"
            + " the federation.", Response.Status.BAD_REQUEST);
      case UNAVAILABLE:
        throw new ClientPolicyException("temporarily_unavailable", "Dataset access could not be checked; try again"
            + " shortly.", Response.Status.SERVICE_UNAVAILABLE);
      default:
        // RFC 6749 §4.1.2.1: the resource owner (here: the federation's policy) denied the request
        throw new ClientPolicyException(denied, "You may not read dataset " + outcome.dataset().orElse("")
            + ".", Response.Status.BAD_REQUEST);
    }
  }
}
