package eu.panosc.keycloak.testing;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.testing.KeycloakHarness;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.keycloak.provider.ProviderFactory;

/**
 * Keycloak starts with the packaged provider jar: every factory its {@code META-INF/services} registers is listed by
 * the admin {@code /admin/serverinfo} under its SPI, and Keycloak's log names no SPI or provider problem. The one
 * warning allowed is Keycloak's notice {@code KC-SERVICES0047} ("... is implementing the internal SPI ..."), which
 * Keycloak logs for every provider of an SPI it marks internal (identity-provider mappers, protocol mappers,
 * client-policy executors), and only for our own providers of those SPIs (see the module README, upgrade notes).
 */
class ProviderJarStartIT {
  /** The Keycloak SPI (serverinfo name) of each factory interface our jar registers factories for. */
  private static final Map<String, String> SPI = Map.of(
      "org.keycloak.broker.provider.IdentityProviderMapper", "identity-provider-mapper",
      "org.keycloak.protocol.ProtocolMapper", "protocol-mapper",
      "org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProviderFactory", "client-policy-executor",
      "org.keycloak.events.EventListenerProviderFactory", "eventsListener",
      "org.keycloak.services.resource.RealmResourceProviderFactory", "realm-restapi-extension");

  @Test
  void everyProviderOfTheJarIsListedAndTheLogHasNoSpiWarning() throws Exception {
    Map<String, List<String>> registered = registeredFactories();
    assertThat(registered).as("META-INF/services of %s", FacilityKeycloak.providerJar()).isNotEmpty();
    KeycloakHarness keycloak = FacilityKeycloak.shared();

    HttpResponse<String> info = keycloak.admin("GET", "/serverinfo", null);
    assertThat(info.statusCode()).isEqualTo(200);
    JsonObject providers = new JsonObject(info.body()).getJsonObject("providers");
    for (Map.Entry<String, List<String>> e : registered.entrySet()) {
      assertThat(SPI).as("the SPI of %s is known to this test", e.getKey()).containsKey(e.getKey());
      JsonObject spi = providers.getJsonObject(SPI.get(e.getKey()));
      assertThat(spi).as("serverinfo SPI %s", SPI.get(e.getKey())).isNotNull();
      for (String factoryClass : e.getValue()) {
        String id = ((ProviderFactory<?>) Class.forName(factoryClass).getDeclaredConstructor().newInstance()).getId();
        assertThat(spi.getJsonObject("providers").fieldNames()).as("providers of SPI %s", SPI.get(e.getKey()))
            .contains(id);
      }
    }

    List<String> ours = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : registered.entrySet()) {
      for (String factoryClass : e.getValue()) {
        String id = ((ProviderFactory<?>) Class.forName(factoryClass).getDeclaredConstructor().newInstance()).getId();
        ours.add("KC-SERVICES0047: " + id + " (" + factoryClass + ") is implementing the internal SPI "
            + SPI.get(e.getKey()) + ".");
      }
    }
    // the start-up part of the log: later lines belong to other ITs sharing this Keycloak
    List<String> lines = Files.readAllLines(keycloak.log(), StandardCharsets.UTF_8);
    int started = 0;
    while (started < lines.size() && !lines.get(started).contains(" started in ")) {
      started++;
    }
    assertThat(started).as("a 'started in' line in %s", keycloak.log()).isLessThan(lines.size());
    List<String> problems = lines.subList(0, started + 1).stream()
        .filter(l -> l.contains("WARN") || l.contains("ERROR"))
        .filter(l -> l.contains("SPI") || l.contains("provider") || l.contains("Provider") || l.contains("panosc"))
        .filter(l -> !(l.contains(" WARN ") && ours.stream().anyMatch(l::contains)))
        .toList();
    assertThat(problems).as("warnings about providers in %s", keycloak.log()).isEmpty();
  }

  private static Map<String, List<String>> registeredFactories() throws Exception {
    Map<String, List<String>> out = new LinkedHashMap<>();
    try (ZipFile jar = new ZipFile(FacilityKeycloak.providerJar().toFile())) {
      for (ZipEntry entry : jar.stream().filter(z -> z.getName().startsWith("META-INF/services/")
          && !z.isDirectory()).toList()) {
        List<String> classes = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(jar.getInputStream(entry),
            StandardCharsets.UTF_8))) {
          r.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(classes::add);
        }
        out.put(entry.getName().substring("META-INF/services/".length()), classes);
      }
    }
    return out;
  }
}
