package eu.panosc.keycloak.pdp;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * The PDP connection of one mapper or executor, read from its Keycloak configuration: the PDP's base URL (e.g.
 * {@code https://panosc.example/pdp}; AuthZEN paths are appended), the aai-broker's token endpoint and the client
 * credentials ({@code client_secret_basic}, scope {@code pdp:evaluate}) the provider asks with, the facility whose
 * pairwise {@code sub} the subject is, and the time budget of one call. {@link #parse} names each bad value.
 */
public record PdpSettings(URI pdpUrl, URI tokenEndpoint, String clientId, String clientSecret, String facility,
    Duration budget) {
  public static final String PDP_URL = "pdpUrl";
  public static final String TOKEN_ENDPOINT = "tokenEndpoint";
  public static final String CLIENT_ID = "pdpClientId";
  public static final String CLIENT_SECRET = "pdpClientSecret";
  public static final String FACILITY = "facility";
  public static final String BUDGET_MS = "budgetMillis";

  /**
   * Adds the PDP connection's properties (PDP URL, token endpoint, client id and secret, facility) with their help
   * texts to {@code b}: one list for every provider that asks the PDP (the claims mapper, the dataset executor and
   * authenticator), read back by {@link #parse}.
   */
  public static ProviderConfigurationBuilder connectionProperties(ProviderConfigurationBuilder b) {
    return b.property().name(PDP_URL).label("PDP URL").type(ProviderConfigProperty.STRING_TYPE)
        .helpText("The PDP's base URL, e.g. https://panosc.example/pdp (AuthZEN paths are appended).").add()
        .property().name(TOKEN_ENDPOINT).label("Token endpoint").type(ProviderConfigProperty.STRING_TYPE)
        .helpText("The aai-broker's token endpoint, e.g. https://panosc.example/aai/token.").add()
        .property().name(CLIENT_ID).label("PDP client id").type(ProviderConfigProperty.STRING_TYPE)
        .helpText("A federation client with client_credentials and scope pdp:evaluate.").add()
        .property().name(CLIENT_SECRET).label("PDP client secret").type(ProviderConfigProperty.PASSWORD)
        .secret(true).helpText("Its secret (client_secret_basic).").add()
        .property().name(FACILITY).label("Facility").type(ProviderConfigProperty.STRING_TYPE)
        .helpText("The federation's id of this facility (e.g. esrf): the facility of the users' pairwise 'sub'.")
        .add();
  }
  /** The budget when none is configured. */
  public static final Duration DEFAULT_BUDGET = Duration.ofMillis(200);

  public PdpSettings {
    Objects.requireNonNull(pdpUrl, "pdpUrl");
    Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(clientSecret, "clientSecret");
    Objects.requireNonNull(facility, "facility");
    Objects.requireNonNull(budget, "budget");
  }

  /** A configuration value that cannot be used; the message names the field and what is expected. */
  public static final class InvalidSetting extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidSetting(String message) {
      super(message, null, false, false);
    }
  }

  /** Reads the settings from a provider's configuration map. */
  public static PdpSettings parse(Map<String, String> config) throws InvalidSetting {
    List<String> problems = new ArrayList<>();
    URI pdp = url(config.get(PDP_URL), PDP_URL, problems);
    URI token = url(config.get(TOKEN_ENDPOINT), TOKEN_ENDPOINT, problems);
    String clientId = required(config.get(CLIENT_ID), CLIENT_ID, problems);
    String secret = required(config.get(CLIENT_SECRET), CLIENT_SECRET, problems);
    String facility = required(config.get(FACILITY), FACILITY, problems);
    Duration budget = millis(config.get(BUDGET_MS), BUDGET_MS, DEFAULT_BUDGET, 1, 60_000, problems);
    if (!problems.isEmpty()) {
      throw new InvalidSetting(String.join("; ", problems));
    }
    return new PdpSettings(pdp, token, clientId, secret, facility, budget);
  }

  /** An http(s) URL without user info, query or fragment; null (after adding a problem) otherwise. */
  static URI url(String value, String name, List<String> problems) {
    if (value == null || value.isBlank()) {
      problems.add(name + " is required (an http or https URL)");
      return null;
    }
    try {
      URI u = new URI(value.trim());
      if (!("https".equalsIgnoreCase(u.getScheme()) || "http".equalsIgnoreCase(u.getScheme())) || u.getHost() == null
          || u.getRawUserInfo() != null || u.getRawQuery() != null || u.getRawFragment() != null) {
        problems.add(name + " must be an http or https URL with a host and without user info, query or fragment");
        return null;
      }
      String s = u.toString();
      return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    } catch (java.net.URISyntaxException e) {
      problems.add(name + " is not a URL");
      return null;
    }
  }

  static String required(String value, String name, List<String> problems) {
    if (value == null || value.isBlank()) {
      problems.add(name + " is required");
      return null;
    }
    if (value.length() > 512 || value.chars().anyMatch(Character::isISOControl)) {
      problems.add(name + " must be at most 512 characters without control characters");
      return null;
    }
    return value.trim();
  }

  /** A whole number of milliseconds in [min, max]; {@code fallback} when absent. */
  public static Duration millis(String value, String name, Duration fallback, long min, long max,
      List<String> problems) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      long ms = Long.parseLong(value.trim());
      if (ms < min || ms > max) {
        problems.add(name + " must be between " + min + " and " + max + " (milliseconds), not " + ms);
        return fallback;
      }
      return Duration.ofMillis(ms);
    } catch (NumberFormatException e) {
      problems.add(name + " must be a whole number of milliseconds");
      return fallback;
    }
  }
}
