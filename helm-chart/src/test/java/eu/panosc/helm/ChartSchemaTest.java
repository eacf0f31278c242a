package eu.panosc.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad values are refused by {@code values.schema.json} (or, for secrets written into a service's config, by the
 * chart) when Helm renders, with a message naming the value; nothing is rendered.
 */
class ChartSchemaTest {
  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', textBlock = """
      publicUrl                        | ''                                   | publicUrl
      publicUrl                        | ftp://panosc.example.org             | publicUrl
      publicUrl                        | https://panosc.example.org/path      | publicUrl
      database.url                     | ''                                   | database.url
      database.url                     | postgresql://u:pw@db:5432/panosc     | database.url
      database.url                     | mysql://db/panosc                    | database.url
      database.existingSecret          | ''                                   | database.existingSecret
      database.existingSecret          | Not_A_Name                           | database.existingSecret
      database.poolSize                | 0                                    | database.poolSize
      database.poolSize                | many                                 | database.poolSize
      database.password                | hunter2                              | password
      nosuch                           | 1                                    | nosuch
      image.pullPolicy                 | Sometimes                            | image.pullPolicy
      logging.format                   | xml                                  | logging.format
      server.drainDelaySeconds         | 500                                  | server.drainDelaySeconds
      server.shutdownGraceSeconds      | -1                                   | server.shutdownGraceSeconds
      services.pdp.replicas            | 0                                    | services.pdp.replicas
      services.pdp.autoscaling.maxReplicas | 1000                             | services.pdp.autoscaling.maxReplicas
      services.aai.resources.requests.cpu | lots                              | services.aai.resources.requests.cpu
      services.registry.autoscaling.enabled | true                            | autoscaling
      services.broker.sessionNamespaces[0] | Bad_Namespace                    | services.broker.sessionNamespaces
      services.broker.leaderLease.name | UPPER                                | services.broker.leaderLease.name
      services.broker.secretEnv[0].name | PANOSC_DB_PASSWORD                  | services.broker.secretEnv
      keys.previousSecrets[0]          | a/b                                  | keys.previousSecrets
      ingress.certManager.issuerKind   | Vault                                | ingress.certManager.issuerKind
      networkPolicy.external.cidrs[0]  | everywhere                           | networkPolicy.external.cidrs
      networkPolicy.database.port      | 70000                                | networkPolicy.database.port
      serviceMonitor.interval          | often                                | serviceMonitor.interval
      cnpg.instances                   | 0                                    | cnpg.instances
      services.pdp.config.aai.clientSecret | plain-text-secret                | services.pdp.config.aai.clientSecret: a secret must not be written in values
      services.broker.config.pdp.clientSecret | s3cr3t                        | services.broker.config.pdp.clientSecret: a secret must not be written in values
      """)
  void badValueIsRefusedNamingIt(String key, String value, String message) {
    Map<String, Object> values = new HashMap<>(Chart.REQUIRED);
    values.put(key, value);
    assertThatThrownBy(() -> Chart.template(null, values)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(message).satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2", "s3cr3t",
            "plain-text-secret"));
  }
}
