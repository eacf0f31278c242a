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

  /** A copy of the whole fixture: facilities, users, clients, proposals, datasets, SAML entities, clusters. */
  public static JsonObject fixture() {
    return FIXTURE.copy();
  }

  /**
   * The SAML metadata of one of the fixture's {@code samlEntities}, read from its {@code metadataResource}
   * (relative to the fixture, e.g. {@code saml/esrf-idp.xml}).
   *
   * @throws IllegalArgumentException if the fixture names no such entity
   */
  public static String samlMetadata(String entityId) {
    String resource = FIXTURE.getJsonArray("samlEntities").stream().map(JsonObject.class::cast)
        .filter(e -> entityId.equals(e.getString("entityId"))).map(e -> e.getString("metadataResource")).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("the demo federation has no SAML entity " + entityId));
    return new String(read(RESOURCE.substring(0, RESOURCE.lastIndexOf('/') + 1) + resource), StandardCharsets.UTF_8);
  }

  private static JsonObject load() {
    return new JsonObject(new String(read(RESOURCE), StandardCharsets.UTF_8));
  }

  private static byte[] read(String resource) {
    try (InputStream in = DemoFederation.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
