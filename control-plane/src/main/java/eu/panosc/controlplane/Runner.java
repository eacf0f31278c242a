package eu.panosc.controlplane;

import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.PanoscConfig;
import eu.panosc.platform.demo.DemoFederation;
import eu.panosc.platform.logging.Logging;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.service.ServiceModule;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Starts modules in this process, prints where they are, and stops gracefully on SIGTERM/SIGINT. */
final class Runner {
  private Runner() {}

  static int run(RuntimeOptions options, Function<PanoscConfig, List<ServiceModule>> select,
      PrintWriter out, PrintWriter err) {
    PanoscConfig config;
    List<ServiceModule> modules;
    try {
      config = options.load(System.getenv());
      Logging.configure(config.logging());
      modules = select.apply(config);
      Platform.checkConfig(config, modules);
    } catch (ConfigException | IllegalArgumentException e) {
      err.println("panosc: configuration error: " + e.getMessage());
      err.flush();
      return PanoscCommand.EXIT_CONFIG;
    }
    Platform platform;
    try {
      platform = Platform.start(config, modules, Clock.systemUTC())
          .get(5, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      err.println("panosc: could not start: " + oneLine(e.getCause()));
      err.flush();
      return PanoscCommand.EXIT_STARTUP;
    } catch (Exception e) {
      err.println("panosc: could not start: " + oneLine(e));
      err.flush();
      return PanoscCommand.EXIT_STARTUP;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        platform.stop()
            .get(config.server().shutdownGrace().toSeconds() + 30, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("panosc: unclean shutdown: " + oneLine(e));
      } finally {
        stopped.countDown();
      }
    }, "panosc-shutdown"));
    banner(out, platform, modules, config);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private static void banner(PrintWriter out, Platform platform, List<ServiceModule> modules, PanoscConfig config) {
    out.println("PaNOSC control plane ready (" + (config.demo() ? "demo federation" : "no demo data") + ")");
    for (ServiceModule m : modules) {
      out.printf("  %-11s %s%s   (%s)%n", m.name(), platform.baseUrl(), m.mountPath(), m.title());
    }
    out.println("  metrics     " + platform.baseUrl() + "/metrics");
    out.println("  data        " + config.dataDir().toAbsolutePath().normalize()
        + (config.database().embedded() ? " (embedded PostgreSQL)" : ""));
    if (config.demo()) {
      demoLines(modules).forEach(out::println);
    }
    out.println("Stop with Ctrl-C (graceful).");
    out.flush();
  }

  /**
   * What the banner says of the demo federation: its users and client secrets only where this process serves the
   * aai-broker (they are its credentials); otherwise one line saying where they are.
   */
  static List<String> demoLines(List<ServiceModule> modules) {
    List<String> lines = new java.util.ArrayList<>();
    if (modules.stream().noneMatch(m -> m.name().equals("aai"))) {
      lines.add("Demo federation data loaded for " + String.join(", ", modules.stream().map(ServiceModule::name).toList())
          + "; its sign-in credentials belong to the aai-broker (panosc demo-info).");
      return lines;
    }
    JsonObject demo = DemoFederation.fixture();
    lines.add("Demo credentials (public; refused without --demo):");
    demo.getJsonArray("users").forEach(u -> {
      JsonObject user = (JsonObject) u;
      lines.add(String.format("  user   %-16s password %-22s %s", user.getString("username"), user.getString("password"),
          user.getString("description")));
    });
    demo.getJsonArray("clients").forEach(c -> {
      JsonObject client = (JsonObject) c;
      if (client.getString("secret") != null) {
        lines.add(String.format("  client %-16s secret   %-28s scopes %s", client.getString("clientId"),
            client.getString("secret"), String.join(" ", client.getJsonArray("scopes").stream()
                .map(String::valueOf).toList())));
      }
    });
    lines.add("  everything: panosc demo-info --json");
    return lines;
  }

  static String oneLine(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && (t.getMessage() == null || t instanceof ExecutionException
        || t instanceof java.util.concurrent.CompletionException)) {
      t = t.getCause();
    }
    String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return msg.replace('\n', ' ');
  }
}
