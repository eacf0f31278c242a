package eu.panosc.keycloak.dataset;

import com.fasterxml.jackson.annotation.JsonProperty;
import eu.panosc.keycloak.pdp.PdpClient;
import eu.panosc.keycloak.pdp.PdpSettings;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.FederatedIdentityModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.representations.idm.ClientPolicyExecutorConfigurationRepresentation;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.context.TokenRequestContext;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;

/**
 * Client-policy executor: at the token request of the authorization-code grant, every dataset the request names
 * (a requested scope, or a {@code resource} / {@code audience} value, starting with the configured prefix, e.g.
 * {@code dataset:10.15151/ESRF-DC-2415001}) must be readable by the user, as the PDP decides (AuthZEN evaluation,
 * action {@code read}, the user's pairwise {@code sub} at the facility). A denial refuses the token with
 * {@code access_denied} naming the dataset (Keycloak's code grant sends it as {@code invalid_grant}, 400, with this
 * description); a user without a federation link, or a PDP that cannot answer within the budget, refuses it too
 * (fail closed; the latter raised as {@code temporarily_unavailable}, 503).
 */
public final class DatasetAudienceExecutor
    implements ClientPolicyExecutorProvider<DatasetAudienceExecutor.Configuration> {
  private static final Logger LOG = Logger.getLogger(DatasetAudienceExecutor.class);
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  /** PDP clients by settings, so the client-credentials token is reused across requests. */
  private static final Map<PdpSettings, PdpClient> CLIENTS = new ConcurrentHashMap<>();

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
        check(clientSession.getUserSession().getUser(), datasets);
      }
    }
  }

  /** The datasets named by the requested scope and the {@code resource} / {@code audience} parameters. */
  Set<String> named(String scope, MultivaluedMap<String, String> params) {
    String prefix = configuration.prefix;
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

  private void check(UserModel user, Set<String> datasets) throws ClientPolicyException {
    List<String> problems = configuration.problems();
    if (!problems.isEmpty()) {
      LOG.warnf("%s executor misconfigured, refusing dataset tokens: %s", DatasetAudienceExecutorFactory.ID, problems);
      throw new ClientPolicyException("temporarily_unavailable",
          "Dataset access cannot be checked now; the facility must fix its configuration.",
          Response.Status.SERVICE_UNAVAILABLE);
    }
    FederatedIdentityModel link = session.users().getFederatedIdentity(session.getContext().getRealm(), user,
        configuration.identityProvider);
    if (link == null || link.getUserId() == null) {
      throw new ClientPolicyException("access_denied", "Datasets can be granted only to users signed in through the"
          + " federation.", Response.Status.BAD_REQUEST);
    }
    PdpSettings settings;
    try {
      settings = PdpSettings.parse(configuration.asMap());
    } catch (PdpSettings.InvalidSetting e) {
      throw new IllegalStateException(e.getMessage()); // problems() was empty: cannot happen
    }
    PdpClient client = CLIENTS.computeIfAbsent(settings, s -> new PdpClient(s, HTTP, Clock.systemUTC()));
    Instant deadline = Instant.now().plus(settings.budget());
    for (String pid : datasets) {
      boolean allowed;
      try {
        allowed = client.evaluate(link.getUserId(), "read", pid, deadline);
      } catch (PdpClient.PdpUnavailable e) {
        LOG.warnf("dataset check for user %s unavailable: %s", user.getId(), e.getMessage());
        throw new ClientPolicyException("temporarily_unavailable", "Dataset access could not be checked; try again"
            + " shortly.", Response.Status.SERVICE_UNAVAILABLE);
      }
      if (!allowed) {
        // RFC 6749 §4.1.2.1 / §5.2: the resource owner (here: the federation's policy) denied the request
        throw new ClientPolicyException("access_denied", "You may not read dataset " + pid + ".",
            Response.Status.BAD_REQUEST);
      }
    }
  }
}
