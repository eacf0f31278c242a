package eu.panosc.controlplane;

import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.PanoscConfig;
import eu.panosc.platform.logging.Logging;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.service.ServiceModule;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code panosc migrate}: applies every service's schema migrations, then exits. */
@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = "Apply every service's database migrations and exit (e.g. as a Kubernetes Job before a rollout).")
final class MigrateCommand implements Callable<Integer> {
  @Mixin
  RuntimeOptions options = new RuntimeOptions();

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PanoscConfig config;
    try {
      config = options.load(System.getenv());
      Logging.configure(config.logging());
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("panosc: configuration error: " + e.getMessage());
      return PanoscCommand.EXIT_CONFIG;
    }
    try {
      Platform.migrate(config, Modules.all());
    } catch (RuntimeException e) {
      spec.commandLine().getErr().println("panosc: migration failed: " + Runner.oneLine(e));
      return PanoscCommand.EXIT_STARTUP;
    }
    spec.commandLine().getOut().println("migrated: " + String.join(", ",
        Modules.all().stream().map(ServiceModule::schema).toList()));
    return 0;
  }
}
