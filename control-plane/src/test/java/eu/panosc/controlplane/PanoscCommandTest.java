package eu.panosc.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.service.ServiceModule;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PanoscCommandTest {
  record Result(int exit, String out, String err) {}

  static Result run(String... args) {
    CommandLine cmd = PanoscCommand.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  @Test
  void demoInfoWhenJsonThenWholeFixtureWithDocumentedIdentifiers() {
    Result r = run("demo-info", "--json");
    assertThat(r.exit()).isZero();
    JsonObject demo = new JsonObject(r.out());
    assertThat(demo.getJsonArray("users").stream().map(u -> ((JsonObject) u).getString("username")))
        .containsExactly("alice", "bob", "carol", "dave");
    assertThat(demo.getJsonArray("facilities").stream().map(f -> ((JsonObject) f).getString("id")))
        .containsExactly("esrf", "ill", "ess", "euxfel", "eli", "ceric");
    assertThat(demo.getJsonArray("clusters").stream().map(c -> ((JsonObject) c).getString("id")))
        .contains("esrf-k8s", "ill-k8s", "ess-k8s", "euxfel-k8s", "eli-k8s", "ceric-k8s", "eosc-cloud");
    JsonArray clients = demo.getJsonArray("clients");
    assertThat(clients.stream().map(c -> (JsonObject) c)
        .filter(c -> !"public".equals(c.getString("type"))).allMatch(c -> c.getString("secret") != null)).isTrue();
    assertThat(demo.getJsonArray("datasets").stream().map(d -> ((JsonObject) d).getString("state")))
        .anyMatch(s -> s.startsWith("embargoed")).anyMatch(s -> s.startsWith("released"))
        .anyMatch(s -> s.startsWith("public"));
  }

  @Test
  void demoInfoWhenJsonThenEveryReferenceResolves() {
    JsonObject demo = new JsonObject(run("demo-info", "--json").out());
    List<String> users = demo.getJsonArray("users").stream().map(u -> ((JsonObject) u).getString("id")).toList();
    List<String> proposals = demo.getJsonArray("proposals").stream().map(p -> ((JsonObject) p).getString("id")).toList();
    List<String> facilities = demo.getJsonArray("facilities").stream().map(f -> ((JsonObject) f).getString("id")).toList();
    demo.getJsonArray("proposals").forEach(p -> {
      JsonObject proposal = (JsonObject) p;
      assertThat(facilities).contains(proposal.getString("facility"));
      proposal.getJsonArray("members").forEach(m -> assertThat(users).contains(((JsonObject) m).getString("user")));
    });
    demo.getJsonArray("datasets").forEach(d -> {
      assertThat(proposals).contains(((JsonObject) d).getString("proposal"));
      assertThat(facilities).contains(((JsonObject) d).getString("facility"));
    });
  }

  @Test
  void demoInfoWhenTextThenHumanReadableSections() {
    Result r = run("demo-info");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Users:").contains("alice / alice-demo-pw").contains("Clusters:");
  }

  @Test
  void versionWhenCalledThenVersionAndJava() {
    Result r = run("version");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).containsPattern("panosc \\d+\\.\\d+\\.\\d+").contains("Java ");
  }

  @Test
  void upWhenPortNotANumberThenUsageError() {
    Result r = run("up", "--port", "abc");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--port").contains("abc");
  }

  @Test
  void upWhenConfigHasUnknownKeyThenConfigErrorNamingIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("panosc.yaml");
    Files.writeString(file, "server:\n  prot: 9090\n");
    Result r = run("up", "--config", file.toString(), "--data-dir", dir.toString());
    assertThat(r.exit()).isEqualTo(PanoscCommand.EXIT_CONFIG);
    assertThat(r.err()).contains("configuration error").contains("server.prot").contains("unknown key");
  }

  @Test
  void upWhenServiceSectionHasTypoOrBadValueThenConfigErrorBeforeAnythingStarts(@TempDir Path dir) throws Exception {
    Path typo = Files.writeString(dir.resolve("typo.yaml"), "services:\n  aai:\n    accesTokenLifetime: 5m\n");
    Result r = run("up", "--config", typo.toString(), "--data-dir", dir.resolve("var").toString());
    assertThat(r.exit()).isEqualTo(PanoscCommand.EXIT_CONFIG);
    assertThat(r.err().strip()).doesNotContain("\n").contains("configuration error").contains("accesTokenLifetime");

    Path bad = Files.writeString(dir.resolve("bad.yaml"), "services:\n  pdp:\n    decisionLog:\n      enabled: maybe\n");
    r = run("up", "--config", bad.toString(), "--data-dir", dir.resolve("var").toString());
    assertThat(r.exit()).isEqualTo(PanoscCommand.EXIT_CONFIG);
    assertThat(r.err()).contains("configuration error").contains("services.pdp");
    assertThat(dir.resolve("var").resolve("postgres")).as("nothing started").doesNotExist();

    Path registry = Files.writeString(dir.resolve("registry.yaml"),
        "services:\n  registry:\n    samlSigningKeys: /etc/key.pem\n");
    r = run("up", "--config", registry.toString(), "--data-dir", dir.resolve("var").toString());
    assertThat(r.exit()).isEqualTo(PanoscCommand.EXIT_CONFIG);
    assertThat(r.err()).contains("services.registry.samlSigningKeys").contains("unknown key");

    Path half = Files.writeString(dir.resolve("half.yaml"), "services:\n  registry:\n    samlSigningKey: /etc/key.pem\n");
    r = run("up", "--config", half.toString(), "--data-dir", dir.resolve("var").toString());
    assertThat(r.exit()).isEqualTo(PanoscCommand.EXIT_CONFIG);
    assertThat(r.err()).contains("must be given together");

    Path missing = Files.writeString(dir.resolve("missing.yaml"), "services:\n  registry:\n    samlSigningKey: "
        + dir.resolve("no-key.pem") + "\n    samlSigningCertificate: " + dir.resolve("no-cert.pem") + "\n");
    r = run("up", "--config", missing.toString(), "--data-dir", dir.resolve("var").toString());
    assertThat(r.exit()).isEqualTo(PanoscCommand.EXIT_CONFIG);
    assertThat(r.err().strip()).doesNotContain("\n").contains("services.registry.samlSigningKey");
  }

  @Test
  void demoLinesWhenAaiNotServedThenNoCredentialsOnlyWhereTheyAre() {
    var all = Modules.all();
    var pdpOnly = all.stream().filter(m -> m.name().equals("pdp")).toList();

    assertThat(Runner.demoLines(pdpOnly)).singleElement().asString().contains("pdp").contains("panosc demo-info")
        .doesNotContain("password");
    assertThat(String.join("\n", Runner.demoLines(all))).contains("user   alice").contains("secret");
  }

  @Test
  void serveWhenUnknownServiceThenConfigErrorListingServices(@TempDir Path dir) {
    Result r = run("serve", "nosuch", "--data-dir", dir.toString());
    assertThat(r.exit()).isEqualTo(PanoscCommand.EXIT_CONFIG);
    assertThat(r.err()).contains("unknown service 'nosuch'").contains("registry, aai, pdp, broker, accounting");
  }

  @Test
  void upWhenDataDirIsAFileThenConfigErrorSayingSo(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    Result r = run("up", "--data-dir", file.toString());
    assertThat(r.exit()).isEqualTo(PanoscCommand.EXIT_CONFIG);
    assertThat(r.err().strip()).doesNotContain("\n")
        .isEqualTo("panosc: configuration error: dataDir: " + file.toAbsolutePath() + " is a file, not a directory");
  }

  @Test
  void migrateWhenDataDirBelowAFileThenConfigErrorNamingTheFile(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    Result r = run("migrate", "--data-dir", file.resolve("var").toString());
    assertThat(r.exit()).isEqualTo(PanoscCommand.EXIT_CONFIG);
    assertThat(r.err()).contains("cannot create " + file.resolve("var").toAbsolutePath())
        .contains(file.toAbsolutePath() + " is a file, not a directory");
  }

  @Test
  void tokenAndLoginWhenPanoscUrlSetThenItIsTheDefaultUrl() {
    String before = System.getProperty("PANOSC_URL");
    // picocli reads ${PANOSC_URL} from a system property first, then from the environment
    System.setProperty("PANOSC_URL", "http://cp.example:9999");
    try {
      CommandLine.ParseResult token = PanoscCommand.newCommandLine().parseArgs("token", "--user", "alice");
      assertThat(((TokenCommand) token.subcommand().commandSpec().userObject()).url).isEqualTo("http://cp.example:9999");
      CommandLine.ParseResult login = PanoscCommand.newCommandLine().parseArgs("login");
      assertThat(((LoginCommand) login.subcommand().commandSpec().userObject()).url).isEqualTo("http://cp.example:9999");
      CommandLine.ParseResult explicit = PanoscCommand.newCommandLine()
          .parseArgs("token", "--user", "alice", "--url", "http://other:1");
      assertThat(((TokenCommand) explicit.subcommand().commandSpec().userObject()).url).isEqualTo("http://other:1");
    } finally {
      if (before == null) {
        System.clearProperty("PANOSC_URL");
      } else {
        System.setProperty("PANOSC_URL", before);
      }
    }
  }

  @Test
  void tokenWhenPanoscUrlUnsetThenLocalhost8080() {
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("PANOSC_URL") == null
        && System.getProperty("PANOSC_URL") == null);
    CommandLine.ParseResult token = PanoscCommand.newCommandLine().parseArgs("token", "--user", "alice");
    assertThat(((TokenCommand) token.subcommand().commandSpec().userObject()).url).isEqualTo("http://localhost:8080");
  }

  @Test
  void modulesWhenLoadedThenAllFiveInStartOrder() {
    assertThat(Modules.all().stream().map(ServiceModule::name))
        .containsExactly("registry", "aai", "pdp", "broker", "accounting");
    assertThat(Modules.all().stream().map(ServiceModule::mountPath))
        .containsExactly("/registry", "/aai", "/pdp", "/broker", "/accounting");
  }
}
