package eu.panosc.pdp.admin;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.pdp.PdpPlatform;
import eu.panosc.pdp.store.PgPdpStore;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.LocalIssuer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ingest whose whole body (and its end) arrives while the request is paused for token validation: the
 * PDP's first request waits for the issuer's slow JWKS. Every line must be written before the 200. (Vert.x's
 * RecordParser, used before, read only the first line of a body delivered whole on resume and answered 200;
 * whether Vert.x delivers it so depends on timing, which {@code LineReaderTest} pins down deterministically.)
 */
class IngestPausedBodyIT {
  @TempDir
  static Path dataDir;
  static LocalIssuer issuer;
  static Platform platform;

  @BeforeAll
  static void start() throws Exception {
    issuer = LocalIssuer.start(Duration.ofMillis(500));
    platform = PdpPlatform.start(dataDir, issuer, false, Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    platform.stop().get();
    issuer.close();
  }

  @Test
  void ingestWhenBodyArrivesWholeWhileAuthenticationWaitsThenEveryLineWrittenBeforeTheAnswer() throws Exception {
    PdpPlatform.Client admin = PdpPlatform.Client.of(platform, issuer, "pdp:admin");
    HttpResponse<String> r = admin.ndjson(IngestIT.export("paused", 20));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject summary = new JsonObject(r.body());
    assertThat(summary.getLong("changes")).isEqualTo(24);
    PgPdpStore store = new PgPdpStore(platform.database().pool(platform.vertx(), "pdp"));
    long stored = store.snapshot().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).datasets()
        .stream().filter(d -> d.pid().startsWith("paused/")).count();
    assertThat(stored).isEqualTo(20);
    assertThat(admin.get("/v1/datasets/paused/ds-19").statusCode()).isEqualTo(200);
  }
}
