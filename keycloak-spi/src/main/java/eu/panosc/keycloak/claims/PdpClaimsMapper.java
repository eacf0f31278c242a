package eu.panosc.keycloak.claims;

import eu.panosc.keycloak.pdp.DatasetCache;
import eu.panosc.keycloak.pdp.PdpClient;
import eu.panosc.keycloak.pdp.PdpSettings;
import jakarta.ws.rs.core.Response;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.FederatedIdentityModel;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperContainerModel;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.protocol.ProtocolMapperConfigException;
import org.keycloak.protocol.oidc.mappers.AbstractOIDCProtocolMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAccessTokenMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAttributeMapperHelper;
import org.keycloak.protocol.oidc.mappers.OIDCIDTokenMapper;
import org.keycloak.protocol.oidc.mappers.UserInfoTokenMapper;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.representations.IDToken;
import org.keycloak.services.ErrorResponseException;

/**
 * OIDC protocol mapper adding the user's proposal memberships ({@code proposals}: {@code [{id: "<facility>:<proposal>",
 * roles: [...]}]}, from the groups under {@code /<root>} that {@code EntitlementGroupMapper} maintains) and, when
 * configured, the datasets the user may read ({@code datasets}: PIDs, from the PDP's AuthZEN resource search for the
 * user's pairwise {@code sub} at the configured facility, taken from the user's link to the configured identity
 * provider). Dataset lists are cached per user for {@code cacheTtlSeconds} (at most {@code cacheSize} users); one
 * token issuance asks the PDP at most once and waits at most {@code budgetMillis}. When the PDP cannot answer,
 * {@code failMode} decides: {@code closed} refuses the token ({@code temporarily_unavailable}, 503), {@code open}
 * issues it without {@code datasets} and with {@code datasets_unavailable: true}. Keycloak's ProtocolMapper is its
 * own Provider and ProviderFactory.
 */
public final class PdpClaimsMapper extends AbstractOIDCProtocolMapper
    implements OIDCAccessTokenMapper, OIDCIDTokenMapper, UserInfoTokenMapper {
  public static final String ID = "panosc-pdp-claims-mapper";
  public static final String GROUP_ROOT = "groupRoot";
  public static final String INCLUDE_DATASETS = "includeDatasets";
  public static final String IDENTITY_PROVIDER = "identityProvider";
  public static final String CACHE_TTL = "cacheTtlSeconds";
  public static final String CACHE_SIZE = "cacheSize";
  public static final String FAIL_MODE = "failMode";
  private static final Logger LOG = Logger.getLogger(PdpClaimsMapper.class);
  private static final Duration DEFAULT_TTL = Duration.ofSeconds(60);
  private static final int DEFAULT_SIZE = 10_000;
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  /** Per mapper (model id): its PDP client and cache, made again when its configuration changes. */
  private static final Map<String, State> STATES = new ConcurrentHashMap<>();
  private static final List<ProviderConfigProperty> CONFIG;

  static {
    List<ProviderConfigProperty> config =
        PdpSettings.connectionProperties(ProviderConfigurationBuilder.create()
        .property().name(GROUP_ROOT).label("Group root").type(ProviderConfigProperty.STRING_TYPE)
        .defaultValue("proposals")
        .helpText("The top-level group whose /<facility>/<proposal>[/<role>] subgroups are the proposals claim.").add()
        .property().name(INCLUDE_DATASETS).label("Add readable datasets").type(ProviderConfigProperty.BOOLEAN_TYPE)
        .defaultValue("false")
        .helpText("Also add 'datasets': the PIDs the user may read, asked from the PDP (AuthZEN resource search).")
        .add()
        .property().name(IDENTITY_PROVIDER).label("Federation identity provider").type(ProviderConfigProperty.STRING_TYPE)
        .defaultValue("panosc")
        .helpText("The alias of the aai-broker identity provider; the user's link to it holds the pairwise 'sub' the"
            + " PDP is asked about. Users without that link get no datasets.").add())
        .property().name(PdpSettings.BUDGET_MS).label("Time budget (ms)").type(ProviderConfigProperty.STRING_TYPE)
        .defaultValue("200").helpText("The longest one token issuance waits for the PDP (1 to 60000 ms).").add()
        .property().name(CACHE_TTL).label("Cache time (s)").type(ProviderConfigProperty.STRING_TYPE)
        .defaultValue("60").helpText("How long a user's datasets are reused (0 to 86400 s; 0: ask every time).").add()
        .property().name(CACHE_SIZE).label("Cache size").type(ProviderConfigProperty.STRING_TYPE)
        .defaultValue("10000").helpText("At most this many users are cached (1 to 1000000).").add()
        .property().name(FAIL_MODE).label("When the PDP fails").type(ProviderConfigProperty.LIST_TYPE)
        .options("closed", "open").defaultValue("closed")
        .helpText("closed: refuse the token (temporarily_unavailable); open: issue it without 'datasets' and with"
            + " 'datasets_unavailable: true'.").add()
        .build();
    List<ProviderConfigProperty> all = new ArrayList<>(config);
    OIDCAttributeMapperHelper.addIncludeInTokensConfig(all, PdpClaimsMapper.class);
    CONFIG = List.copyOf(all);
  }

  /** The parsed configuration of one mapper; {@link #parse} names every bad value. */
  record Settings(String root, boolean datasets, String idp, Optional<PdpSettings> pdp, Duration ttl, int cacheSize,
      boolean failOpen) {
    static Settings parse(Map<String, String> config) throws PdpSettings.InvalidSetting {
      List<String> problems = new ArrayList<>();
      String root = Optional.ofNullable(config.get(GROUP_ROOT)).filter(s -> !s.isBlank()).orElse("proposals").trim();
      if (root.contains("/")) {
        problems.add(GROUP_ROOT + " must be one group name, without '/'");
      }
      boolean datasets = "true".equals(config.get(INCLUDE_DATASETS));
      String idp = Optional.ofNullable(config.get(IDENTITY_PROVIDER)).filter(s -> !s.isBlank()).orElse("panosc")
          .trim();
      String mode = Optional.ofNullable(config.get(FAIL_MODE)).filter(s -> !s.isBlank()).orElse("closed").trim();
      if (!mode.equals("closed") && !mode.equals("open")) {
        problems.add(FAIL_MODE + " must be closed or open, not " + shorten(mode));
      }
      Duration ttl = seconds(config.get(CACHE_TTL), problems);
      int size = (int) PdpSettings.millis(config.get(CACHE_SIZE), CACHE_SIZE, Duration.ofMillis(DEFAULT_SIZE), 1,
          1_000_000, problems).toMillis();
      Optional<PdpSettings> pdp = Optional.empty();
      if (datasets) {
        try {
          pdp = Optional.of(PdpSettings.parse(config));
        } catch (PdpSettings.InvalidSetting e) {
          problems.add(e.getMessage());
        }
      }
      if (!problems.isEmpty()) {
        throw new PdpSettings.InvalidSetting(String.join("; ", problems));
      }
      return new Settings(root, datasets, idp, pdp, ttl, size, mode.equals("open"));
    }

    private static Duration seconds(String value, List<String> problems) {
      if (value == null || value.isBlank()) {
        return DEFAULT_TTL;
      }
      try {
        long s = Long.parseLong(value.trim());
        if (s < 0 || s > 86_400) {
          problems.add(CACHE_TTL + " must be between 0 and 86400 (seconds), not " + s);
          return DEFAULT_TTL;
        }
        return Duration.ofSeconds(s);
      } catch (NumberFormatException e) {
        problems.add(CACHE_TTL + " must be a whole number of seconds");
        return DEFAULT_TTL;
      }
    }

    /** At most 40 characters of a bad value, without quotes or braces (Keycloak formats the message). */
    private static String shorten(String s) {
      String plain = s.replaceAll("['{}\\p{Cntrl}]", "?");
      return plain.length() > 40 ? plain.substring(0, 40) + "..." : plain;
    }
  }

  private record State(String key, Map<String, String> config, Settings settings, Optional<PdpClient> client,
      DatasetCache cache) {
  }

  @Override
  public String getId() {
    return ID;
  }

  @Override
  public String getDisplayCategory() {
    return TOKEN_MAPPER_CATEGORY;
  }

  @Override
  public String getDisplayType() {
    return "PaNOSC proposals and readable datasets";
  }

  @Override
  public String getHelpText() {
    return "Adds 'proposals' (the user's proposal groups) and, optionally, 'datasets' (what the federation's PDP lets"
        + " the user read, cached per user, within a time budget, fail closed or open).";
  }

  @Override
  public List<ProviderConfigProperty> getConfigProperties() {
    return CONFIG;
  }

  @Override
  public void validateConfig(KeycloakSession session, RealmModel realm, ProtocolMapperContainerModel client,
      ProtocolMapperModel model) throws ProtocolMapperConfigException {
    try {
      Settings.parse(model.getConfig());
    } catch (PdpSettings.InvalidSetting e) {
      // Keycloak answers 400 with the message looked up by its key (here: the message itself, no translation)
      String message = "Invalid PaNOSC mapper configuration: " + e.getMessage();
      throw new ProtocolMapperConfigException(message, message);
    }
  }

  @Override
  protected void setClaim(IDToken token, ProtocolMapperModel model, UserSessionModel userSession,
      KeycloakSession session, ClientSessionContext clientSessionCtx) {
    State state = state(model);
    UserModel user = userSession.getUser();
    // one issuance (access token, ID token, userinfo) reads the groups once
    String proposalsMemo = "panosc.proposals." + state.key();
    Object proposals = clientSessionCtx.getAttribute(proposalsMemo, Object.class);
    if (proposals == null) {
      proposals = proposals(user, state.settings().root());
      clientSessionCtx.setAttribute(proposalsMemo, proposals);
    }
    token.getOtherClaims().put("proposals", proposals);
    if (!state.settings().datasets() || state.client().isEmpty()) {
      return;
    }
    String memo = "panosc.datasets." + state.key();
    Object known = clientSessionCtx.getAttribute(memo, Object.class);
    if (known == null) {
      known = datasets(session, userSession.getRealm(), user, state);
      clientSessionCtx.setAttribute(memo, known);
    }
    if (known instanceof List<?> list) {
      token.getOtherClaims().put("datasets", list);
    } else {
      token.getOtherClaims().put("datasets_unavailable", Boolean.TRUE);
    }
  }

  /** The datasets (a list), or a String saying why there are none today (fail-open only). */
  private static Object datasets(KeycloakSession session, RealmModel realm, UserModel user, State state) {
    FederatedIdentityModel link = session.users().getFederatedIdentity(realm, user, state.settings().idp());
    if (link == null || link.getUserId() == null) {
      return List.of();
    }
    String sub = link.getUserId();
    Optional<List<String>> cached = state.cache().get(sub);
    if (cached.isPresent()) {
      return cached.get();
    }
    PdpClient client = state.client().orElseThrow();
    try {
      List<String> datasets = client.searchDatasets(sub, "read",
          Instant.now().plus(client.settings().budget()));
      state.cache().put(sub, datasets);
      return datasets;
    } catch (PdpClient.PdpUnavailable e) {
      LOG.warnf("datasets of user %s unavailable (failMode %s): %s", user.getId(),
          state.settings().failOpen() ? "open" : "closed", e.getMessage());
      if (state.settings().failOpen()) {
        return "unavailable";
      }
      // RFC 6749 §5.2 has no 503; temporarily_unavailable is the §4.1.2.1 code for an outage, as 503
      throw new ErrorResponseException("temporarily_unavailable",
          "The federation's authorization service could not be asked; try again shortly.",
          Response.Status.SERVICE_UNAVAILABLE);
    }
  }

  /** {@code [{id: "<facility>:<proposal>", roles: [...]}]} from the user's groups under {@code /<root>}. */
  static List<Map<String, Object>> proposals(UserModel user, String root) {
    Map<String, TreeSet<String>> byProposal = new TreeMap<>();
    String prefix = "/" + root + "/";
    user.getGroupsStream().forEach((GroupModel g) -> {
      String path = KeycloakModelUtils.buildGroupPath(g);
      if (path.startsWith(prefix)) {
        String[] parts = path.substring(prefix.length()).split("/");
        if (parts.length >= 2) {
          TreeSet<String> roles = byProposal.computeIfAbsent(parts[0] + ":" + parts[1], k -> new TreeSet<>());
          if (parts.length == 3) {
            roles.add(parts[2]);
          }
        }
      }
    });
    List<Map<String, Object>> out = new ArrayList<>();
    byProposal.forEach((id, roles) -> {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("id", id);
      p.put("roles", List.copyOf(roles));
      out.add(p);
    });
    return out;
  }

  private static State state(ProtocolMapperModel model) {
    String key = model.getId() != null ? model.getId() : model.getName();
    State known = STATES.get(key);
    if (known != null && known.config().equals(model.getConfig())) {
      return known; // every token after the first: no copy, no lock
    }
    Map<String, String> config = Map.copyOf(model.getConfig());
    return STATES.compute(key, (k, old) -> {
      if (old != null && old.config().equals(config)) {
        return old;
      }
      Settings settings;
      try {
        settings = Settings.parse(config);
      } catch (PdpSettings.InvalidSetting e) {
        // saved before validation existed or edited outside the admin API: no datasets, never a guess
        LOG.warnf("PaNOSC mapper %s is misconfigured, datasets off: %s", model.getName(), e.getMessage());
        settings = new Settings("proposals", false, "panosc", Optional.empty(), Duration.ZERO, 1, false);
      }
      Optional<PdpClient> client = settings.pdp().map(p -> new PdpClient(p, HTTP, Clock.systemUTC()));
      return new State(k, config, settings, client, new DatasetCache(settings.ttl(), settings.cacheSize(),
          Clock.systemUTC()));
    });
  }
}
