package eu.panosc.controlplane;

import eu.panosc.platform.demo.DemoFederation;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code panosc demo-info}: the demo federation's fixed identifiers and credentials. */
@Command(name = "demo-info", mixinStandardHelpOptions = true,
    description = "Print the demo federation: users, clients with their secrets and scopes, facilities, "
        + "proposals, datasets, SAML entities, clusters. The same data docs/demo.md describes.")
final class DemoInfoCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print the whole fixture as JSON (for scripts and tests).")
  boolean json;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    JsonObject demo = DemoFederation.fixture();
    var out = spec.commandLine().getOut();
    if (json) {
      out.println(demo.encodePrettily());
      return 0;
    }
    out.println(demo.getJsonObject("federation").getString("name"));
    out.println(demo.getJsonObject("federation").getString("notice"));
    section(out, "Facilities", demo, "facilities", f -> f.getString("id") + "  " + f.getString("name"));
    section(out, "Users", demo, "users", u -> u.getString("username") + " / " + u.getString("password")
        + "  " + u.getString("id") + "  " + u.getString("description"));
    section(out, "Clients", demo, "clients", c -> c.getString("clientId") + "  " + c.getString("type")
        + (c.getString("secret") == null ? "" : "  secret " + c.getString("secret"))
        + "  scopes " + c.getJsonArray("scopes").encode()
        + (c.getJsonObject("federation") == null ? "" : "  entity id " + c.getJsonObject("federation").getString("entityId")));
    section(out, "Proposals", demo, "proposals", p -> p.getString("id") + "  " + p.getString("state")
        + "  release " + p.getString("releaseDate") + "  " + p.getString("title"));
    section(out, "Datasets", demo, "datasets", d -> d.getString("pid") + "  " + d.getString("proposal")
        + "  " + d.getString("state"));
    section(out, "SAML entities", demo, "samlEntities", e -> e.getString("entityId") + "  " + e.getString("role")
        + "  " + e.getString("description"));
    section(out, "Clusters", demo, "clusters", c -> c.getString("id") + "  " + c.getString("apiUrl")
        + "  " + c.getJsonObject("labels").encode());
    return 0;
  }

  private static void section(java.io.PrintWriter out, String title, JsonObject demo, String key,
      java.util.function.Function<JsonObject, String> line) {
    out.println();
    out.println(title + ":");
    demo.getJsonArray(key).forEach(o -> out.println("  " + line.apply((JsonObject) o)));
  }
}
