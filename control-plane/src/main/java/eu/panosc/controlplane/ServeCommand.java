package eu.panosc.controlplane;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code panosc serve <service>}: one service per process, as the Helm chart runs it. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run one service in this process (registry, aai, pdp, broker or accounting).")
final class ServeCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SERVICE", description = "registry, aai, pdp, broker or accounting")
  String service;

  @Mixin
  RuntimeOptions options = new RuntimeOptions();

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    return Runner.run(options, config -> List.of(Modules.named(service)), spec.commandLine().getOut(),
        spec.commandLine().getErr());
  }
}
