package eu.panosc.platform.service;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.testing.ItemsModule;
import eu.panosc.platform.testing.PlatformLauncher;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** While modules are mounted one after the other, the mounted ones answer and every other path is 503. */
class StartupGateIT {
  @TempDir
  Path dir;

  /** Mounted second: asks the server, while it mounts, what the first module and the rest answer. */
  static final class ProbeModule implements ServiceModule {
    final Map<String, Integer> seen = new ConcurrentHashMap<>();

    @Override
    public String name() {
      return "probe";
    }

    @Override
    public String title() {
      return "asks the server during start-up";
    }

    @Override
    public String openApiResource() {
      return "openapi/items.yaml";
    }

    @Override
    public Future<Void> mount(Router router, ServiceContext context) {
      WebClient web = WebClient.create(context.vertx());
      Future<Void> all = Future.succeededFuture();
      for (String path : List.of("/items/health/live", "/probe/health/live", "/", "/metrics")) {
        all = all.compose(v -> web.getAbs(context.publicRoot() + path).send()
            .map(r -> {
              seen.put(path, r.statusCode());
              return null;
            }));
      }
      return all.onComplete(ar -> web.close());
    }
  }

  @Test
  void startWhenLaterModuleMountingThenEarlierModuleAnswersAndOtherPaths503() throws Exception {
    ProbeModule probe = new ProbeModule();
    Platform platform = PlatformLauncher.start(dir, List.of(new ItemsModule(), probe), false, Map.of(),
        Clock.systemUTC());
    try {
      assertThat(probe.seen).containsEntry("/items/health/live", 200).containsEntry("/probe/health/live", 503)
          .containsEntry("/", 503).containsEntry("/metrics", 503);
      assertThat(eu.panosc.platform.testing.Http.get(platform.baseUrl() + "/probe/health/live").statusCode())
          .isEqualTo(200);
      assertThat(eu.panosc.platform.testing.Http.get(platform.baseUrl() + "/metrics").statusCode()).isEqualTo(200);
    } finally {
      platform.stop().get(60, TimeUnit.SECONDS);
    }
  }
}
