package eu.panosc.controlplane;

import static eu.panosc.controlplane.Cli.panosc;
import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.AaiApplication;
import eu.panosc.controlplane.Cli.Run;
import eu.panosc.platform.testing.Http;
import eu.panosc.registry.RegistryApplication;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code panosc token} against a running registry and aai-broker in demo mode (embedded PostgreSQL). */
class PanoscTokenIT {

  @RegisterExtension
  static final DemoStack STACK = new DemoStack(RegistryApplication::new, AaiApplication::new);
  static String base;

  @BeforeAll
  static void start() {
    base = STACK.base();
  }

  static JsonObject payload(String jwt) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  @Test
  void tokenWhenDemoUserAndPublicClientThenPrintsAnAccessTokenForThem() {
    Run run = panosc("token", "--user", "alice", "--client", "panosc-cli", "--url", base);
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).doesNotContain("\n").matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    JsonObject claims = payload(run.out());
    assertThat(claims.getString("client_id")).isEqualTo("panosc-cli");
    assertThat(claims.getString("iss")).isEqualTo(base + "/aai");
    var info = Http.getAuthorized(base + "/aai/userinfo", run.out());
    assertThat(info.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(info.body()).getString("name")).isEqualTo("Alice Martin");
    assertThat(new JsonObject(info.body()).getString("sub")).isEqualTo(claims.getString("sub"));
  }

  @Test
  void tokenWhenConfidentialClientAndAudienceThenTokenForThatAudience() {
    Run run = panosc("token", "--user", "bob", "--client", "scicat-esrf", "--audience", "https://scicat.esrf.demo",
        "--url", base);
    assertThat(run.exit()).as(run.err()).isZero();
    JsonObject claims = payload(run.out());
    assertThat(claims.getValue("aud").toString()).contains("https://scicat.esrf.demo");
    assertThat(claims.getString("client_id")).isEqualTo("scicat-esrf");
    assertThat(claims.getString("sub")).isNotEqualTo("bob@demo.panosc.eu");
  }

  @Test
  void tokenWhenInputWrongThenOneLineErrors() {
    Run unknownUser = panosc("token", "--user", "mallory", "--url", base);
    assertThat(unknownUser.exit()).isEqualTo(1);
    assertThat(unknownUser.err()).startsWith("panosc: no demo user mallory").doesNotContain("\n");
    Run badAudience = panosc("token", "--user", "alice", "--audience", "https://elsewhere.example", "--url", base);
    assertThat(badAudience.exit()).isEqualTo(1);
    assertThat(badAudience.err()).startsWith("panosc: authorization failed: invalid_target").doesNotContain("\n");
    Run down = panosc("token", "--user", "alice", "--url", "http://127.0.0.1:" + Http.freePort());
    assertThat(down.exit()).isEqualTo(1);
    assertThat(down.err()).startsWith("panosc: cannot reach the control plane").doesNotContain("\n");
  }
}
