package eu.panosc.broker.driver.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Creates a session's Kubernetes objects with one POST each, asynchronously through the Fabric8 client's own HTTP
 * client (so its authentication, TLS and request timeout apply), without what Fabric8's DSL adds around a create: a
 * copy of the object (serialised and parsed again, {@code unlock()}), a worker thread held while the call is in flight,
 * and the answer bound to a full model. The create benchmark's profile found those at about a fifth of the control
 * plane's CPU per session (the Secret then held the activity agent's 22 KB script; it is now in one ConfigMap per
 * namespace, {@link SessionObjects#agentScript}).
 * Only an answer that is asked for is parsed, as JSON. An object that exists (409) is left to the caller.
 */
final class Creates {
  /** Runs Fabric8's blocking calls on a worker. */
  interface Blocking {
    <T> Future<T> run(Callable<T> work);
  }

  private final Vertx vertx;
  private final KubernetesClient client;
  private final Blocking blocking;

  Creates(Vertx vertx, KubernetesClient client, Blocking blocking) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.client = Objects.requireNonNull(client, "client");
    this.blocking = Objects.requireNonNull(blocking, "blocking");
  }

  /** POSTs {@code item}; answers the created object as JSON, or null when an object of its name exists (409). */
  Future<JsonObject> create(HasMetadata item) {
    return post(item, r -> r.code() == 409 ? null : new JsonObject(Buffer.buffer(r.body())));
  }

  /** POSTs {@code item} without reading the answer; one of its name that exists (409) is as good (it is not read). */
  Future<Void> createIfAbsent(HasMetadata item) {
    return post(item, r -> null).mapEmpty();
  }

  /**
   * POSTs {@code item} without reading the answer; when an object of its name exists (409), runs {@code onConflict}
   * (Fabric8's create-or-update) on a worker.
   */
  Future<Void> createOrUpdate(HasMetadata item, Callable<?> onConflict) {
    return post(item, r -> r.code() == 409).compose(conflict -> conflict
        ? blocking.run(onConflict).<Void>mapEmpty() : Future.<Void>succeededFuture());
  }

  private <T> Future<T> post(HasMetadata item, Function<HttpResponse<byte[]>, T> answer) {
    String path;
    HttpRequest request;
    try {
      path = collection(item);
      var builder = client.getHttpClient().newHttpRequestBuilder().uri(base() + path)
          .post("application/json", client.getKubernetesSerialization().asJson(item).getBytes(StandardCharsets.UTF_8));
      Integer timeout = client.getConfiguration().getRequestTimeout();
      if (timeout != null && timeout > 0) {
        builder.timeout(timeout, TimeUnit.MILLISECONDS);
      }
      request = builder.build();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    // continued on the event loop of the client's connection that answered, not handed back to the caller's loop: a
    // start's next POST then goes out from the loop whose connection just answered (mostly the one it uses again),
    // where a hand-over to another loop costs a wake-up of that loop each way (the profile found those at several
    // percent of the control plane's CPU); an answer completed elsewhere (a timeout's scheduler) goes to a context
    Promise<HttpResponse<byte[]>> answered = Promise.promise();
    client.getHttpClient().sendAsync(request, byte[].class).whenComplete((r, e) -> {
      if (Context.isOnEventLoopThread()) {
        answered.complete(r, e);
      } else {
        vertx.getOrCreateContext().runOnContext(x -> answered.complete(r, e));
      }
    });
    return answered.future().compose(r -> {
          if (r.isSuccessful() || r.code() == 409) {
            return Future.succeededFuture(answer.apply(r));
          }
          return Future.failedFuture(refused(path, r));
        });
  }

  private String base() {
    String master = client.getMasterUrl().toString();
    int end = master.length();
    while (end > 0 && master.charAt(end - 1) == '/') {
      end--;
    }
    return master.substring(0, end);
  }

  /** The path of {@code item}'s collection in its namespace ({@code /api/v1/...} or {@code /apis/<group>/...}). */
  static String collection(HasMetadata item) {
    String apiVersion = item.getApiVersion();
    String namespace = item.getMetadata() == null ? null : item.getMetadata().getNamespace();
    if (apiVersion == null || apiVersion.isBlank() || namespace == null || namespace.isBlank()) {
      throw new IllegalArgumentException("a " + item.getKind() + " to create needs its apiVersion and namespace");
    }
    return (apiVersion.contains("/") ? "/apis/" : "/api/") + apiVersion + "/namespaces/" + namespace + "/"
        + HasMetadata.getPlural(item.getClass());
  }

  /** The API server's refusal, with the message of its {@code Status} answer when it sent one. */
  static KubernetesClientException refused(String path, HttpResponse<byte[]> r) {
    String message = "";
    try {
      if (r.body() != null && r.body().length > 0 && new JsonObject(Buffer.buffer(r.body())).getValue("message")
          instanceof String m) {
        message = m;
      }
    } catch (RuntimeException e) {
      // not a Status: the code says enough
    }
    return new KubernetesClientException("POST " + path + " answered HTTP " + r.code()
        + (message.isBlank() ? "" : ": " + message), r.code(), null);
  }
}
