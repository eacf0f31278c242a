package eu.panosc.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigLoader;
import eu.panosc.platform.config.PanoscConfig;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.service.ServiceModule;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The configuration files the chart renders are read by panosc's own loader ({@code ConfigLoader}, as {@code panosc
 * serve --config} and {@code panosc migrate --config} read them, with the Secrets' environment variables set) and
 * pass each service's own check ({@code ServiceModule.checkConfig}, which rejects unknown keys and bad values): the
 * chart writes no key a service does not know.
 */
class ChartConfigTest {
  /** What the pods' environment holds: the database credentials and the full values' secretEnv. */
  static final Map<String, String> ENV = Map.of("PANOSC_DB_USER", "panosc", "PANOSC_DB_PASSWORD", "pw-from-secret",
      "BROKER_CLIENT_SECRET", "broker-secret", "PDP_AAI_SECRET", "pdp-secret");

  static List<ServiceModule> modules() {
    List<ServiceModule> all = new ArrayList<>();
    ServiceLoader.load(ServiceModule.class).forEach(all::add);
    return all;
  }

  @ParameterizedTest
  @ValueSource(strings = {"required", "full"})
  void everyServiceAcceptsItsRenderedConfiguration(String valuesCase, @TempDir Path dir) throws Exception {
    List<HasMetadata> objects = valuesCase.equals("required") ? Chart.parse(Chart.template(null, Chart.REQUIRED))
        : Chart.parse(Chart.template(Chart.ci("full-values.yaml"), Map.of()));
    Map<String, String> files = Chart.one(objects, ConfigMap.class, "panosc-config").getData();
    List<ServiceModule> modules = modules();
    assertThat(modules).extracting(ServiceModule::name).containsExactlyInAnyOrder("registry", "aai", "pdp", "broker",
        "accounting");
    for (ServiceModule module : modules) {
      Path file = dir.resolve(module.name() + ".yaml");
      Files.writeString(file, files.get(module.name() + ".yaml"));
      PanoscConfig config = new ConfigLoader(ENV).load(Optional.of(file), Map.of());
      Platform.checkConfig(config, List.of(module));
      assertThat(config.server().port()).isEqualTo(8080);
      assertThat(config.server().publicBaseUrl()).hasToString("https://panosc.example.org");
      assertThat(config.server().drainDelay()).isEqualTo(Duration.ofSeconds(valuesCase.equals("full") ? 10 : 5));
      assertThat(config.database().url().orElseThrow().value()).as("the password comes from the Secret's variable")
          .contains("panosc:pw-from-secret@");
      assertThat(config.keys().kekFile()).contains(Path.of("/etc/panosc/kek/kek"));
    }
  }

  /** The check above is not vacuous: each service refuses an unknown key the chart could have written. */
  @ParameterizedTest
  @ValueSource(strings = {"registry", "aai", "pdp", "broker", "accounting"})
  void eachServiceRefusesAKeyItDoesNotKnow(String name, @TempDir Path dir) throws Exception {
    Map<String, Object> set = new HashMap<>(Chart.REQUIRED);
    set.put("services." + name + ".config.noSuchKey", "1");
    Map<String, String> files = Chart.one(Chart.parse(Chart.template(null, set)), ConfigMap.class, "panosc-config")
        .getData();
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, files.get(name + ".yaml"));
    PanoscConfig config = new ConfigLoader(ENV).load(Optional.of(file), Map.of());
    ServiceModule module = modules().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    assertThatThrownBy(() -> Platform.checkConfig(config, List.of(module))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("noSuchKey");
  }

  @ParameterizedTest
  @ValueSource(strings = {"required", "full"})
  void theMigrationJobsConfigurationLoadsForEveryService(String valuesCase, @TempDir Path dir) throws Exception {
    Map<String, Object> set = new HashMap<>(valuesCase.equals("required") ? Chart.REQUIRED : Map.of());
    set.put("migration.hook", false);
    String rendered = Chart.template(valuesCase.equals("required") ? null : Chart.ci("full-values.yaml"), set);
    Path file = dir.resolve("migrate.yaml");
    Files.writeString(file, Chart.one(Chart.parse(rendered), ConfigMap.class, "panosc-migrate").getData()
        .get("migrate.yaml"));
    PanoscConfig config = new ConfigLoader(ENV).load(Optional.of(file), Map.of());
    Platform.checkConfig(config, modules());
    assertThat(config.database().url()).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"PANOSC_DB_PASSWORD", "BROKER_CLIENT_SECRET"})
  void aMissingSecretVariableStopsTheServiceNamingIt(String missing, @TempDir Path dir) throws Exception {
    Map<String, String> files = Chart.one(Chart.parse(Chart.template(Chart.ci("full-values.yaml"), Map.of())),
        ConfigMap.class, "panosc-config").getData();
    Path file = dir.resolve("broker.yaml");
    Files.writeString(file, files.get("broker.yaml"));
    Map<String, String> env = new HashMap<>(ENV);
    env.remove(missing);
    assertThatThrownBy(() -> new ConfigLoader(env).load(Optional.of(file), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining(missing);
  }
}
