package eu.panosc.platform.demo;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The demo federation: fixed, documented identifiers (see {@code docs/demo.md}) that services load
 * when started with {@code --demo} and that tests and examples rely on. Its credentials are public
 * and therefore refused outside demo mode.
 */
public final class DemoFederation {
  public static final String RESOURCE = "eu/panosc/platform/demo/demo-federation.json";

  private static final JsonObject FIXTURE = load();

  private DemoFederation() {}

  /** A copy of the whole fixture: facilities, users, clients, proposals, datasets, clusters. */
  public static JsonObject fixture() {
    return FIXTURE.copy();
  }

  private static JsonObject load() {
    try (InputStream in = DemoFederation.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
