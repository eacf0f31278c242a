package eu.panosc.controlplane;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code panosc up}: every service in one JVM on one port. */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = "Run every service in this process on one port, mounted at /registry, /aai, /pdp, /broker "
        + "and /accounting.")
final class UpCommand implements Callable<Integer> {
  @Mixin
  RuntimeOptions options = new RuntimeOptions();

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    return Runner.run(options, config -> Modules.all(), spec.commandLine().getOut(), spec.commandLine().getErr());
  }
}
