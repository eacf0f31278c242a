package eu.panosc.controlplane;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code panosc} command: runs the control plane, one service, migrations, or shows the demo. */
@Command(name = "panosc", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
    description = "PaNOSC control plane: single sign-on, per-facility tokens, dataset access decisions, "
        + "analysis sessions and usage accounting for photon and neutron facilities.",
    subcommands = {UpCommand.class, ServeCommand.class, MigrateCommand.class, VersionCommand.class,
        DemoInfoCommand.class, TokenCommand.class, LoginCommand.class, ReportCommand.class,
        SessionCommand.class, MeshCommand.class,
        CommandLine.HelpCommand.class})
public final class PanoscCommand {
  /** Exit code for configuration errors. */
  static final int EXIT_CONFIG = 2;
  /** Exit code for start-up failures (port in use, database unreachable, ...). */
  static final int EXIT_STARTUP = 1;

  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  static CommandLine newCommandLine() {
    return new CommandLine(new PanoscCommand());
  }
}
