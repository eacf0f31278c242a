package eu.panosc.broker.driver.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The activity agent sidecar's command ({@link SessionObjects#AGENT_COMMAND}) run for real with {@code /bin/sh} in an
 * "image" without {@code python3} (a PATH holding only {@code sleep}): it says why there are no reports and waits,
 * so the container neither exits nor is restarted (which would keep the Pod from being Ready), and SIGTERM ends it
 * with status 0.
 */
class AgentCommandTest {
  @TempDir
  Path work;

  @Test
  void agentCommandWhenTheImageHasNoPython3ThenItSaysSoWaitsAndSigtermEndsItWithZero() throws Exception {
    Path bin = Files.createDirectory(work.resolve("bin"));
    Path sleep = Path.of("/usr/bin/sleep");
    Files.createSymbolicLink(bin.resolve("sleep"), Files.exists(sleep) ? sleep : Path.of("/bin/sleep"));
    Path log = work.resolve("sidecar.log");
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", SessionObjects.AGENT_COMMAND).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().clear();
    pb.environment().put("PATH", bin.toString());
    Process p = pb.start();
    try {
      long end = System.nanoTime() + 10_000_000_000L;
      while (!Files.readString(log, StandardCharsets.UTF_8).contains("no python3") && System.nanoTime() < end) {
        Thread.sleep(50);
      }
      assertThat(Files.readString(log, StandardCharsets.UTF_8))
          .isEqualTo("panosc-activity-agent: this image has no python3, so no activity reports\n");
      // still waiting a second later: not exited, so not restarted
      assertThat(p.waitFor(1, TimeUnit.SECONDS)).isFalse();
      p.destroy();
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("ended within 10 s of SIGTERM").isTrue();
      assertThat(p.exitValue()).isZero();
    } finally {
      p.destroyForcibly();
    }
  }
}
