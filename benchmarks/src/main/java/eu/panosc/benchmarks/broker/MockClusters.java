package eu.panosc.benchmarks.broker;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * Stand-ins for the Kubernetes API servers of {@code count} clusters in {@code broker-create-benchmark.sh}: Fabric8
 * mock API servers in CRUD mode (each stores what is created in it and answers reads from that), over plain HTTP on
 * free local ports. Writes their base URLs, one a line, to {@code file} once all listen, then runs until killed.
 *
 * <p>Mode {@code lean} (the default): Pods go to the CRUD dispatcher as before (lists and the watch the broker's
 * informers follow), but Secrets, Services and volume claims are kept by name in a hash map
 * ({@link NamedObjects}): the CRUD dispatcher finds an object by scanning everything it stores under one lock, so each
 * create cost it time in proportion to all the objects created before (a profile of the mock during a run: 90 % of its
 * CPU in that scan, more than the whole control plane's CPU), which the benchmark then measured instead of the
 * broker. Mode {@code crud}: everything through the CRUD dispatcher (the runs recorded before 2026-12-07 21:45 UTC).
 *
 * <pre>java -cp benchmarks.jar eu.panosc.benchmarks.broker.MockClusters COUNT FILE [lean|crud]</pre>
 */
public final class MockClusters {
  private MockClusters() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2 || args.length > 3 || !args[0].matches("[1-9][0-9]?")
        || args.length == 3 && !args[2].matches("lean|crud")) {
      System.err.println("usage: MockClusters COUNT(1-99) FILE [lean|crud]");
      System.exit(2);
    }
    boolean lean = args.length < 3 || args[2].equals("lean");
    int count = Integer.parseInt(args[0]);
    Path file = Path.of(args[1]);
    List<KubernetesMockServer> servers = new ArrayList<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> servers.forEach(KubernetesMockServer::destroy)));
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
      KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
          lean ? new NamedObjects(crud) : crud, false);
      server.init();
      servers.add(server);
      urls.add(server.url("/").replaceAll("/+$", ""));
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, urls);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    Thread.currentThread().join();
  }
}
