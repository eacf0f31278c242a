package eu.panosc.aai.attributes.yaml;

import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class YamlReaderTest {
  private final YamlReader reader = new YamlReader(Map.of("SECRET_SALT", "s3cr3t-value")::get);

  @Test
  void parseWhenMappingThenKeysKeepTheirLines() {
    YNode.Mapping m = reader.parse("f.yaml", "a: 1\n\nb:\n  - x\n  - y\n").mapping("top");

    assertThat(m.keys()).containsExactly("a", "b");
    assertThat(m.keyLine("b")).isEqualTo(3);
    assertThat(m.get("b").texts("b")).containsExactly("x", "y");
  }

  @Test
  void onlyKeysWhenUnknownKeyThenErrorNamesKeyAndLine() {
    YNode.Mapping m = reader.parse("f.yaml", "known: 1\nknwon: 2\n").mapping("top");

    assertThatThrownBy(() -> m.onlyKeys(java.util.Set.of("known"), "section"))
        .isInstanceOf(AttributeConfigException.class)
        .hasMessage("f.yaml line 2: section: unknown key 'knwon'; known keys here are [known]")
        .extracting(e -> ((AttributeConfigException) e).line()).isEqualTo(2);
  }

  @Test
  void parseWhenKeyTwiceThenErrorNamesBothLines() {
    assertThatThrownBy(() -> reader.parse("f.yaml", "a: 1\nb: 2\na: 3\n"))
        .hasMessageContaining("f.yaml line 3").hasMessageContaining("'a' appears twice (first on line 1)");
  }

  @Test
  void parseWhenEnvTagThenValueFromEnvironment() {
    YNode.Mapping m = reader.parse("f.yaml", "salt: !ENV SECRET_SALT\n").mapping("top");

    assertThat(m.get("salt").text("salt")).isEqualTo("s3cr3t-value");
  }

  @Test
  void parseWhenEnvVariableUnsetThenErrorNamesVariableOnly() {
    assertThatThrownBy(() -> reader.parse("f.yaml", "x: 1\nsalt: !ENV NOT_SET\n"))
        .isInstanceOf(AttributeConfigException.class)
        .hasMessage("f.yaml line 2: !ENV NOT_SET: the environment variable NOT_SET is not set");
  }

  @Test
  void parseWhenOtherTagThenRefused() {
    assertThatThrownBy(() -> reader.parse("f.yaml", "a: !!python/object:os.system x\n"))
        .isInstanceOf(AttributeConfigException.class).hasMessageContaining("f.yaml line 1");
    assertThatThrownBy(() -> reader.parse("f.yaml", "a: 1\nb: !INCLUDE other.yaml\n"))
        .hasMessage("f.yaml line 2: unsupported YAML tag !INCLUDE (only !ENV is known)");
  }

  @Test
  void parseWhenNotYamlThenErrorWithLine() {
    assertThatThrownBy(() -> reader.parse("f.yaml", "a: [1, 2\nb: 3\n"))
        .isInstanceOf(AttributeConfigException.class).hasMessageContaining("is not valid YAML");
  }

  @Test
  void parseWhenEmptyThenError() {
    assertThatThrownBy(() -> reader.parse("f.yaml", "# nothing\n")).hasMessage("f.yaml: is empty");
  }

  @Test
  void parseWhenJsonThenSameTree() {
    YNode.Mapping m = reader.parse("f.json", "{\"identifier\": \"x\", \"fro\": {\"a\": \"b\"}}").mapping("top");

    assertThat(m.get("fro").mapping("fro").get("a").text("a")).isEqualTo("b");
  }

  @Test
  void boolWhenYamlWordsThenRead() {
    YNode.Mapping m = reader.parse("f.yaml", "a: yes\nb: no\nc: maybe\n").mapping("top");

    assertThat(m.get("a").bool("a")).isTrue();
    assertThat(m.get("b").bool("b")).isFalse();
    assertThatThrownBy(() -> m.get("c").bool("c")).hasMessageContaining("line 3").hasMessageContaining("maybe");
  }
}
