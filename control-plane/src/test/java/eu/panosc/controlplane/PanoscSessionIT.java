package eu.panosc.controlplane;

import static eu.panosc.controlplane.Cli.panosc;
import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.AaiApplication;
import eu.panosc.broker.BrokerApplication;
import eu.panosc.controlplane.Cli.Run;
import eu.panosc.pdp.PdpApplication;
import eu.panosc.registry.RegistryApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code panosc session create|list|stop} against the real broker in demo mode with the real aai-broker, registry
 * and PDP (as under {@code panosc up --demo}); the user's token is {@code panosc token --audience <base>/broker}'s,
 * given with --token or read from a tokens file as {@code panosc login} saves it.
 */
class PanoscSessionIT {
  static final String EMBARGOED = "10.15151/ESRF-DC-2415001";
  @RegisterExtension
  static final DemoStack STACK = new DemoStack(RegistryApplication::new, AaiApplication::new, PdpApplication::new,
      BrokerApplication::new);
  static Path dataDir;
  static String base;

  @BeforeAll
  static void start() {
    base = STACK.base();
    dataDir = STACK.dataDir();
  }

  @Test
  void sessionWhenCreatedListedAndStoppedThenEachPrintsItAndRefusalsHaveExitCodes() throws Exception {
    Run token = panosc("token", "--user", "alice", "--audience", base + "/broker", "--url", base);
    assertThat(token.exit()).as(token.err()).isZero();
    String alice = token.out().trim();

    Run created = panosc("session", "create", "--image", "jupyter", "--flavour", "small", "--dataset", EMBARGOED,
        "--proposal", "esrf:MX-2415", "--url", base, "--token", alice);
    // a panosc-cli token carries no facility entitlements: the proposal cannot be charged (403 → exit 4)
    assertThat(created.exit()).as(created.err()).isEqualTo(SessionCommand.EXIT_REFUSED);
    assertThat(created.err()).contains("403").contains("esrf:MX-2415");

    created = panosc("session", "create", "--image", "jupyter", "--flavour", "small", "--dataset", EMBARGOED,
        "--url", base, "--token", alice);
    assertThat(created.exit()).as(created.err()).isZero();
    String[] lines = created.out().split("\n");
    String id = lines[0].split("\t")[0];
    assertThat(lines[0]).contains("jupyter/small").containsAnyOf("STARTING", "RUNNING");
    assertThat(lines[1]).startsWith("accessSecret\t").hasSizeGreaterThan(30);

    // list, with the token read from a file as `panosc login` saves it
    Path tokens = dataDir.resolve("tokens.json");
    Files.writeString(tokens, "{\"access_token\":\"" + alice + "\"}");
    Run listed = panosc("session", "list", "--url", base, "--tokens-file", tokens.toString());
    assertThat(listed.exit()).as(listed.err()).isZero();
    assertThat(listed.out()).contains(id).contains("local");

    Run stopped = panosc("session", "stop", id, "--url", base, "--token", alice);
    assertThat(stopped.exit()).as(stopped.err()).isZero();
    assertThat(stopped.out()).startsWith(id).containsAnyOf("STOPPED", "STOPPING");

    Run badFlavour = panosc("session", "create", "--image", "jupyter", "--flavour", "huge", "--url", base,
        "--token", alice);
    assertThat(badFlavour.exit()).isEqualTo(SessionCommand.EXIT_BAD_REQUEST);
    assertThat(badFlavour.err()).contains("unknown flavour 'huge'").contains("/flavour");

    Run badToken = panosc("session", "list", "--url", base, "--token", "not-a-token");
    assertThat(badToken.exit()).isEqualTo(SessionCommand.EXIT_UNAUTHORIZED);
    assertThat(badToken.err()).contains("401").contains("panosc login --resource " + base + "/broker");

    Run notSignedIn = panosc("session", "list", "--url", base, "--tokens-file", dataDir.resolve("none.json").toString());
    assertThat(notSignedIn.exit()).isEqualTo(SessionCommand.EXIT_UNAUTHORIZED);
    assertThat(notSignedIn.err()).contains("not signed in");

    Run other = panosc("session", "stop", id, "--url", base, "--token", panosc("token", "--user", "dave",
        "--audience", base + "/broker", "--url", base).out().trim());
    assertThat(other.exit()).isEqualTo(SessionCommand.EXIT_REFUSED);
    assertThat(other.err()).contains("404");

    Run unreachable = panosc("session", "list", "--url", "http://127.0.0.1:1", "--token", alice);
    assertThat(unreachable.exit()).isEqualTo(SessionCommand.EXIT_FAILED);
    assertThat(unreachable.err()).contains("cannot reach the control plane at http://127.0.0.1:1");
  }
}
