package eu.panosc.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** A fixture, no tests of its own: runs the {@code panosc} command in this JVM as a person would type it. */
final class Cli {
  private Cli() {}

  /** Its exit status, and what it printed on standard output and error (each without surrounding white space). */
  record Run(int exit, String out, String err) {}

  static Run panosc(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = PanoscCommand.newCommandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString().trim(), err.toString().trim());
  }

  /** {@code panosc token} of demo {@code user} for {@code audience} at {@code base}: the access token it printed. */
  static String token(String base, String user, String audience) {
    Run run = panosc("token", "--user", user, "--audience", audience, "--url", base);
    assertThat(run.exit()).as(run.err()).isZero();
    return run.out();
  }
}
