package eu.panosc.helm;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;
import java.util.Map;

/** A Fabric8 mock API server in CRUD mode (no real API server can run here) with the chart's objects applied. */
final class MockCluster implements AutoCloseable {
  /** The custom resources the chart renders: kind -> plural. */
  private static final Map<String, String> PLURALS = Map.of("Cluster", "clusters", "ScheduledBackup",
      "scheduledbackups", "ServiceMonitor", "servicemonitors");

  final KubernetesMockServer server;
  final KubernetesClient client;

  MockCluster() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init();
    client = server.createClient();
  }

  /** Creates the object (in its own namespace, else the release's) and returns what the API server stored. */
  HasMetadata apply(HasMetadata o) {
    String ns = o.getMetadata().getNamespace() != null ? o.getMetadata().getNamespace() : Chart.NAMESPACE;
    if (o instanceof GenericKubernetesResource g) {
      String[] gv = g.getApiVersion().split("/");
      ResourceDefinitionContext ctx = new ResourceDefinitionContext.Builder().withGroup(gv[0]).withVersion(gv[1])
          .withKind(g.getKind()).withPlural(PLURALS.get(g.getKind())).withNamespaced(true).build();
      return client.genericKubernetesResources(ctx).inNamespace(ns).resource(g).create();
    }
    return client.resource(o).inNamespace(ns).create();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }

  /**
   * The API calls the mock server received since the last call, as RBAC sees them:
   * {@code group/resource/name:verb} ({@code resource:verb} for the core group, no name for create and list).
   */
  java.util.List<String> takeCalls() throws InterruptedException {
    java.util.List<String> out = new java.util.ArrayList<>();
    io.fabric8.mockwebserver.http.RecordedRequest r;
    while ((r = server.takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS)) != null) {
      out.add(rbac(r.getMethod(), r.getPath()));
    }
    return out;
  }

  static String rbac(String method, String pathAndQuery) {
    String path = pathAndQuery.split("\\?")[0];
    String[] p = path.substring(1).split("/");
    // /api/v1/namespaces/{ns}/{resource}[/{name}] or /apis/{group}/{version}/namespaces/{ns}/{resource}[/{name}]
    int i = p[0].equals("api") ? 2 : 3;
    String group = p[0].equals("api") ? "" : p[1] + "/";
    if (!p[i].equals("namespaces") || p.length < i + 3) {
      return method + " " + path;
    }
    String resource = p[i + 2];
    String name = p.length > i + 3 ? "/" + p[i + 3] : "";
    String verb = switch (method) {
      case "GET" -> name.isEmpty() ? (pathAndQuery.contains("watch=true") ? "watch" : "list") : "get";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> name.isEmpty() ? "deletecollection" : "delete";
      default -> method;
    };
    return group + resource + name + ":" + verb;
  }
}
