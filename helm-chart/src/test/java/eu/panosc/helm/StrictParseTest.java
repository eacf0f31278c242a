package eu.panosc.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

/** The strict parse the chart tests rely on: a field unknown to Fabric8's typed model fails, naming it. */
class StrictParseTest {
  static final String DEPLOYMENT = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: x
      spec:
        selector:
          matchLabels: {app: x}
        template:
          metadata:
            labels: {app: x}
          spec:
            containers:
              - name: x
                image: x:1
                %s
      """;

  @Test
  void aKnownFieldParses() {
    assertThat(Chart.parse(DEPLOYMENT.formatted("imagePullPolicy: Always"))).singleElement()
        .isInstanceOf(Deployment.class);
  }

  @Test
  void aMisspelledFieldFailsNamingIt() {
    assertThatThrownBy(() -> Chart.parse(DEPLOYMENT.formatted("readinesProbe: {periodSeconds: 5}")))
        .isInstanceOf(AssertionError.class).hasMessageContaining("Deployment x")
        .hasMessageContaining("containers[0]").hasMessageContaining("readinesProbe");
  }
}
