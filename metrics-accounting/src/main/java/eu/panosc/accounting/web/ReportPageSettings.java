package eu.panosc.accounting.web;

import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import eu.panosc.platform.demo.DemoFederation;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code services.accounting.reportPage} section: the OIDC client the report page signs operators in with
 * (registered at the aai-broker for {@code authorization_code} with scopes {@code openid accounting:read} and the
 * redirect URI {@code <accounting URL>/reports/callback}), which AARC entitlements make a signed-in person a report
 * reader, and how long a page session lasts. Without a client the page is off; with {@code --demo} the defaults are
 * the demo client {@code accounting-reports} and ILL's data managers.
 *
 * @param clientId the client id, empty when the page is off
 * @param clientSecret its secret ({@code client_secret_basic})
 * @param readerEntitlements entitlements (exact AARC values) of which a reader must hold one, besides the scope
 * @param sessionLifetime how long a signed-in page session lasts
 */
public record ReportPageSettings(Optional<String> clientId, String clientSecret, List<String> readerEntitlements,
    Duration sessionLifetime) {
  /** The demo client of the demo federation. */
  public static final String DEMO_CLIENT = "accounting-reports";
  /** In the demo, ILL's data managers (carol) may read reports. */
  public static final String DEMO_READER = "urn:geant:demo.panosc.eu:group:panosc:ill:staff:role=data-manager"
      + "#demo.panosc.eu";

  public ReportPageSettings {
    readerEntitlements = List.copyOf(readerEntitlements);
  }

  public static ReportPageSettings from(ConfigNode node, boolean demo) {
    Optional<String> clientId = node.optionalString("clientId");
    Optional<String> secret = node.optionalString("clientSecret");
    List<String> readers = node.stringList("readerEntitlements");
    Duration lifetime = node.duration("sessionLifetime", Duration.ofHours(8));
    if (lifetime.compareTo(Duration.ofMinutes(5)) < 0 || lifetime.compareTo(Duration.ofDays(7)) > 0) {
      throw new ConfigException(node.path() + ".sessionLifetime", "expected a duration from 5m to 7d such as 8h");
    }
    node.rejectUnknownKeys();
    if (clientId.isEmpty() && demo) {
      JsonObject client = DemoFederation.fixture().getJsonArray("clients").stream().map(JsonObject.class::cast)
          .filter(c -> DEMO_CLIENT.equals(c.getString("clientId"))).findFirst()
          .orElseThrow(() -> new ConfigException(node.path() + ".clientId", "the demo federation has no client "
              + DEMO_CLIENT + "; set clientId, clientSecret and readerEntitlements"));
      return new ReportPageSettings(Optional.of(DEMO_CLIENT), client.getString("secret"),
          readers.isEmpty() ? List.of(DEMO_READER) : readers, lifetime);
    }
    if (clientId.isPresent() && secret.isEmpty()) {
      throw new ConfigException(node.path() + ".clientSecret", "is required with clientId (client_secret_basic); "
          + "use ${ENV_VAR} to keep it out of the file");
    }
    if (clientId.isPresent() && readers.isEmpty()) {
      throw new ConfigException(node.path() + ".readerEntitlements", "list the AARC entitlements that may read "
          + "reports, e.g. urn:geant:example.org:group:operators:role=accounting#example.org");
    }
    return new ReportPageSettings(clientId, secret.orElse(""), readers, lifetime);
  }

  @Override
  public String toString() {
    return "ReportPageSettings[clientId=" + clientId + ", readerEntitlements=" + readerEntitlements
        + ", sessionLifetime=" + sessionLifetime + "]";
  }
}
