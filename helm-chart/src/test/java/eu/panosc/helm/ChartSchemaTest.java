package eu.panosc.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.yaml.snakeyaml.Yaml;
import java.util.Map;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad values are refused by {@code values.schema.json} (or, for secrets written into a service's config, by the
 * chart) when Helm renders, with a message naming the value; nothing is rendered.
 */
class ChartSchemaTest {
  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', textBlock = """
      publicUrl                                | ''                                   | at '/publicUrl'
      publicUrl                                | ftp://panosc.example.org             | at '/publicUrl'
      publicUrl                                | https://panosc.example.org/path      | at '/publicUrl'
      database.url                             | ''                                   | at '/database/url'
      database.url                             | postgresql://u:pw@db:5432/panosc     | at '/database/url'
      database.url                             | mysql://db/panosc                    | at '/database/url'
      database.existingSecret                  | ''                                   | at '/database/existingSecret'
      database.existingSecret                  | Not_A_Name                           | at '/database/existingSecret'
      database.poolSize                        | 0                                    | at '/database/poolSize'
      database.poolSize                        | many                                 | at '/database/poolSize'
      database.password                        | hunter2                              | password
      nosuch                                   | 1                                    | nosuch
      image.pullPolicy                         | Sometimes                            | at '/image/pullPolicy'
      logging.format                           | xml                                  | at '/logging/format'
      server.drainDelaySeconds                 | 500                                  | at '/server/drainDelaySeconds'
      server.shutdownGraceSeconds              | -1                                   | at '/server/shutdownGraceSeconds'
      services.pdp.replicas                    | 0                                    | at '/services/pdp/replicas'
      services.pdp.autoscaling.maxReplicas     | 1000                                 | at '/services/pdp/autoscaling/maxReplicas'
      services.aai.resources.requests.cpu      | lots                                 | at '/services/aai/resources/requests/cpu'
      services.registry.autoscaling.enabled    | true                                 | autoscaling
      services.broker.sessionNamespaces[0]     | Bad_Namespace                        | at '/services/broker/sessionNamespaces/0'
      leaderElection.kind                      | zookeeper                            | at '/leaderElection/kind'
      services.broker.secretEnv[0].name        | PANOSC_DB_PASSWORD                   | at '/services/broker/secretEnv/0/name'
      keys.previousSecrets[0]                  | a/b                                  | at '/keys/previousSecrets/0'
      ingress.certManager.issuerKind           | Vault                                | at '/ingress/certManager/issuerKind'
      networkPolicy.external.cidrs[0]          | everywhere                           | at '/networkPolicy/external/cidrs/0'
      networkPolicy.database.port              | 70000                                | at '/networkPolicy/database/port'
      serviceMonitor.interval                  | often                                | at '/serviceMonitor/interval'
      cnpg.instances                           | 0                                    | at '/cnpg/instances'
      services.pdp.config.aai.clientSecret     | plain-text-secret                    | services.pdp.config.aai.clientSecret: a secret must not be written in values
      services.broker.config.pdp.clientSecret  | s3cr3t                               | services.broker.config.pdp.clientSecret: a secret must not be written in values
      services.registry.pdb.minAvailable       | 2                                    | services.registry.pdb.minAvailable (2) must be below the replicas (2)
      services.aai.autoscaling.minReplicas     | 9                                    | services.aai.autoscaling: minReplicas (9) is above maxReplicas (8)
      cnpg.backup.enabled                      | true                                 | at '/cnpg/backup/destinationPath'
      networkPolicy.ingressNamespaceSelector.matchLabelz | x                                    | matchLabelz
      podDefaults.tolerations[0].operator      | Maybe                                | at '/podDefaults/tolerations/0/operator'
      networkPolicy.allowFrom.nosuch[0].podSelector.matchLabels.a | b             | nosuch
      """)
  void badValueIsRefusedNamingIt(String key, String value, String message, @TempDir Path work) throws Exception {
    Map<String, Object> values = new LinkedHashMap<>();
    Chart.REQUIRED.forEach((k, v) -> put(values, k, v));
    // typed as YAML types it (0 an integer, true a boolean), '' an empty string
    put(values, key, value == null || value.isEmpty() ? "" : new Yaml().load(value));
    Path file = work.resolve("values.yaml");
    Files.writeString(file, new Yaml().dump(values));
    assertThatThrownBy(() -> Chart.template(file, Map.of())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(message).satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2", "s3cr3t",
            "plain-text-secret"));
  }

  /** Puts a value at a dotted path ({@code a.b[0].c}), creating maps and lists on the way. */
  @SuppressWarnings("unchecked")
  static void put(Map<String, Object> root, String path, Object value) {
    Object node = root;
    String[] parts = path.split("\\.");
    for (int i = 0; i < parts.length; i++) {
      boolean last = i == parts.length - 1;
      String part = parts[i];
      Integer index = null;
      if (part.endsWith("]")) {
        index = Integer.valueOf(part.substring(part.indexOf('[') + 1, part.length() - 1));
        part = part.substring(0, part.indexOf('['));
      }
      Map<String, Object> map = (Map<String, Object>) node;
      if (index == null) {
        if (last) {
          map.put(part, value);
        } else {
          node = map.computeIfAbsent(part, k -> new LinkedHashMap<String, Object>());
        }
      } else {
        List<Object> list = (List<Object>) map.computeIfAbsent(part, k -> new ArrayList<>());
        while (list.size() <= index) {
          list.add(last ? null : new LinkedHashMap<String, Object>());
        }
        if (last) {
          list.set(index, value);
        } else {
          node = list.get(index);
        }
      }
    }
  }
}
