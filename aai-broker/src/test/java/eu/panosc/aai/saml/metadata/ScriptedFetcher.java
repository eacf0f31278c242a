package eu.panosc.aai.saml.metadata;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A test fixture, not a test: a fetcher answering per URL what the test set (a body, a 404, a failure), recording
 * every request, and optionally holding answers back until {@link #release()} so concurrent lookups can be observed.
 */
final class ScriptedFetcher implements MetadataFetcher {
  private final Map<URI, Future<Optional<byte[]>>> answers = new HashMap<>();
  final List<URI> requests = new ArrayList<>();
  private final List<Runnable> held = new ArrayList<>();
  private boolean hold;
  private final Map<URI, String> etags = new HashMap<>();
  /** The If-None-Match of every conditional request, in order. */
  final List<Optional<String>> conditions = new ArrayList<>();

  /** Answers carry {@code etag}; a request naming it is answered 304. */
  synchronized void etag(URI uri, String etag) {
    etags.put(uri, etag);
  }

  @Override
  public Future<Fetched> fetch(URI uri, int maxBytes, Optional<String> etag) {
    String current;
    synchronized (this) {
      conditions.add(etag);
      current = etags.get(uri);
      if (current != null && etag.isPresent() && etag.get().equals(current)) {
        requests.add(uri);
        return Future.succeededFuture(new Fetched(Fetched.Status.NOT_MODIFIED, new byte[0], etag));
      }
    }
    return fetch(uri, maxBytes).map(b -> b.map(x -> new Fetched(Fetched.Status.OK, x, Optional.ofNullable(current)))
        .orElseGet(() -> new Fetched(Fetched.Status.NOT_FOUND, new byte[0], Optional.empty())));
  }

  synchronized void answer(URI uri, byte[] body) {
    answers.put(uri, Future.succeededFuture(Optional.of(body)));
  }

  synchronized void notFound(URI uri) {
    answers.put(uri, Future.succeededFuture(Optional.empty()));
  }

  synchronized void fail(URI uri) {
    answers.put(uri, Future.failedFuture(new MetadataRefusedException(MetadataRefusedException.Kind.UNAVAILABLE,
        "connection refused")));
  }

  synchronized void hold() {
    hold = true;
  }

  void release() {
    List<Runnable> run;
    synchronized (this) {
      hold = false;
      run = new ArrayList<>(held);
      held.clear();
    }
    run.forEach(Runnable::run);
  }

  @Override
  public Future<Optional<byte[]>> fetch(URI uri, int maxBytes) {
    Future<Optional<byte[]>> answer;
    synchronized (this) {
      requests.add(uri);
      answer = answers.getOrDefault(uri, Future.failedFuture(
          new MetadataRefusedException(MetadataRefusedException.Kind.UNAVAILABLE, "no answer scripted for " + uri)));
      if (hold) {
        Promise<Optional<byte[]>> later = Promise.promise();
        Future<Optional<byte[]>> a = answer;
        held.add(() -> a.onComplete(later));
        return later.future();
      }
    }
    return answer;
  }
}
