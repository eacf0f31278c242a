package eu.panosc.keycloak.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process-crash case of the listener's default durability ({@code fsync-interval-ms} > 0, no flush per record):
 * a child JVM appends records to an outbox that is never forced to disk and reports each append that returned; it is
 * killed with SIGKILL (as {@code kill -9} kills Keycloak) while appending. Reopened, the outbox holds every reported
 * record, in order, each once, with no torn line: what {@code write()} handed to the kernel's page cache outlives
 * the process. (A power loss or OS crash is not simulated here; it can lose what was not forced yet, see the README.)
 */
class OutboxProcessCrashTest {
  private static final String REALM = "crash realm";

  /** The child: appends record 0, 1, 2, ... without ever forcing, printing "appended n" after every 50th. */
  public static void main(String[] args) throws Exception {
    UsageOutbox outbox = new UsageOutbox(Path.of(args[0]), 64L * 1024 * 1024, false);
    for (int i = 0; ; i++) {
      if (!outbox.append(REALM, record(i))) {
        System.out.println("full " + i);
        System.out.flush();
        Thread.sleep(60_000);
        return;
      }
      if ((i + 1) % 50 == 0) {
        System.out.println("appended " + (i + 1));
        System.out.flush();
      }
    }
  }

  private static String record(int i) {
    return "{\"recordId\":\"r-" + i + "\",\"pad\":\"" + "x".repeat(200) + "\"}";
  }

  @Test
  void everyAppendThatReturnedSurvivesAKill9WithoutAFlush(@TempDir Path dir) throws Exception {
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), OutboxProcessCrashTest.class.getName(), dir.toString())
        .redirectErrorStream(true).start();
    int reported = 0;
    List<String> output = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while (reported < 2_000 && (line = out.readLine()) != null) {
        output.add(line);
        if (line.startsWith("appended ")) {
          reported = Integer.parseInt(line.substring("appended ".length()));
        }
      }
      // SIGKILL on Linux, while the child keeps appending: no shutdown hook, no close, no force. It appends more
      // after its last report, so the queue may hold more than reported, never less.
      child.destroyForcibly();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(reported).as("the child's output: %s", output).isGreaterThanOrEqualTo(2_000);
    assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);

    try (UsageOutbox reopened = new UsageOutbox(dir, 64L * 1024 * 1024, false)) {
      assertThat(reopened.realms()).containsExactly(REALM);
      List<String> lines = reopened.queue(REALM).peek(Integer.MAX_VALUE, Integer.MAX_VALUE).lines();
      assertThat(lines.size()).as("records after the kill").isGreaterThanOrEqualTo(reported);
      for (int i = 0; i < lines.size(); i++) {
        assertThat(lines.get(i)).as("record %d", i).isEqualTo(record(i));
      }
    }
  }
}
