package eu.panosc.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.demo.DemoFederation;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/demo.md names what the demo fixture holds, and no facility-scoped id the fixture lacks. */
class DemoDocTest {
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");

  private static String doc() throws Exception {
    return Files.readString(Path.of("..", "docs", "demo.md"));
  }

  private static List<String> ids(JsonObject fixture, String list, String key) {
    List<String> out = new ArrayList<>();
    fixture.getJsonArray(list).forEach(o -> {
      String v = ((JsonObject) o).getString(key);
      if (v != null) {
        out.add(v);
      }
    });
    return out;
  }

  @Test
  void demoDocWhenComparedWithFixtureThenEveryIdAndSecretAppears() throws Exception {
    JsonObject fixture = DemoFederation.fixture();
    String doc = doc();
    List<String> expected = new ArrayList<>();
    expected.addAll(ids(fixture, "facilities", "id"));
    fixture.getJsonArray("facilities").forEach(f -> expected.addAll(ids((JsonObject) f, "instruments", "id")));
    expected.addAll(ids(fixture, "users", "username"));
    expected.addAll(ids(fixture, "users", "password"));
    expected.addAll(ids(fixture, "users", "id"));
    expected.addAll(ids(fixture, "proposals", "id"));
    expected.addAll(ids(fixture, "datasets", "pid"));
    expected.addAll(ids(fixture, "clients", "clientId"));
    expected.addAll(ids(fixture, "clients", "secret"));
    expected.addAll(ids(fixture, "identityProviders", "id"));
    expected.addAll(ids(fixture, "clusters", "id"));
    expected.addAll(ids(fixture, "samlEntities", "entityId"));
    fixture.getJsonArray("clients").forEach(c -> {
      JsonObject federation = ((JsonObject) c).getJsonObject("federation");
      if (federation != null) {
        expected.add(federation.getString("entityId"));
        federation.getJsonObject("jwks").getJsonArray("keys").forEach(k -> expected.add(((JsonObject) k).getString("kid")));
      }
    });
    fixture.getJsonObject("federation").getJsonObject("aaiBroker").getJsonObject("jwks").getJsonArray("keys")
        .forEach(k -> expected.add(((JsonObject) k).getString("kid")));
    for (String id : expected) {
      assertThat(doc).as(id).contains("`" + id + "`");
    }
  }

  @Test
  void demoDocWhenFacilityScopedIdQuotedThenFixtureHasIt() throws Exception {
    JsonObject fixture = DemoFederation.fixture();
    Set<String> facilities = new HashSet<>(ids(fixture, "facilities", "id"));
    Set<String> known = new HashSet<>(ids(fixture, "proposals", "id"));
    fixture.getJsonArray("facilities").forEach(f -> known.addAll(ids((JsonObject) f, "instruments", "id")));
    Matcher m = CODE.matcher(doc());
    List<String> unknown = new ArrayList<>();
    while (m.find()) {
      String code = m.group(1);
      int colon = code.indexOf(':');
      if (colon > 0 && facilities.contains(code.substring(0, colon)) && !known.contains(code)) {
        unknown.add(code);
      }
    }
    assertThat(unknown).as("instrument or proposal ids in docs/demo.md that the fixture lacks").isEmpty();
  }
}
