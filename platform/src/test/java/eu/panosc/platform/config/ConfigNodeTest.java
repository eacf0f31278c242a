package eu.panosc.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigNodeTest {

  private static ConfigNode node(Map<String, Object> values) {
    return ConfigNode.of("svc", values);
  }

  @Test
  void durationWhenShortFormsThenParsed() {
    ConfigNode n = node(Map.of("a", "500ms", "b", "30s", "c", "5m", "d", "2h", "e", "1d"));

    assertThat(n.duration("a", Duration.ZERO)).isEqualTo(Duration.ofMillis(500));
    assertThat(n.duration("b", Duration.ZERO)).isEqualTo(Duration.ofSeconds(30));
    assertThat(n.duration("c", Duration.ZERO)).isEqualTo(Duration.ofMinutes(5));
    assertThat(n.duration("d", Duration.ZERO)).isEqualTo(Duration.ofHours(2));
    assertThat(n.duration("e", Duration.ZERO)).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void durationWhenIsoThenParsed() {
    assertThat(node(Map.of("t", "PT1M")).duration("t", Duration.ZERO)).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void durationWhenAbsentThenFallback() {
    assertThat(node(Map.of()).duration("t", Duration.ofSeconds(7))).isEqualTo(Duration.ofSeconds(7));
  }

  @ParameterizedTest
  @ValueSource(strings = {"soon", "1.5s", "5 s", "-3s", "10x"})
  void durationWhenUnparseableThenErrorNamesKeyAndExamples(String value) {
    assertThatThrownBy(() -> node(Map.of("t", value)).duration("t", Duration.ZERO))
        .isInstanceOf(ConfigException.class)
        .hasMessage("svc.t: expected a duration such as 500ms, 30s, 5m or PT30S, got '" + value + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"99999999999999999999s", "9999999999999999d"})
  void durationWhenNumberOverflowsThenConfigException(String value) {
    assertThatThrownBy(() -> node(Map.of("t", value)).duration("t", Duration.ZERO))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("svc.t: expected a duration");
  }

  @Test
  void integerWhenYamlNumberThenAccepted() {
    assertThat(node(Map.of("n", 42)).integer("n", 0, 0, 100)).isEqualTo(42);
  }

  @ParameterizedTest
  @ValueSource(strings = {"yes", "on", "TRUE"})
  void boolWhenTruthyWordsThenTrue(String value) {
    assertThat(node(Map.of("b", value)).bool("b", false)).isTrue();
  }

  @Test
  void requiredStringWhenMissingThenErrorSaysRequired() {
    assertThatThrownBy(() -> node(Map.of()).requiredString("name"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("svc.name: is required but missing");
  }

  @Test
  void requiredStringWhenBlankThenErrorSaysRequired() {
    assertThatThrownBy(() -> node(Map.of("name", "   ")).requiredString("name"))
        .hasMessage("svc.name: is required but missing");
  }

  @Test
  void stringListWhenScalarThenSingletonList() {
    ConfigNode n = node(Map.of("one", "a", "many", List.of("a", 2)));

    assertThat(n.stringList("one")).containsExactly("a");
    assertThat(n.stringList("many")).containsExactly("a", "2");
    assertThat(n.stringList("none")).isEmpty();
  }

  @Test
  void stringListWhenNestedListThenError() {
    assertThatThrownBy(() -> node(Map.of("l", List.of(List.of("a")))).stringList("l"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("svc.l: expected a list of single values");
  }

  @Test
  void rejectUnknownKeysWhenAllReadThenPasses() {
    ConfigNode n = node(Map.of("a", "1"));
    n.string("a", null);

    n.rejectUnknownKeys();

    assertThat(n.keys()).containsExactly("a");
  }

  @Test
  void rejectUnknownKeysWhenNothingReadThenErrorListsNoKnownKeys() {
    assertThatThrownBy(() -> node(Map.of("a", "1")).rejectUnknownKeys())
        .isInstanceOf(ConfigException.class)
        .hasMessage("svc.a: unknown key; known keys here are []");
  }

  @Test
  void keyOfWhenRootThenKeyAlone() {
    assertThat(ConfigNode.of("", Map.of()).keyOf("server")).isEqualTo("server");
    assertThat(ConfigNode.of("a.b", Map.of()).keyOf("c")).isEqualTo("a.b.c");
  }
}
