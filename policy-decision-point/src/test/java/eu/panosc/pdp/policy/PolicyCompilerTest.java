package eu.panosc.pdp.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.pdp.engine.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyCompilerTest {
  private static final RelationFunctions NONE = new RelationFunctions() {
    @Override
    public String member(Map<?, ?> subject, Map<?, ?> resource) {
      return "";
    }

    @Override
    public List<String> staff(Map<?, ?> subject, String facility) {
      return List.of();
    }
  };
  private final PolicyCompiler compiler = new PolicyCompiler(NONE);

  private static String policy(String when) {
    return """
        name: test
        facility: esrf
        rules:
          - id: r1
            actions: [read]
            when: resource.public
          - id: r2
            actions: [read]
            when: %s
        """.formatted(when);
  }

  @Test
  void compileWhenBuiltInDefaultThenSixRules() throws Exception {
    Policy p = compiler.compile("default.yaml", PolicyRegistry.builtInDefault(), 1);
    assertThat(p.rules()).hasSize(6);
    assertThat(p.actions()).containsExactly("read", "download", "analyse", "annotate", "publish");
    assertThat(p.label()).isEqualTo("panosc-data@v1");
  }

  @Test
  void compileWhenCelSyntaxErrorThenFileLineAndReason() {
    assertThatThrownBy(() -> compiler.compile("esrf.yaml", policy("resource.public &&"), 0))
        .isInstanceOfSatisfying(PolicyException.class, e -> {
          assertThat(e.file()).isEqualTo("esrf.yaml");
          assertThat(e.line()).isEqualTo(9);
          assertThat(e.reason()).contains("r2");
        });
  }

  @Test
  void compileWhenCelErrorOnSecondLineOfBlockScalarThenThatLine() {
    String source = """
        name: test
        rules:
          - id: r1
            when: |
              resource.public ||
              nope.x
        """;
    assertThatThrownBy(() -> compiler.compile("x.yaml", source, 0))
        .isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.line()).isEqualTo(6));
  }

  @Test
  void compileWhenTypeErrorThenRefused() {
    assertThatThrownBy(() -> compiler.compile("esrf.yaml", policy("member(subject, resource) == 1"), 0))
        .isInstanceOfSatisfying(PolicyException.class, e -> {
          assertThat(e.line()).isEqualTo(9);
          assertThat(e.reason()).containsIgnoringCase("overload");
        });
  }

  @Test
  void compileWhenUnknownVariableThenRefused() {
    assertThatThrownBy(() -> compiler.compile("esrf.yaml", policy("user.admin"), 0))
        .isInstanceOfSatisfying(PolicyException.class, e -> {
          assertThat(e.line()).isEqualTo(9);
          assertThat(e.reason()).contains("undeclared reference to 'user'");
        });
  }

  @Test
  void compileWhenConditionNotBoolThenRefused() {
    assertThatThrownBy(() -> compiler.compile("esrf.yaml", policy("member(subject, resource)"), 0))
        .isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.reason()).contains("must be a bool"));
  }

  @Test
  void compileWhenYamlSyntaxErrorThenLine() {
    String source = "name: test\nrules:\n  - id: r1\n    when: [unclosed\n";
    assertThatThrownBy(() -> compiler.compile("bad.yaml", source, 0))
        .isInstanceOfSatisfying(PolicyException.class, e -> {
          assertThat(e.line()).isGreaterThanOrEqualTo(4);
          assertThat(e.reason()).startsWith("YAML syntax error");
        });
  }

  @Test
  void compileWhenUnknownKeyThenLine() {
    assertThatThrownBy(() -> compiler.compile("x.yaml", "name: test\nrulez: []\n", 0))
        .isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.line()).isEqualTo(2));
  }

  @Test
  void submitWhenInvalidThenPreviousVersionStaysActive() {
    Fixtures.World world = Fixtures.world();
    PolicyRegistry registry = world.registry();
    assertThat(registry.forFacility("esrf").label()).isEqualTo("panosc-data@v1");
    var failed = registry.submit("default.yaml", PolicyRegistry.builtInDefault().replace("resource.public",
        "resource.public +"));
    assertThat(failed.failed()).isTrue();
    assertThat(failed.cause()).isInstanceOf(PolicyException.class);
    assertThat(registry.forFacility("esrf").label()).isEqualTo("panosc-data@v1");
    assertThat(world.engine().decide(Fixtures.request("outsider", "read", "esrf/public")).permit()).isTrue();

    var ok = registry.submit("esrf.yaml", """
        name: esrf-closed
        facility: esrf
        rules:
          - id: nobody
            when: "false"
        """);
    assertThat(ok.succeeded()).isTrue();
    assertThat(registry.forFacility("esrf").label()).isEqualTo("esrf-closed@v1");
    assertThat(registry.forFacility("ill").label()).isEqualTo("panosc-data@v1");
    assertThat(world.engine().decide(Fixtures.request("outsider", "read", "esrf/public")).permit()).isFalse();
    assertThat(world.engine().decide(Fixtures.request("outsider", "read", "ill/public")).permit()).isTrue();
  }
}
